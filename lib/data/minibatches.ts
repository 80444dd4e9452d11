/**
 * A seeded minibatch iterator: each epoch visits every row once in a fresh random order.
 *
 * @module
 */

import { fromData, type Tensor } from "../autodiff/mod.ts";
import { type RandomOptions, rngFrom } from "./rng_option.ts";
import { takeRows } from "./take_rows.ts";

/** Options for {@link minibatches}. */
export interface MinibatchOptions extends RandomOptions {
  /** Rows per batch (the last batch of an epoch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Drop the last, smaller batch of each epoch instead of keeping it. Default false. */
  dropLast?: boolean;
  /** Reshuffle the rows at the start of each epoch. Default true; false keeps the data's order. */
  shuffle?: boolean;
}

/** One minibatch: its rows of X and y and their original indices. */
export interface Batch {
  X: Tensor;
  y: Tensor;
  /** Original row indices of the batch. */
  indices: number[];
}

/** The minibatches of a data set, epoch after epoch. */
export interface Minibatches extends Iterable<Batch> {
  /** Rows per (full) batch. */
  readonly batchSize: number;
  /** Batches per epoch. */
  readonly batchesPerEpoch: number;
  /** Number of epochs started so far. */
  readonly epochs: number;
  /** The batches of the next epoch, in a fresh order. Iterating the object itself does the same. */
  epoch(): Generator<Batch>;
}

/**
 * Minibatches of (X, y) with a seeded generator: every call of `epoch()` (or every `for...of`
 * over the result) starts a new epoch with a fresh shuffle; the sequence of epochs is the same on
 * every run with the same seed.
 *
 * @example Three epochs of batches of 32 digits, dropping the partial batch
 * ```ts
 * import { loadDigits, minibatches } from "./mod.ts";
 * const { X, y } = loadDigits({ scale: true });
 * const batches = minibatches(X, y, { batchSize: 32, seed: 0, dropLast: true });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for (const batch of batches) {
 *     if (batch.X.shape[0] !== 32) throw new Error("partial batch");
 *   }
 * }
 * console.log(batches.batchesPerEpoch, batches.epochs); // 56 3
 * ```
 */
export function minibatches(X: Tensor, y: Tensor, options: MinibatchOptions): Minibatches {
  const n = X.shape[0];
  if (X.shape.length === 0 || y.shape.length === 0 || y.shape[0] !== n) {
    throw new Error(
      `minibatches(): X and y need the same number of rows, got shapes [${X.shape}] and [${y.shape}]`,
    );
  }
  const { batchSize, dropLast = false, shuffle = true } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`invalid batchSize: ${batchSize} (expected a whole number ≥ 1)`);
  }
  if (dropLast && batchSize > n) {
    throw new RangeError(
      `invalid batchSize: ${batchSize} (with dropLast every batch needs ${batchSize} rows, ` +
        `but the data has only ${n})`,
    );
  }
  const rng = rngFrom(options);
  const dx = n === 0 ? 0 : X.data.length / n, dy = n === 0 ? 0 : y.data.length / n;
  const batchesPerEpoch = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  let epochs = 0;
  function* epoch(): Generator<Batch> {
    epochs++;
    const order = shuffle ? rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < batchesPerEpoch; b++) {
      const indices = order.slice(b * batchSize, Math.min(n, (b + 1) * batchSize));
      yield {
        X: fromData(takeRows(X.data, dx, indices), [indices.length, ...X.shape.slice(1)]),
        y: fromData(takeRows(y.data, dy, indices), [indices.length, ...y.shape.slice(1)]),
        indices,
      };
    }
  }
  return {
    batchSize,
    batchesPerEpoch,
    get epochs() {
      return epochs;
    },
    epoch,
    [Symbol.iterator]: epoch,
  };
}
