/**
 * Loads the torch reference trajectories (made by tools/reference/optim_torch.py) for the tests,
 * and the helpers they share.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fromData, type Tensor } from "../../autodiff/tensor.ts";
import { adabelief } from "../adabelief.ts";
import { adadelta } from "../adadelta.ts";
import { adagrad } from "../adagrad.ts";
import { adahessian } from "../adahessian.ts";
import { adam } from "../adam.ts";
import { adamL2 } from "../adam_l2.ts";
import { adamw } from "../adamw.ts";
import { nadam } from "../nadam.ts";
import type { Optimizer } from "../optimizer.ts";
import { radam } from "../radam.ts";
import { rmsprop } from "../rmsprop.ts";
import { cosineDecay, type Schedule, warmupThen } from "../schedule.ts";
import { sgd } from "../sgd.ts";
import { torchSgd } from "../torch_sgd.ts";
import type { Params } from "../tree.ts";

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
  await Deno.readTextFile(new URL("./torch_trajectories.json", import.meta.url)),
);

// deno-lint-ignore no-explicit-any
export const factories: Record<string, (options: any) => Optimizer<any>> = {
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

/**
 * The runs exercise all three parameter structures: run 0 as number[], run 1 as a record, the
 * 4-D kernel as a Tensor.
 */
export function structured(c: TorchCase, flat: number[]): Params {
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

/** The loss of a case as a function of its structured parameters. */
export function lossOf(c: TorchCase): (p: Params) => Tensor {
  const f = c.fn === "beale" ? bealeT : c.fn === "rosenbrock" ? rosenbrockT : quartic4dT;
  if (c.fn === "quartic4d" || c.id.endsWith("/0")) return f as (p: Params) => Tensor;
  return (p) => f((p as Record<string, Tensor>).p);
}

/** Largest relative difference |a − b| / |b| (|b| floored at 1e-8). */
export function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-8);
    if (!(e <= m)) m = Number.isNaN(e) ? Infinity : e;
  }
  return m;
}

/**
 * ‖a − b‖∞ / ‖b‖∞: the error relative to the vector's size, for comparing two algebraically equal
 * formulations whose rounding differs (a small coordinate then does not inflate the error).
 */
export function normRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0, n = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    n = Math.max(n, Math.abs(b[i]));
  }
  return d / n;
}
