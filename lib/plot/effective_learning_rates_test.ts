import assert from "node:assert/strict";
import {
  adagradRates,
  effectiveLearningRateOptions,
  effectiveLearningRates,
} from "./effective_learning_rates.ts";
import { plot } from "./figure.ts";
import { assertSnapshot } from "./snapshot.ts";

/** AdaGrad on (x² + 10 y²)/2 from (3, 1): the gradients it sees. */
function adagradRun(alpha: number, steps: number): number[][] {
  let p = [3, 1];
  const r = [0, 0];
  const grads: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const g = [p[0], 10 * p[1]];
    grads.push(g);
    p = p.map((v, i) => {
      r[i] += g[i] * g[i];
      return v - alpha / (1e-7 + Math.sqrt(r[i])) * g[i];
    });
  }
  return grads;
}

Deno.test("adagradRates() matches the closed form for a constant gradient: α/(δ + |g|√t)", () => {
  const rates = adagradRates(Array.from({ length: 5 }, () => [2, -0.5]), { alpha: 0.1, delta: 0 });
  rates.forEach((r, k) => {
    const t = k + 1;
    assert.ok(Math.abs(r[0] - 0.1 / (2 * Math.sqrt(t))) < 1e-15);
    assert.ok(Math.abs(r[1] - 0.1 / (0.5 * Math.sqrt(t))) < 1e-15);
  });
});

Deno.test("adagradRates() never increases, coordinate by coordinate", () => {
  const rates = adagradRates(adagradRun(0.5, 50), { alpha: 0.5 });
  for (let t = 1; t < rates.length; t++) {
    for (let i = 0; i < 2; i++) assert.ok(rates[t][i] <= rates[t - 1][i]);
  }
});

Deno.test("effective learning rate helpers reject invalid input, naming it", () => {
  assert.throws(() => adagradRates([[1]], { alpha: 0 }), /invalid alpha: 0/);
  assert.throws(
    () => adagradRates([[1, 2], [1]], { alpha: 1 }),
    /invalid grads: "row 1 of length 1"/,
  );
  const rates = adagradRates([[1, 2]], { alpha: 1 });
  assert.throws(
    () => effectiveLearningRateOptions(rates, { coordinates: ["x"] }),
    /invalid coordinates: \["x"\] \(expected 2 names/,
  );
  assert.throws(() => effectiveLearningRateOptions([]), /invalid rates: \[\]/);
  assert.throws(
    () => effectiveLearningRates(rates, { log: true } as object),
    /invalid option: log/,
  );
});

Deno.test("effectiveLearningRateOptions() draws many coordinates in one colour, no legend", () => {
  const grads = Array.from({ length: 10 }, (_, t) => Array.from({ length: 30 }, (_, i) => i + t));
  const fig = effectiveLearningRates(adagradRates(grads, { alpha: 1 }));
  assert.match(fig.label, /, …$/);
  assert.doesNotMatch(fig.html, /swatch/);
  assert.ok(plot(effectiveLearningRateOptions(adagradRates(grads, { alpha: 1 }))).html);
});

Deno.test("effectiveLearningRates() of AdaGrad matches its snapshot", async () => {
  const fig = effectiveLearningRates(adagradRates(adagradRun(0.5, 60), { alpha: 0.5 }), {
    alpha: 0.5,
    coordinates: ["x", "y"],
    title: "AdaGrad's effective learning rates",
  });
  assert.equal(
    fig.label,
    "AdaGrad's effective learning rates: effective learning rate per coordinate over 60 steps: " +
      "x from 0.167 to 0.0772, y from 0.05 to 0.0428",
  );
  await assertSnapshot("effective_learning_rates", fig);
});
