import assert from "node:assert/strict";
import { grad, tensor } from "../autodiff/mod.ts";
import { linearRegression } from "../models/mod.ts";
import { Rng } from "../random.ts";
import { largestEigenvalue, leastSquares, solveLinear } from "./mod.ts";

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("solveLinear() recovers x from b = A x on random systems", () => {
  const rng = new Rng(1);
  for (const n of [1, 2, 5, 11]) {
    const A = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
    const x = Array.from({ length: n }, () => rng.normal());
    const b = A.map((row) => row.reduce((s, a, j) => s + a * x[j], 0));
    solveLinear(A, b).forEach((v, i) => close(v, x[i], 1e-9, `n = ${n}, x[${i}]`));
  }
});

Deno.test("solveLinear() pivots on a zero diagonal and rejects singular systems", () => {
  assert.deepEqual(solveLinear([[0, 1], [1, 0]], [2, 3]), [3, 2]);
  assert.throws(
    () => solveLinear([[1, 2], [2, 4]], [1, 2]),
    /Singular matrix: no pivot in column 1/,
  );
  assert.throws(() => solveLinear([[1, 2]], [1]), /invalid A: expected an 1 × 1 matrix/);
});

Deno.test("solveLinear() does not modify its inputs", () => {
  const A = [[2, 1], [1, 3]], b = [3, 5];
  solveLinear(A, b);
  assert.deepEqual(A, [[2, 1], [1, 3]]);
  assert.deepEqual(b, [3, 5]);
});

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

Deno.test("leastSquares() fits simple regression's closed form slope = cov/var", () => {
  const rng = new Rng(4);
  const xs = Array.from({ length: 40 }, () => rng.normal());
  const ys = xs.map((x) => 3 * x - 2 + 0.5 * rng.normal());
  const mx = xs.reduce((a, b) => a + b) / 40, my = ys.reduce((a, b) => a + b) / 40;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) /
    xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const fit = leastSquares(tensor(xs.map((x) => [x])), tensor(ys));
  close(fit.w[0], slope, 1e-12, "slope");
  close(fit.b, my - slope * mx, 1e-12, "intercept");
});

Deno.test("leastSquares() zeroes linearRegression's gradient; its Hessian is 2/M ZᵀZ", () => {
  const rng = new Rng(2);
  const X = tensor(Array.from({ length: 30 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const y = tensor(Array.from({ length: 30 }, () => rng.normal()));
  const fit = leastSquares(X, y);
  const model = linearRegression({ inputs: 3 });
  const params = { w: tensor(fit.w), b: tensor(fit.b) };
  close(model.loss(params, X, y).item(), fit.loss, 1e-12, "J*");
  const g = grad((p: typeof params) => model.loss(p, X, y))(params);
  for (const v of [...g.w.data, g.b.item()]) close(v, 0, 1e-12, "gradient at the minimum");
  // H[b][b] = (2/M) Σ 1 = 2, and H is symmetric
  close(fit.hessian[3][3], 2, 1e-12, "H[b][b]");
  fit.hessian.forEach((row, i) =>
    row.forEach((h, j) => close(h, fit.hessian[j][i], 0, "symmetry"))
  );
});
