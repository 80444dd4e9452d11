import assert from "node:assert/strict";
import { hvp, type Tensor } from "../autodiff/mod.ts";
import { Rng } from "../random.ts";
import { rademacherLike } from "./adahessian.ts";
import { hutchinsonEstimates } from "./hutchinson_estimates.ts";

Deno.test("hutchinsonEstimates() is the running mean of z ⊙ Hz over the same draws", () => {
  const M = [[2, 1, 0], [1, 3, -1], [0, -1, 4]];
  const Mz = (z: number[]) => M.map((row) => row.reduce((s, m, i) => s + m * z[i], 0));
  const est = hutchinsonEstimates(Mz, [0, 0, 0], [1, 5, 7], new Rng(5));
  const rng = new Rng(5), sum = [0, 0, 0];
  const ref: number[][] = [];
  for (let k = 1; k <= 7; k++) {
    const z = rademacherLike([0, 0, 0], rng), h = Mz(z);
    for (let j = 0; j < 3; j++) sum[j] += z[j] * h[j];
    if (k === 1 || k === 5 || k === 7) ref.push(sum.map((s) => s / k));
  }
  assert.deepEqual(est.map((e) => e.samples), [1, 5, 7]);
  assert.deepEqual(est.map((e) => e.estimate), ref);
});

Deno.test("hutchinsonEstimates() converges to the autodiff Hessian's diagonal like 1/√k", () => {
  const f = (p: Tensor) =>
    p.at(0).square().mul(p.at(1)).add(p.at(1).pow(4)).add(p.at(0).mul(p.at(2)));
  const at = [1, 2, -1];
  const Hz = (z: number[]) => hvp(f)(at, z);
  const diag = [4, 48, 0]; // ∂²/∂x² = 2y, ∂²/∂y² = 12y², ∂²/∂z² = 0
  const [few, many] = hutchinsonEstimates(Hz, at, [10, 4000], new Rng(1));
  const err = (e: number[]) => Math.hypot(...e.map((v, j) => v - diag[j]));
  assert.ok(err(many.estimate) < 0.1 * Math.max(err(few.estimate), 0.5), `${err(many.estimate)}`);
});

Deno.test("hutchinsonEstimates() rejects checkpoints that are not ascending whole numbers", () => {
  const I = (z: number[]) => z;
  assert.throws(() => hutchinsonEstimates(I, [0], [5, 2], new Rng(0)), /invalid checkpoints/);
  assert.throws(() => hutchinsonEstimates(I, [0], [0], new Rng(0)), /invalid checkpoints/);
});
