/**
 * A seeded train/test split.
 *
 * @module
 */

import { fromData, type Tensor } from "../autodiff/mod.ts";
import { type RandomOptions, rngFrom } from "./rng_option.ts";
import { takeRows } from "./take_rows.ts";

/** Options for {@link trainTestSplit}. */
export interface SplitOptions extends RandomOptions {
  /**
   * Size of the test set: a fraction in (0, 1) of the rows (rounded up, as scikit-learn does) or
   * a whole number of rows. Default 0.25.
   */
  testSize?: number;
  /** Keep each class's share the same in both parts (classification labels in `y`). */
  stratify?: boolean;
}

/** The two parts of a split, plus which original rows went where. */
export interface Split {
  XTrain: Tensor;
  yTrain: Tensor;
  XTest: Tensor;
  yTest: Tensor;
  /** Original row indices of the training part, in its order. */
  trainIndices: number[];
  /** Original row indices of the test part, in its order. */
  testIndices: number[];
}

/**
 * Shuffles the rows with a seeded generator and splits them into a training and a test part.
 * The same seed gives the same split on every run.
 *
 * @example A stratified 80/20 split of the digits
 * ```ts
 * import { loadDigits, trainTestSplit } from "./mod.ts";
 * const { X, y } = loadDigits();
 * const s = trainTestSplit(X, y, { testSize: 0.2, seed: 0, stratify: true });
 * console.log(s.XTrain.shape, s.XTest.shape); // [1437, 64] [360, 64]
 * ```
 */
export function trainTestSplit(X: Tensor, y: Tensor, options: SplitOptions = {}): Split {
  const n = X.shape[0];
  if (X.shape.length === 0 || y.shape.length === 0 || y.shape[0] !== n) {
    throw new Error(
      `trainTestSplit(): X and y need the same number of rows, got shapes [${X.shape}] and [${y.shape}]`,
    );
  }
  const { testSize = 0.25, stratify = false } = options;
  let nTest: number;
  if (testSize > 0 && testSize < 1) nTest = Math.ceil(testSize * n);
  else if (Number.isInteger(testSize) && testSize >= 1 && testSize < n) nTest = testSize;
  else {
    throw new RangeError(
      `invalid testSize: ${testSize} (expected a fraction in (0, 1) or a whole number of rows 1..${
        n - 1
      })`,
    );
  }
  const rng = rngFrom(options);
  let testIndices: number[], trainIndices: number[];
  if (!stratify) {
    const order = rng.permutation(n);
    testIndices = order.slice(0, nTest);
    trainIndices = order.slice(nTest);
  } else {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const c = y.data[i];
      if (!byClass.has(c)) byClass.set(c, []);
      byClass.get(c)!.push(i);
    }
    testIndices = [];
    trainIndices = [];
    // Largest-remainder allocation, so the per-class test counts add up to nTest exactly.
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    const exact = classes.map((c) => (byClass.get(c)!.length * nTest) / n);
    const counts = exact.map(Math.floor);
    let left = nTest - counts.reduce((a, b) => a + b, 0);
    const byRemainder = classes.map((_, k) => k).sort((a, b) =>
      exact[b] - counts[b] - (exact[a] - counts[a]) || a - b
    );
    for (const k of byRemainder) if (left-- > 0) counts[k]++;
    classes.forEach((c, k) => {
      const rows = rng.shuffle(byClass.get(c)!);
      testIndices.push(...rows.slice(0, counts[k]));
      trainIndices.push(...rows.slice(counts[k]));
    });
    testIndices = rng.shuffle(testIndices);
    trainIndices = rng.shuffle(trainIndices);
  }
  const d = n === 0 ? 0 : X.data.length / n;
  const part = (idx: number[]) => ({
    X: fromData(takeRows(X.data, d, idx), [idx.length, ...X.shape.slice(1)]),
    y: fromData(takeRows(y.data, y.data.length / n, idx), [idx.length, ...y.shape.slice(1)]),
  });
  const train = part(trainIndices), test = part(testIndices);
  return {
    XTrain: train.X,
    yTrain: train.y,
    XTest: test.X,
    yTest: test.y,
    trainIndices,
    testIndices,
  };
}
