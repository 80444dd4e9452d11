import assert from "node:assert/strict";
import { grad, tensor } from "../autodiff/mod.ts";
import { logisticRegression } from "../models/mod.ts";
import { Rng } from "../random.ts";
import { gradientSpread, minibatchVariance, perExampleGradients } from "./minibatch_variance.ts";

const gradsOf = (M: number, D: number, seed: number) => {
  const rng = new Rng(seed);
  return Array.from({ length: M }, () => Array.from({ length: D }, () => rng.normal() + 0.3));
};

Deno.test("minibatchVariance() follows σ²/B · (M − B)/(M − 1) for every B", () => {
  const grads = gradsOf(24, 3, 1), M = 24;
  const { sigma2 } = gradientSpread(grads);
  const rng = new Rng(2);
  for (const B of [1, 2, 3, 6, 12, 18, 23]) {
    const expected = (sigma2 / B) * (M - B) / (M - 1);
    const measured = minibatchVariance(grads, B, 20000, rng);
    assert.ok(
      Math.abs(measured / expected - 1) < 0.05,
      `B = ${B}: measured ${measured}, expected ${expected}`,
    );
  }
});

Deno.test("minibatchVariance() is zero at B = M and σ² on average at B = 1", () => {
  const grads = gradsOf(10, 2, 3);
  assert.ok(minibatchVariance(grads, 10, 5, new Rng(0)) < 1e-28);
  // B = 1 and many draws: every example equally likely, so the mean is σ² itself
  const { sigma2 } = gradientSpread(grads);
  const measured = minibatchVariance(grads, 1, 40000, new Rng(1));
  assert.ok(Math.abs(measured / sigma2 - 1) < 0.03, `${measured} vs ${sigma2}`);
});

Deno.test("minibatchVariance() rejects a batch size outside 1…M, naming it", () => {
  const grads = gradsOf(5, 1, 0);
  assert.throws(() => minibatchVariance(grads, 6, 1, new Rng(0)), /invalid B: 6 .*M = 5/);
  assert.throws(() => minibatchVariance(grads, 0, 1, new Rng(0)), /invalid B: 0/);
  assert.throws(() => minibatchVariance(grads, 2, 0, new Rng(0)), /invalid draws: 0/);
});

Deno.test("perExampleGradients() average to the full-batch gradient of the model", () => {
  const rng = new Rng(5);
  const X = tensor(Array.from({ length: 12 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const y = tensor(Array.from({ length: 12 }, () => (rng.normal() > 0 ? 1 : 0)));
  const model = logisticRegression({ inputs: 3 });
  const params = model.init(new Rng(1));
  const rows = perExampleGradients(model, params, X, y);
  assert.equal(rows.length, 12);
  const full = grad((p: typeof params) => model.loss(p, X, y))(params);
  const expected = Object.keys(params).flatMap((k) => [...full[k].data]);
  gradientSpread(rows).mean.forEach((g, j) =>
    assert.ok(Math.abs(g - expected[j]) < 1e-12, `entry ${j}: ${g} vs ${expected[j]}`)
  );
});
