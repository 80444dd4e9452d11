/**
 * Solving a small dense linear system A x = b by Gaussian elimination with partial pivoting:
 * enough for the normal equations of a linear regression with a dozen unknowns.
 *
 * @module
 */

/**
 * Solves A x = b (A square, n × n) by Gaussian elimination with partial pivoting (in each column
 * the row with the largest entry becomes the pivot, which keeps rounding errors small), then back
 * substitution. The inputs are not modified. Throws when A is singular to working precision.
 *
 * @example A 2 × 2 system
 * ```ts
 * import { solveLinear } from "./solve_linear.ts";
 * console.log(solveLinear([[2, 1], [1, 3]], [3, 5])); // [0.8, 1.4]
 * ```
 */
export function solveLinear(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  if (A.length !== n || A.some((row) => row.length !== n)) {
    throw new RangeError(
      `invalid A: expected an ${n} × ${n} matrix to match b of length ${n}`,
    );
  }
  const m = A.map((row, i) => [...row, b[i]]);
  const scale = Math.max(...A.flat().map(Math.abs));
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) <= 1e-14 * scale) {
      throw new RangeError(`Singular matrix: no pivot in column ${c} (the columns are dependent)`);
    }
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}
