import assert from "node:assert/strict";
import { quadratic } from "./quadratic.ts";

Deno.test("quadratic() gradient matches central finite differences", () => {
  const q = quadratic(7);
  const h = 1e-6;
  for (const p of [[0.3, -1.2], [2, 0.5], [-3.5, 1.5]]) {
    const g = q.grad(p);
    for (let i = 0; i < 2; i++) {
      const plus = [...p], minus = [...p];
      plus[i] += h;
      minus[i] -= h;
      const fd = (q.f(plus) - q.f(minus)) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) < 1e-7, `coordinate ${i} at ${p}: fd ${fd}, grad ${g[i]}`);
    }
  }
});

Deno.test("quadratic() has zero value and gradient at its minimum", () => {
  const q = quadratic(50);
  for (const m of q.minima) {
    assert.equal(q.f(m), 0);
    assert.deepEqual(q.grad(m).map(Math.abs), [0, 0]);
  }
});

Deno.test("quadratic() rejects a condition number below 1", () => {
  assert.throws(() => quadratic(0.5), /invalid kappa: 0.5/);
  assert.throws(() => quadratic(NaN), RangeError);
});
