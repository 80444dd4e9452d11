import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { solveLinear } from "./solve_linear.ts";

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
