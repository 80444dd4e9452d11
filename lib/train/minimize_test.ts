import assert from "node:assert/strict";
import { type Tensor, tensor } from "../autodiff/mod.ts";
import { beale, quadratic, rosenbrock } from "../functions/mod.ts";
import { adahessian, nesterov, runOptimizer, sgd } from "../optim/mod.ts";
import { trajectories } from "../plot/trajectories.ts";
import { minimize, runName } from "./minimize.ts";

Deno.test("minimize() follows the closed form (1 − αλ)^t of gradient descent on a quadratic", () => {
  const kappa = 10, alpha = 0.05, steps = 30;
  const run = minimize(quadratic(kappa), sgd({ alpha }), { start: [2, -1], steps });
  assert.equal(run.path.length, steps + 1);
  assert.equal(run.stop.reason, "budget");
  assert.equal(run.stop.step, steps);
  run.path.forEach(({ t, x, loss, gradNorm }, i) => {
    assert.equal(t, i);
    const ex = 2 * (1 - alpha) ** t, ey = -1 * (1 - alpha * kappa) ** t;
    assert.ok(Math.abs(x[0] - ex) < 1e-12 && Math.abs(x[1] - ey) < 1e-12);
    assert.ok(Math.abs(loss - 0.5 * (ex * ex + kappa * ey * ey)) < 1e-12);
    assert.ok(Math.abs(gradNorm - Math.hypot(ex, kappa * ey)) < 1e-10);
  });
  assert.deepEqual(run.params, run.path[steps].x);
  assert.match(run.stop.message, /^step budget of 30 spent: loss /);
});

Deno.test("minimize() stops as converged when the gradient norm falls below gradTol", () => {
  const run = minimize(quadratic(10), sgd({ alpha: 0.1 }), { steps: 10000, gradTol: 1e-8 });
  assert.equal(run.stop.reason, "converged");
  const last = run.path.at(-1)!;
  assert.ok(last.gradNorm <= 1e-8);
  assert.ok(run.path.at(-2)!.gradNorm > 1e-8);
  assert.equal(run.stop.step, last.t);
  assert.match(run.stop.message, /^converged at step \d+: ‖∇f‖ = .* ≤ 1e-8/);
});

Deno.test("minimize() stops as converged when the loss change falls below lossTol", () => {
  const run = minimize(quadratic(10), sgd({ alpha: 0.01 }), {
    steps: 100000,
    gradTol: 0,
    lossTol: 1e-9,
  });
  assert.equal(run.stop.reason, "converged");
  const [a, b] = run.path.slice(-2).map((p) => p.loss);
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, a));
  assert.match(run.stop.message, /the loss changed by/);
});

Deno.test("minimize() reports an exploding loss as diverged, keeps the finite path and hints at α", () => {
  const run = minimize(quadratic(10), sgd({ alpha: 0.3 }), { steps: 200 });
  assert.equal(run.stop.reason, "diverged");
  assert.equal(run.path.length, run.stop.step + 1);
  assert.ok(run.path.every((p) => Number.isFinite(p.loss) && p.x.every(Number.isFinite)));
  assert.ok(run.path.at(-1)!.loss > 1e6 * run.path[0].loss);
  assert.match(run.stop.message, /^diverged at step \d+: .*; lower the learning rate \(α = 0.3\)$/);
});

