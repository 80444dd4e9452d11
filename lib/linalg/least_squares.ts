/**
 * Linear least squares through the normal equations: the Hessian H and the minimizer of the mean
 * squared error J(w, b) = (1/M) Σ (xᵢᵀw + b − yᵢ)², the yardstick gradient descent is measured
 * against (J*, and the stability limit 2/L with L the largest eigenvalue of H).
 *
 * @module
 */

import type { Tensor } from "../autodiff/mod.ts";
import { solveLinear } from "./solve_linear.ts";

/** What {@link leastSquares} returns. */
export interface LeastSquares {
  /** The best weights w* (one per feature). */
  w: number[];
  /** The best intercept b*. */
  b: number;
  /** The Hessian of J over (w, b): (2/M) Zᵀ Z with Z = [X, 1]; constant, J being quadratic. */
  hessian: number[][];
  /** The smallest mean squared error J(w*, b*). */
  loss: number;
}

/**
 * Solves min over (w, b) of (1/M) Σ (xᵢᵀw + b − yᵢ)² from the normal equations
 * (2/M) Zᵀ Z θ = (2/M) Zᵀ y, with Z the rows of `X` with a 1 appended, by Gaussian elimination.
 * The loss is `linearRegression`'s (mean squared error, no ½).
 *
 * @example A line through three points
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { leastSquares } from "./least_squares.ts";
 * const fit = leastSquares(tensor([[0], [1], [2]]), tensor([1, 3, 5]));
 * console.log(fit.w.map((v) => +v.toFixed(12)), +fit.b.toFixed(12), +fit.loss.toFixed(12)); // [2] 1 0
 * ```
 */
export function leastSquares(X: Tensor, y: Tensor): LeastSquares {
  if (X.shape.length !== 2) {
    throw new RangeError(`invalid X: shape [${X.shape}] (expected a matrix, one row per example)`);
  }
  const [M, d] = X.shape;
  if (y.size !== M) {
    throw new RangeError(`invalid y: ${y.size} targets for ${M} rows of X (expected one per row)`);
  }
  const H = Array.from({ length: d + 1 }, () => new Array(d + 1).fill(0));
  const rhs = new Array(d + 1).fill(0);
  const z = new Array(d + 1).fill(1);
  for (let i = 0; i < M; i++) {
    for (let a = 0; a < d; a++) z[a] = X.data[i * d + a];
    for (let a = 0; a <= d; a++) {
      rhs[a] += (2 / M) * z[a] * y.data[i];
      for (let c = a; c <= d; c++) H[a][c] += (2 / M) * z[a] * z[c];
    }
  }
  for (let a = 0; a <= d; a++) for (let c = 0; c < a; c++) H[a][c] = H[c][a];
  const theta = solveLinear(H, rhs);
  let loss = 0;
  for (let i = 0; i < M; i++) {
    let r = theta[d] - y.data[i];
    for (let a = 0; a < d; a++) r += X.data[i * d + a] * theta[a];
    loss += r * r / M;
  }
  return { w: theta.slice(0, d), b: theta[d], hessian: H, loss };
}
