/**
 * Every optimizer against torch.optim (and the script's AdaBelief/AdaHessian written from the
 * official algorithms): tools/reference/optim_torch.py recorded float64 trajectories with the
 * gradients torch fed each step. Two checks per run:
 * - the update rule alone, fed torch's gradients (and, for AdaHessian, its z and Hz): 1e-13;
 * - end to end, gradients (and Hz) from the library's own autodiff: 1e-10.
 */

import assert from "node:assert/strict";
import type { Tensor } from "../autodiff/tensor.ts";
import { fromData } from "../autodiff/tensor.ts";
import { adabelief } from "./adabelief.ts";
import { adadelta } from "./adadelta.ts";
import { adagrad } from "./adagrad.ts";
import { adahessian } from "./adahessian.ts";
import { adam } from "./adam.ts";
import { adamL2 } from "./adam_l2.ts";
import { adamw } from "./adamw.ts";
import { optimStep } from "./driver.ts";
import { nadam } from "./nadam.ts";
import type { Optimizer, StepContext } from "./optimizer.ts";
import { radam } from "./radam.ts";
import { rmsprop } from "./rmsprop.ts";
import { cosineDecay, type Schedule, warmupThen } from "./schedule.ts";
import { sgd } from "./sgd.ts";
import { torchSgd } from "./torch_sgd.ts";
import { flatten, type Params } from "./tree.ts";

/** One recorded run of tools/reference/optim_torch.py. */
export interface TorchCase {
  id: string;
  factory: string;
  options: Record<string, unknown>;
  schedule: { kind: "warmupCosine"; alpha: number; warmup: number; steps: number } | null;
  fn: "beale" | "rosenbrock" | "quartic4d";
  shape: number[];
  params: number[][];
  grads: number[][];
  lr?: number[];
  z?: number[][];
  hz?: number[][];
}

/** The committed reference data. */
export const reference: {
  meta: { torch: string; quartic4d: { c: number[]; b: number[] } };
  cases: TorchCase[];
} = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/torch_trajectories.json", import.meta.url)),
);

// deno-lint-ignore no-explicit-any
const factories: Record<string, (options: any) => Optimizer<any>> = {
  sgd,
  torchSgd,
  adagrad,
  rmsprop,
  adadelta,
  adam,
  adamL2,
  adamw,
  nadam,
  radam,
  adabelief,
  adahessian,
};

/** The schedule the script used, built from the library's schedules. */
export function scheduleOf(c: TorchCase): Schedule | undefined {
  if (!c.schedule) return undefined;
  const { alpha, warmup, steps } = c.schedule;
  return warmupThen(warmup, cosineDecay(alpha, steps, alpha / 10), alpha / 10);
}

/** The optimizer a case describes. */
export function optimizerOf(c: TorchCase): Optimizer {
  const options = { ...c.options };
  const s = scheduleOf(c);
  if (s) options.alpha = s;
  return factories[c.factory](options);
}

// The runs exercise all three parameter structures: run 0 as number[], run 1 as a record, the
// 4-D kernel as a Tensor.
function structured(c: TorchCase, flat: number[]): Params {
  if (c.fn === "quartic4d") return fromData(Float64Array.from(flat), c.shape);
  if (c.id.endsWith("/0")) return flat.slice();
  return { p: fromData(Float64Array.from(flat), [2]) };
}

/** Beale's function written with tensor ops, as the script writes it for torch. */
export function bealeT(p: Tensor): Tensor {
  const [x, y] = p.unbind();
  return x.neg().add(1.5).add(x.mul(y)).square()
    .add(x.neg().add(2.25).add(x.mul(y.square())).square())
    .add(x.neg().add(2.625).add(x.mul(y.pow(3))).square());
}

/** Rosenbrock's function (a = 1, b = 100) with tensor ops. */
export function rosenbrockT(p: Tensor): Tensor {
  const [x, y] = p.unbind();
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
}

function quartic4dT(w: Tensor): Tensor {
  const { c, b } = reference.meta.quartic4d;
  const C = fromData(Float64Array.from(c), [2, 2, 2, 2]);
  const B = fromData(Float64Array.from(b), [2, 2, 2, 2]);
  return C.mul(w.pow(4)).sum().div(4).sub(B.mul(w).sum());
}

function lossOf(c: TorchCase): (p: Params) => Tensor {
  const f = c.fn === "beale" ? bealeT : c.fn === "rosenbrock" ? rosenbrockT : quartic4dT;
  if (c.fn === "quartic4d" || c.id.endsWith("/0")) return f as (p: Params) => Tensor;
  return (p) => f((p as Record<string, Tensor>).p);
}

/** Largest relative difference |a − b| / |b| (|b| floored at 1e-8) and where it occurred. */
export function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-8);
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m;
}

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
