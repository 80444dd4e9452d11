/**
 * Small dense linear algebra for the notebooks' yardsticks: Gaussian elimination, the normal
 * equations of least squares, and the largest eigenvalue by power iteration.
 *
 * @example The stability limit 2/L of gradient descent on a least-squares loss
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { largestEigenvalue, leastSquares } from "./mod.ts";
 * const { hessian } = leastSquares(tensor([[1, 0], [0, 1], [1, 1]]), tensor([1, 2, 3]));
 * console.log(largestEigenvalue(hessian).value > 0); // true
 * ```
 *
 * @module
 */

export * from "./solve_linear.ts";
export * from "./least_squares.ts";
export * from "./largest_eigenvalue.ts";