Deno.test("minimize() reports a non-finite loss as diverged and drops that iterate", () => {
  // f(x) = x² until |x| > 100, then NaN: plain GD with α = 1.5 doubles |x| each step.
  const f = {
    valueAndGrad: (p: number[]): [number, number[]] =>
      Math.abs(p[0]) > 100 ? [NaN, [NaN]] : [p[0] * p[0], [2 * p[0]]],
  };
  const run = minimize(f, sgd({ alpha: 1.5 }), { start: [1], steps: 50, explode: 1e12 });
  assert.equal(run.stop.reason, "diverged");
  assert.deepEqual(run.path.map((p) => p.x[0]), [1, -2, 4, -8, 16, -32, 64]);
  assert.match(
    run.stop.message,
    /^diverged at step 7: the loss became NaN \(last finite loss 4096/,
  );
});

Deno.test("minimize() with Nesterov records f and ∇f at θ^(t), not at the look-ahead point", () => {
  const opt = nesterov({ alpha: 0.01, rho: 0.9 });
  const run = minimize(rosenbrock, opt, { steps: 25 });
  const reference = runOptimizer(opt, rosenbrock.f, [...rosenbrock.start], 25);
  run.path.forEach(({ x, loss, gradNorm }, t) => {
    assert.deepEqual(x, reference.params[t]);
    assert.ok(Math.abs(loss - rosenbrock.value(x)) < 1e-9 * Math.max(1, loss));
    assert.ok(
      Math.abs(gradNorm - Math.hypot(...rosenbrock.grad(x))) < 1e-8 * Math.max(1, gradNorm),
    );
  });
});

Deno.test("minimize() runs AdaHessian through the driver (Hessian-vector products)", () => {
  const run = minimize(quadratic(10), adahessian({ alpha: 0.1 }), { steps: 300 });
  assert.ok(run.path.at(-1)!.loss < 1e-3 * run.path[0].loss, `loss ${run.path.at(-1)!.loss}`);
});

Deno.test("minimize() takes tensor and record parameters", () => {
  const bowl = (p: Tensor) => p.square().sum();
  const run = minimize(bowl, sgd({ alpha: 0.25 }), { start: tensor([1, -2]), steps: 5 });
  assert.deepEqual(Array.from(run.params.data), [1 / 32, -2 / 32]);
  const rec = minimize((p: Record<string, Tensor>) => p.w.square().sum(), sgd({ alpha: 0.25 }), {
    start: { w: tensor([4]) },
    steps: 2,
  });
  assert.deepEqual(Array.from(rec.params.w.data), [1]);
});

Deno.test("minimize() rejects invalid options, naming them", () => {
  const q = quadratic(2), opt = sgd({ alpha: 0.1 });
  assert.throws(() => minimize(q, opt, { steps: -1 }), /invalid steps: -1/);
  assert.throws(() => minimize(q, opt, { gradTol: -1 }), /invalid gradTol: -1/);
  assert.throws(() => minimize(q, opt, { explode: 0 }), /invalid explode: 0/);
  assert.throws(() => minimize(q, opt, { step: 3 } as object), /invalid option: step/);
  assert.throws(() => minimize((p: Tensor) => p.sum(), opt), /invalid start: undefined/);
});

Deno.test("runName() shows the hyperparameters in the lecture's letters", () => {
  assert.equal(runName(nesterov({ alpha: 0.01, rho: 0.9 })), "nesterov (α = 0.01, ρ = 0.9)");
});

Deno.test("minimize() results plot directly as trajectories", () => {
  const runs = [
    minimize(beale, sgd({ alpha: 0.01 }), { steps: 100 }),
    minimize(beale, sgd({ alpha: 0.5 }), { steps: 100 }),
  ];
  assert.equal(runs[1].stop.reason, "diverged");
  const fig = trajectories(beale, runs, { landscape: { pixelSize: 8 } });
  assert.match(fig.label, /sgd \(α = 0.5\): from \(1, 1.5\) to .* \(diverged\)/);
});

Deno.test("minimize() stops as reached within the target's radius, at the first such step", () => {
  const run = minimize(beale, sgd({ alpha: 0.01 }), {
    steps: 3000,
    target: { point: [3, 0.5], radius: 0.01 },
  });
  assert.equal(run.stop.reason, "reached");
  const d = (x: number[]) => Math.hypot(x[0] - 3, x[1] - 0.5);
  assert.ok(d(run.params) <= 0.01);
  assert.ok(run.path.slice(0, -1).every((p) => d(p.x) > 0.01));
  assert.equal(run.stop.step, run.path.length - 1);
  assert.match(run.stop.message, /^reached the target at step \d+/);
});

Deno.test("minimize() stops as reached when until() returns true", () => {
  const run = minimize(quadratic(4), sgd({ alpha: 0.1 }), {
    until: (x, loss, t) => loss < 0.1 && t >= 0 && x.length === 2,
  });
  assert.equal(run.stop.reason, "reached");
  assert.ok(run.path.at(-1)!.loss < 0.1 && run.path.at(-2)!.loss >= 0.1);
});

Deno.test("minimize() stops as diverged when an iterate leaves the bounds", () => {
  const run = minimize(quadratic(10), sgd({ alpha: 0.25 }), { bounds: quadratic(10).domain });
  assert.equal(run.stop.reason, "diverged");
  assert.match(run.stop.message, /coordinate 2 is .* outside \[-2, 2\]; lower the learning rate/);
  assert.ok(Math.abs(run.params[1]) > 2);
});

Deno.test("minimize() uses a record's compiled derivatives (same path as the tensor function)", () => {
  let calls = 0;
  const counted = {
    ...rosenbrock,
    valueAndGrad: (p: readonly number[]) => (calls++, rosenbrock.valueAndGrad(p)),
  };
  const fast = minimize(counted, nesterov({ alpha: 1e-3, rho: 0.9 }), { steps: 100 });
  const slow = minimize(
    rosenbrock.f as (p: Tensor) => Tensor,
    nesterov({ alpha: 1e-3, rho: 0.9 }),
    {
      start: [...rosenbrock.start],
      steps: 100,
    },
  );
  assert.ok(calls >= 100);
  fast.path.forEach((p, t) => assert.ok(Math.abs(p.loss - slow.path[t].loss) <= 1e-12));
});

Deno.test("minimize() rejects an invalid target, until or bounds", () => {
  assert.throws(
    () => minimize(beale, sgd({ alpha: 0.01 }), { target: { point: [3, 0.5], radius: 0 } }),
    /invalid target/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => minimize(beale, sgd({ alpha: 0.01 }), { until: 3 as any }), /invalid until/);
  assert.throws(
    () => minimize(beale, sgd({ alpha: 0.01 }), { bounds: [[1, -1]] }),
    /invalid bounds/,
  );
});
