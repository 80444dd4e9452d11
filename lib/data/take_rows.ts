/**
 * Copying rows of row-major data by index (minibatches, splits).
 *
 * @module
 */

/**
 * Rows `indices` of a tensor's data along its first axis, as a new Float64Array.
 *
 * @example Rows 2 and 0 of a 3 × 2 table
 * ```ts
 * import { takeRows } from "./take_rows.ts";
 * console.log([...takeRows(new Float64Array([1, 2, 3, 4, 5, 6]), 2, [2, 0])]); // [5, 6, 1, 2]
 * ```
 */
export function takeRows(
  data: Float64Array,
  rowSize: number,
  indices: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(indices.length * rowSize);
  // A plain loop: for short rows it beats set(subarray(...)), which allocates a view per row.
  for (let k = 0, o = 0; k < indices.length; k++) {
    const start = indices[k] * rowSize;
    for (let j = 0; j < rowSize; j++) out[o++] = data[start + j];
  }
  return out;
}
