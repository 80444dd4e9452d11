/**
 * The largest eigenvalue of a symmetric positive semi-definite matrix by power iteration: the
 * curvature L of the steepest direction of a quadratic loss, which sets gradient descent's
 * stability limit 2/L.
 *
 * @module
 */

/** Options of {@link largestEigenvalue}. */
export interface PowerIterationOptions {
  /** Most iterations (default 1000). */
  iterations?: number;
  /** Stop when the estimate changes by less than this relative amount (default 1e-12). */
  tol?: number;
}

/** What {@link largestEigenvalue} returns. */
export interface Eigenpair {
  /** The eigenvalue of largest magnitude (L for a Hessian that is positive semi-definite). */
  value: number;
  /** Its unit eigenvector. */
  vector: number[];
  /** Iterations used. */
  iterations: number;
}

/**
 * Power iteration u ← Au/‖Au‖ from the all-ones vector; ‖Au‖ converges to the eigenvalue of
 * largest magnitude at the rate |λ₂/λ₁| per step. Meant for symmetric positive semi-definite
 * matrices such as the Hessian of a least-squares loss.
 *
 * @example The Hessian of ½(θ₁² + 10 θ₂²)
 * ```ts
 * import { largestEigenvalue } from "./largest_eigenvalue.ts";
 * const { value, vector } = largestEigenvalue([[1, 0], [0, 10]]);
 * console.log(value.toFixed(6), vector.map((x) => Math.abs(Math.round(x)))); // "10.000000" [0, 1]
 * ```
 */
export function largestEigenvalue(
  A: readonly (readonly number[])[],
  { iterations = 1000, tol = 1e-12 }: PowerIterationOptions = {},
): Eigenpair {
  const n = A.length;
  if (n === 0 || A.some((row) => row.length !== n)) {
    throw new RangeError(`invalid A: expected a non-empty square matrix (rows of length ${n})`);
  }
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`invalid iterations: ${iterations} (expected a whole number ≥ 1)`);
  }
  let u = new Array(n).fill(1 / Math.sqrt(n));
  let value = 0;
  let k = 0;
  while (k < iterations) {
    k++;
    const Au = A.map((row) => row.reduce((s, a, j) => s + a * u[j], 0));
    const norm = Math.hypot(...Au);
    if (norm === 0) return { value: 0, vector: u, iterations: k };
    u = Au.map((x) => x / norm);
    const done = Math.abs(norm - value) <= tol * norm;
    value = norm;
    if (done) break;
  }
  // the Rayleigh quotient carries the sign (‖Au‖ does not)
  const Au = A.map((row) => row.reduce((s, a, j) => s + a * u[j], 0));
  const rayleigh = Au.reduce((s, x, i) => s + x * u[i], 0);
  return { value: rayleigh, vector: u, iterations: k };
}
