import assert from "node:assert/strict";
import { largestEigenvalue } from "./largest_eigenvalue.ts";

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("largestEigenvalue() matches the closed form of a symmetric 2 × 2 matrix", () => {
  for (const [a, b, c] of [[1, 0, 10], [2, 1, 3], [5, 2, 1], [1, 0.99, 1]]) {
    const expected = (a + c) / 2 + Math.hypot((a - c) / 2, b);
    const { value, vector } = largestEigenvalue([[a, b], [b, c]]);
    close(value, expected, 1e-9 * expected, `[[${a}, ${b}], [${b}, ${c}]]`);
    close(Math.hypot(...vector), 1, 1e-12, "unit eigenvector");
  }
});

Deno.test("largestEigenvalue() finds the top of Q diag(λ) Qᵀ for a rotation Q", () => {
  const lambdas = [0.5, 3, 7, 1];
  // Q: a product of two plane rotations (orthogonal), so the eigenvalues are the lambdas
  const rot = (i: number, j: number, t: number) => {
    const R = lambdas.map((_, r) => lambdas.map((_, c): number => (r === c ? 1 : 0)));
    R[i][i] = R[j][j] = Math.cos(t);
    R[i][j] = -Math.sin(t);
    R[j][i] = Math.sin(t);
    return R;
  };
  const mul = (A: number[][], B: number[][]) =>
    A.map((row) => B[0].map((_, c) => row.reduce((s, a, k) => s + a * B[k][c], 0)));
  const Q = mul(rot(0, 2, 0.7), rot(1, 3, -1.1));
  const D = lambdas.map((l, r) => lambdas.map((_, c) => (r === c ? l : 0)));
  const Qt = Q[0].map((_, c) => Q.map((row) => row[c]));
  close(largestEigenvalue(mul(mul(Q, D), Qt)).value, 7, 1e-9, "largest of 0.5, 3, 7, 1");
  assert.throws(() => largestEigenvalue([[1, 2]]), /invalid A/);
});
