/**
 * Data for the notebooks: the real data sets in `data/` as tensors, standardization, a seeded
 * train/test split, a seeded minibatch iterator and small synthetic data sets.
 *
 * @example From CSV to minibatches
 * ```ts
 * import { loadBreastCancer, minibatches, standardize, trainTestSplit } from "./mod.ts";
 * const { X, y } = loadBreastCancer();
 * const split = trainTestSplit(X, y, { testSize: 0.2, seed: 0, stratify: true });
 * const { train, test } = standardize(split.XTrain, split.XTest);
 * const batches = minibatches(train, split.yTrain, { batchSize: 64, seed: 0 });
 * console.log(train.shape, test.shape, batches.batchesPerEpoch); // [455, 30] [114, 30] 8
 * ```
 *
 * @module
 */

export * from "./csv.ts";
export * from "./datasets.ts";
export * from "./minibatches.ts";
export * from "./rng_option.ts";
export * from "./split.ts";
export * from "./standardize.ts";
export * from "./synthetic.ts";
