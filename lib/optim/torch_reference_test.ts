/**
 * Every optimizer against torch.optim (and the script's AdaBelief/AdaHessian written from the
 * official algorithms): tools/reference/optim_torch.py recorded float64 trajectories with the
 * gradients torch fed each step. Two checks per run:
 * - the update rule alone, fed torch's gradients (and, for AdaHessian, its z and Hz): 1e-13;
 * - end to end, gradients (and Hz) from the library's own autodiff: 1e-10.
 */

import assert from "node:assert/strict";
import { optimStep } from "./driver.ts";
import type { StepContext } from "./optimizer.ts";
import {
  factories,
  lossOf,
  maxRel,
  optimizerOf,
  reference,
  scheduleOf,
  structured,
} from "./testdata/reference.ts";
import { flatten } from "./tree.ts";

const worst = { rule: 0, ruleId: "", e2e: 0, e2eId: "", grads: 0, lr: 0 };

Deno.test("reference data covers every optimizer, both functions, two starts and schedules", () => {
  const factoriesSeen = new Set(reference.cases.map((c) => c.factory));
  assert.deepEqual([...factoriesSeen].sort(), Object.keys(factories).sort());
  for (const fn of ["beale", "rosenbrock"]) {
    for (const start of ["0", "1"]) {
      for (const f of factoriesSeen) {
        assert.ok(
          reference.cases.some((c) => c.factory === f && c.fn === fn && c.id.endsWith(`/${start}`)),
          `${f} on ${fn} from start ${start}`,
        );
      }
    }
  }
  for (const f of factoriesSeen) {
    assert.ok(reference.cases.some((c) => c.factory === f && c.schedule), `${f} with a schedule`);
    if (f === "adam") continue; // Adam with weight decay is adamL2 (torch Adam(weight_decay))
    assert.ok(
      reference.cases.some((c) => c.factory === f && ((c.options.lambda as number) ?? 0) > 0),
      `${f} with weight decay`,
    );
  }
  assert.ok(reference.cases.every((c) => c.grads.length >= 20));
});

Deno.test("schedules reproduce the learning rates the reference runs used (1e-15)", () => {
  for (const c of reference.cases.filter((c) => c.schedule)) {
    const s = scheduleOf(c)!;
    const ours = c.lr!.map((_, t) => s(t));
    const e = maxRel(ours, c.lr!);
    worst.lr = Math.max(worst.lr, e);
    assert.ok(e <= 1e-15, `${c.id}: schedule off by ${e}`);
  }
});

for (const c of reference.cases) {
  Deno.test(`${c.factory}() update rule matches torch on ${c.id} fed torch's gradients`, () => {
    const opt = optimizerOf(c);
    let params = structured(c, c.params[0]);
    let state = opt.init(params);
    for (let t = 0; t < c.grads.length; t++) {
      const ctx: StepContext | undefined = c.z
        ? { z: structured(c, c.z[t]), hvp: () => structured(c, c.hz![t]) }
        : undefined;
      ({ params, state } = opt.step(params, structured(c, c.grads[t]), state, ctx));
      const e = maxRel(flatten(params), c.params[t + 1]);
      if (e > worst.rule) [worst.rule, worst.ruleId] = [e, `${c.id} step ${t + 1}`];
      assert.ok(e <= 1e-13, `${c.id} step ${t + 1}: relative error ${e}`);
    }
    assert.equal(state.t, c.grads.length);
  });

  Deno.test(`${c.factory}() end to end with the library's autodiff matches torch on ${c.id}`, () => {
    const opt = optimizerOf(c);
    const f = lossOf(c);
    let params = structured(c, c.params[0]);
    let state = opt.init(params);
    for (let t = 0; t < c.grads.length; t++) {
      const ctx: StepContext | undefined = c.z ? { z: structured(c, c.z[t]) } : undefined;
      const r = optimStep(opt, f, params, state, ctx);
      ({ params, state } = r);
      const eg = maxRel(flatten(r.grads), c.grads[t]);
      worst.grads = Math.max(worst.grads, eg);
      const e = maxRel(flatten(params), c.params[t + 1]);
      if (e > worst.e2e) [worst.e2e, worst.e2eId] = [e, `${c.id} step ${t + 1}`];
      assert.ok(e <= 1e-10, `${c.id} step ${t + 1}: relative error ${e}`);
    }
  });
}

Deno.test("worst relative errors against torch (report)", () => {
  console.log(
    `update rule: ${worst.rule.toExponential(2)} (${worst.ruleId}); ` +
      `end to end: ${worst.e2e.toExponential(2)} (${worst.e2eId}); ` +
      `autodiff gradients: ${worst.grads.toExponential(2)}; schedules: ${
        worst.lr.toExponential(2)
      }`,
  );
});
