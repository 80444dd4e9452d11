import assert from "node:assert/strict";
import type { Tensor } from "../autodiff/tensor.ts";
import { tensor } from "../autodiff/tensor.ts";
import { Rng } from "../random.ts";
import { adahessian, adam, nesterov, optimStep, runOptimizer } from "./mod.ts";

const bowl = (p: Tensor) => p.square().mul(tensor([1, 10])).sum(); // x² + 10y²

Deno.test("optimStep() takes Nesterov's gradient at the look-ahead point θ + ρv", () => {
  const opt = nesterov({ alpha: 0.01, rho: 0.9 });
  let a = [1, 1], sa = opt.init(a);
  let b = [1, 1], sb = opt.init(b);
  for (let i = 0; i < 30; i++) {
    const r = optimStep(opt, bowl, a, sa);
    const ahead = opt.lookahead!(b, sb);
    assert.deepEqual(r.grads, [2 * ahead[0], 20 * ahead[1]]);
    assert.equal(r.loss, ahead[0] ** 2 + 10 * ahead[1] ** 2);
    ({ params: a, state: sa } = r);
    ({ params: b, state: sb } = opt.step(b, [2 * ahead[0], 20 * ahead[1]], sb));
    assert.deepEqual(a, b);
  }
});

Deno.test("optimStep() gives AdaHessian the exact Hessian-vector product at θ", () => {
  const opt = adahessian({ alpha: 0.1 });
  const p = [0.5, -0.5];
  const z = [1, -1];
  const r = optimStep(opt, bowl, p, opt.init(p), { z });
  // H = diag(2, 20): D = |z ⊙ Hz| = (2, 20), r = (1 − ρ2) D², s = (1 − ρ1) g.
  assert.deepEqual(r.state.r, [(1 - 0.999) * 2 * 2, (1 - 0.999) * 20 * 20]);
  assert.deepEqual(r.state.s, [(1 - 0.9) * 1, (1 - 0.9) * -10]);
});

Deno.test("optimStep() draws AdaHessian's z from ctx.rng reproducibly", () => {
  const run = () =>
    runOptimizer(adahessian({ alpha: 0.1 }), bowl, [1, 1], 5, { rng: new Rng(42) }).params.at(-1);
  assert.deepEqual(run(), run());
});

Deno.test("optimStep() accepts a loss with its own valueAndGrad", () => {
  const opt = adam({ alpha: 0.1 });
  const f = { valueAndGrad: (p: number[]): [number, number[]] => [p[0] ** 2, [2 * p[0]]] };
  const r = optimStep(opt, f, [1], opt.init([1]));
  assert.equal(r.loss, 1);
  assert.deepEqual(r.grads, [2]);
  assert.ok(Math.abs(r.params[0] - 0.9) < 1e-8);
  const noHvp = adahessian();
  assert.throws(() => optimStep(noHvp, f, [1], noHvp.init([1])), /give f an hvp/);
});

Deno.test("runOptimizer() records iterates, losses and states, and copies the start", () => {
  const start = [1, 1];
  const run = runOptimizer(adam({ alpha: 0.05 }), bowl, start, 10);
  assert.equal(run.params.length, 11);
  assert.equal(run.loss.length, 10);
  assert.equal(run.states[9].t, 10);
  assert.notEqual(run.params[0], start);
  assert.deepEqual(start, [1, 1]);
  assert.ok(run.loss[9] < run.loss[0]);
});
