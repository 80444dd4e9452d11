import assert from "node:assert/strict";
import {
  emaWeights,
  movingAverageWeightOptions,
  movingAverageWeights,
} from "./moving_average_weights.ts";
import { assertSnapshot } from "./snapshot.ts";

Deno.test("emaWeights() are the coefficients of the unrolled recursion m_t = ρ m_{t−1} + (1−ρ) g_t", () => {
  const rho = 0.8, t = 6;
  const g = [3, -1, 4, 1, -5, 9];
  let m = 0;
  for (const v of g) m = rho * m + (1 - rho) * v;
  const w = emaWeights(rho, t, { t });
  const unrolled = w.reduce((sum, wk, k) => sum + wk * g[t - 1 - k], 0);
  assert.ok(Math.abs(unrolled - m) < 1e-12);
});

Deno.test("emaWeights() sum to 1 − ρ^t, and to 1 with bias correction", () => {
  const rho = 0.9, t = 7;
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum(emaWeights(rho, 20, { t })) - (1 - rho ** t)) < 1e-12);
  assert.ok(Math.abs(sum(emaWeights(rho, 20, { t, biasCorrected: true })) - 1) < 1e-12);
  assert.ok(Math.abs(sum(emaWeights(rho, 2000)) - 1) < 1e-12);
});

Deno.test("moving average helpers reject invalid input, naming it", () => {
  assert.throws(() => emaWeights(1, 5), /invalid rho: 1 \(expected a number in \[0, 1\)\)/);
  assert.throws(() => emaWeights(0.5, 0), /invalid count: 0/);
  assert.throws(() => emaWeights(0.5, 3, { biasCorrected: true }), /invalid biasCorrected: true/);
  assert.throws(() => movingAverageWeightOptions([]), /invalid rhos: \[\]/);
  assert.throws(() => movingAverageWeightOptions([{ rho: -0.1 }]), /invalid rho: -0.1/);
  assert.throws(() => movingAverageWeights([0.9], { rho: 0.9 } as object), /invalid option: rho/);
});

Deno.test("movingAverageWeightOptions() shows 3/(1−ρ) steps of the largest ρ by default", () => {
  const base = movingAverageWeightOptions([0.5, 0.9]);
  const fig = movingAverageWeights([0.5, 0.9]);
  assert.ok(base.marks.length > 0);
  assert.match(fig.html, /1\/\(1−ρ\) = 10/);
  assert.match(fig.html, /1\/\(1−ρ\) = 2</);
});

Deno.test("movingAverageWeights() for momentum and Adam matches its snapshot", async () => {
  const fig = movingAverageWeights([{ rho: 0.9, name: "momentum ρ = 0.9" }, {
    rho: 0.99,
    name: "Adam β₂ = 0.99",
  }], { title: "How far back each average looks" });
  await assertSnapshot("moving_average_weights", fig);
});

Deno.test("movingAverageWeights() with bias correction after 5 steps matches its snapshot", async () => {
  const fig = movingAverageWeights([0.9], { t: 5, biasCorrected: true, count: 15 });
  assert.match(fig.label, /with a history of 5 steps, bias-corrected/);
  await assertSnapshot("moving_average_weights_bias_corrected", fig);
});
