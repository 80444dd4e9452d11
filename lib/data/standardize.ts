/**
 * Standardization: shift and scale each feature to mean 0 and standard deviation 1, with the
 * statistics fitted on the training set only and reused for the test set.
 *
 * @module
 */

import { fromData, type Tensor } from "../autodiff/mod.ts";

/** Per-feature statistics fitted on a training set, and the map they define. */
export interface Standardizer {
  /** Mean of each feature column on the training set. */
  mean: Float64Array;
  /** Standard deviation (population, divisor n) of each column; 1 for a constant column. */
  std: Float64Array;
  /** (X - mean) / std with the fitted statistics, for any X with the same columns. */
  apply(X: Tensor): Tensor;
  /** The inverse map, X · std + mean (back to original units, e.g. predicted targets). */
  invert(Z: Tensor): Tensor;
}

/** The result of {@link standardize}: the fitted map and the transformed sets. */
export interface Standardized extends Standardizer {
  /** The standardized training set. */
  train: Tensor;
  /** The standardized test set, when one was passed. */
  test?: Tensor;
}

function columnsOf(X: Tensor, what: string): number {
  if (X.shape.length === 1) return 1;
  if (X.shape.length === 2) return X.shape[1];
  throw new Error(
    `${what}: expected a 1-D or 2-D tensor (rows × features), got shape [${X.shape}]`,
  );
}

/**
 * Fits per-column mean and standard deviation on `train` and returns the map. A 1-D tensor is
 * one column (standardizing regression targets). Constant columns (e.g. the always-blank border
 * pixels of the digits) get std 1, so they become 0 instead of NaN.
 *
 * @example Fit on training data, apply to new data
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { fitStandardizer } from "./standardize.ts";
 * const s = fitStandardizer(tensor([[1, 10], [3, 10]]));
 * console.log([...s.mean], [...s.std]); // [2, 10] [1, 1]
 * console.log(s.apply(tensor([[5, 12]])).toArray()); // [[3, 2]]
 * ```
 */
export function fitStandardizer(train: Tensor): Standardizer {
  const d = columnsOf(train, "fitStandardizer()");
  const n = train.shape[0];
  if (n === 0) throw new Error("fitStandardizer(): the training set has no rows");
  const x = train.data;
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2;
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j] / n);
    // NOTE: relative threshold, so a column constant up to rounding also counts as constant.
    std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  const map = (X: Tensor, what: string, f: (v: number, j: number) => number): Tensor => {
    const dx = columnsOf(X, what);
    if (dx !== d) {
      throw new Error(`${what}: expected ${d} feature columns (as fitted), got shape [${X.shape}]`);
    }
    const out = new Float64Array(X.data.length);
    for (let k = 0; k < out.length; k++) out[k] = f(X.data[k], k % d);
    return fromData(out, X.shape);
  };
  return {
    mean,
    std,
    apply: (X) => map(X, "Standardizer.apply()", (v, j) => (v - mean[j]) / std[j]),
    invert: (Z) => map(Z, "Standardizer.invert()", (v, j) => v * std[j] + mean[j]),
  };
}

/**
 * Standardizes `train` with its own statistics and, if given, `test` with the same ones (never the
 * test set's own: that would leak test information into training).
 *
 * @example Standardize a split of the diabetes data
 * ```ts
 * import { loadDiabetes, standardize, trainTestSplit } from "./mod.ts";
 * const { X, y } = loadDiabetes();
 * const split = trainTestSplit(X, y, { seed: 0 });
 * const { train, test } = standardize(split.XTrain, split.XTest);
 * console.log(Math.abs(train.mean(0).data[2]) < 1e-12); // true
 * console.log(test.shape); // [111, 10]
 * ```
 */
export function standardize(train: Tensor): Standardized;
export function standardize(train: Tensor, test: Tensor): Standardized & { test: Tensor };
export function standardize(train: Tensor, test?: Tensor): Standardized {
  const s = fitStandardizer(train);
  return { ...s, train: s.apply(train), ...(test ? { test: s.apply(test) } : {}) };
}
