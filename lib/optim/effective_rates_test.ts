import assert from "node:assert/strict";
import { tensor } from "../autodiff/mod.ts";
import { adagrad } from "./adagrad.ts";
import { adam } from "./adam.ts";
import { adamw } from "./adamw.ts";
import { effectiveRate, effectiveRates } from "./effective_rates.ts";
import { momentum } from "./momentum.ts";
import { rmsprop } from "./rmsprop.ts";
import { runOnGradients } from "./run_on_gradients.ts";
import { exponentialDecay } from "./schedule.ts";

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-14 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

Deno.test("effectiveRates() gives the rate the step used: Δθ = −rate · g for AdaGrad and RMSProp", () => {
  const grads = [[3, -0.5], [1, 2], [-4, 0.1], [0.2, 0.2]];
  for (
    const opt of [
      adagrad({ alpha: 0.5 }),
      adagrad({ alpha: 0.5, decay: 0.1 }),
      rmsprop({ alpha: exponentialDecay(0.1, 0.9), rho: 0.9 }),
    ]
  ) {
    const run = runOnGradients(opt, grads);
    const rates = effectiveRates<number[]>(opt, run.states);
    rates.forEach((rate, t) =>
      rate.forEach((rj, j) =>
        close(
          run.params[t][j] - run.params[t + 1][j],
          rj * grads[t][j],
          `${opt.name} step ${t + 1}, coordinate ${j}`,
        )
      )
    );
  }
});

Deno.test("effectiveRate() for Adam is α/(δ + √r̂): Δθ = −rate · ŝ", () => {
  const opt = adam({ alpha: 0.01, rho2: 0.9 });
  const grads = [2, -1, 0.5, 3];
  const run = runOnGradients(opt, grads);
  run.states.forEach((s, i) => {
    const t = i + 1;
    const sHat = s.s[0] / (1 - 0.9 ** t);
    const rate = effectiveRate<number[]>(opt, s)[0];
    close(rate, 0.01 / (1e-8 + Math.sqrt(s.r[0] / (1 - 0.9 ** t))), `rate at step ${t}`);
    assert.ok(Math.abs(run.params[i][0] - run.params[t][0] - rate * sHat) < 1e-15);
  });
});

Deno.test("effectiveRate() keeps the structure of tensor records", () => {
  const opt = adamw({ alpha: 0.1 });
  const params = { W: tensor([[1, 2], [3, 4]]), b: tensor([0]) };
  const state = opt.init(params);
  const next = opt.step(params, { W: tensor([[1, 1], [1, 1]]), b: tensor([2]) }, state).state;
  const rate = effectiveRate<typeof params>(opt, next);
  assert.deepEqual(rate.W.shape, [2, 2]);
  // After one step r̂ = g², so the rate is α / (δ + |g|).
  close(rate.b.data[0], 0.1 / (1e-8 + 2), "b");
});

Deno.test("effectiveRate() rejects optimizers without a per-parameter rate", () => {
  assert.throws(() => effectiveRate(momentum({ alpha: 0.1 }), { t: 1 }), /invalid opt: momentum/);
  assert.throws(
    () => effectiveRate(rmsprop({ centered: true }), { t: 1, r: [1] }),
    /centered or momentum/,
  );
  assert.throws(() => effectiveRate(adam(), { t: 1 }), /invalid state/);
});
