/**
 * Argument checks shared by the models (not re-exported from mod.ts).
 *
 * @module
 */

import type { Tensor } from "../autodiff/mod.ts";

/**
 * Throws unless X has shape [n, inputs], naming the model.
 *
 * @example A matrix with the wrong number of columns
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { checkInputs } from "./checks.ts";
 * try {
 *   checkInputs(tensor([[1, 2]]), 3, "my model");
 * } catch (e) {
 *   console.log((e as Error).message); // my model: expected X of shape [n, 3] (one row per example), got [1,2]
 * }
 * ```
 */
export function checkInputs(X: Tensor, inputs: number, model: string): void {
  if (X.ndim !== 2 || X.shape[1] !== inputs) {
    throw new Error(
      `${model}: expected X of shape [n, ${inputs}] (one row per example), got [${X.shape}]`,
    );
  }
}

/**
 * Throws unless `n` is a whole number ≥ 1, naming it.
 *
 * @example
 * ```ts
 * import { checkSize } from "./checks.ts";
 * checkSize(3, "inputs"); // fine
 * ```
 */
export function checkSize(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`invalid ${what}: ${n} (expected a whole number ≥ 1)`);
  }
}
