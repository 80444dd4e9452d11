/**
 * Running an optimizer on a test function (or any differentiable loss) and recording its
 * trajectory: the parameters, loss and gradient norm at every step, and why the run stopped:
 * converged, step budget spent, or diverged (with the step and a hint to lower the learning
 * rate; the finite part of the trajectory is kept for plotting).
 *
 * Every step goes through the optimizer driver (`optimStep`), so Nesterov's look-ahead gradient
 * and AdaHessian's Hessian-vector products are handled like any other optimizer.
 *
 * @module
 */

import type { Tensor } from "../autodiff/tensor.ts";
import { valueAndGrad as autodiffValueAndGrad } from "../autodiff/grad.ts";
import { type Differentiable, type LossFn, optimStep } from "../optim/driver.ts";
import type { Optimizer, StepContext, StepCount } from "../optim/optimizer.ts";
import { copyTree, leaves, type Params } from "../optim/tree.ts";

/** A test-function record (`lib/functions/`): what {@link minimize} reads from it. */
export interface TestFunctionLike {
  /** Shown in run names. */
  name: string;
  /** The function on tensors (differentiated by the autodiff). */
  f: (x: Tensor) => Tensor;
  /** The suggested start, used when no `start` option is given. */
  start: readonly number[];
  /** Value and gradient without tensors (the records' compiled autodiff); used when present. */
  valueAndGrad?: (p: readonly number[]) => [number, number[]];
  /** Hessian-vector products (the records' compiled autodiff), for AdaHessian. */
  hvp?: (p: readonly number[], v: readonly number[]) => number[];
}

/** What can be minimized: a test-function record, a loss on tensors, or a loss with its own
 * derivatives (`{ valueAndGrad, hvp? }`). */
export type Minimizable<P extends Params> = TestFunctionLike | LossFn<P> | Differentiable<P>;

/** Options of {@link minimize}. */
export interface MinimizeOptions<P extends Params> {
  /** θ^(0); defaults to the record's `start`. */
  start?: P;
  /** The step budget. */
  steps?: number;
  /** Converged when ‖∇f(θ^(t))‖ ≤ gradTol. */
  gradTol?: number;
  /** Converged when |f(θ^(t)) − f(θ^(t−1))| ≤ lossTol · max(1, |f(θ^(t−1))|); 0 disables. */
  lossTol?: number;
  /** Diverged when the loss exceeds explode · max(1, |f(θ^(0))|) (or is not finite). */
  explode?: number;
  /** A name for the run (legends); default: the optimizer and its hyperparameters. */
  name?: string;
  /** Passed to every step (e.g. an `rng` for AdaHessian's Rademacher vectors). */
  ctx?: StepContext;
  /** Stop with reason "reached" once θ^(t) is within `radius` (Euclidean) of `point`. */
  target?: { point: readonly number[]; radius: number };
  /** Stop with reason "reached" once `until(θ^(t), f(θ^(t)), t)` returns true. */
  until?: (x: P, loss: number, t: number) => boolean;
  /** Stop as diverged once θ^(t) leaves this box, one [min, max] per coordinate (e.g. a
   * record's `domain`). */
  bounds?: readonly (readonly [number, number])[];
}

/** One recorded iterate. */
export interface PathPoint<P extends Params = number[]> {
  /** The step t (0 is the start). */
  t: number;
  /** θ^(t), with the structure of the start (a `number[]` for the 2-D test functions). */
  x: P;
  /** f(θ^(t)). */
  loss: number;
  /** ‖∇f(θ^(t))‖₂. */
  gradNorm: number;
}

/** Why a run stopped. */
export interface StopInfo {
  /** "converged" (tolerance met), "reached" (the `target` or `until` stop), "budget" (steps
   * spent) or "diverged" (non-finite or exploding loss, or outside `bounds`). */
  reason: "converged" | "reached" | "budget" | "diverged";
  /** The step at which it stopped. */
  step: number;
  /** A sentence for the notebook reader (with a hint when diverged). */
  message: string;
}

/** What {@link minimize} returns: plot it with `trajectories(fn, [result])` or `curves([result])`. */
export interface MinimizeResult<P extends Params = number[]> {
  /** The run's name (legend). */
  name: string;
  /** The iterates θ^(0), θ^(1), … up to the stop (all finite). */
  path: PathPoint<P>[];
  /** Why and when the run stopped. */
  stop: StopInfo;
  /** The last finite iterate. */
  params: P;
}

/** Defaults, declared once. */
const defaults = {
  steps: 1000,
  gradTol: 1e-6,
  lossTol: 0,
  explode: 1e6,
} as const;

const known = [
  "start",
  "steps",
  "gradTol",
  "lossTol",
  "explode",
  "name",
  "ctx",
  "target",
  "until",
  "bounds",
];

/** Hyperparameters shown in run names (δ, the tiny stabilizer, is left out). */
const greek: Record<string, string> = {
  alpha: "α",
  rho: "ρ",
  beta1: "β₁",
  beta2: "β₂",
  lambda: "λ",
  gamma: "γ",
};

/**
 * A short run name from an optimizer: its name and numeric hyperparameters in the lecture's
 * letters, e.g. "momentum (α = 0.01, ρ = 0.9)".
 *
 * @example
 * ```ts
 * import { sgd } from "../optim/mod.ts";
 * import { runName } from "./minimize.ts";
 * console.log(runName(sgd({ alpha: 0.1 }))); // "sgd (α = 0.1)"
 * ```
 */
export function runName(opt: Optimizer<StepCount>): string {
  const parts = Object.entries(opt.hyper ?? {})
    .filter(([k, v]) => typeof v === "number" && k in greek && !(k === "lambda" && v === 0))
    .map(([k, v]) => `${greek[k]} = ${v}`);
  return parts.length ? `${opt.name} (${parts.join(", ")})` : opt.name;
}

/** A record or loss with its own derivatives: handed to the driver as is (the fast path). */
function hasDerivatives(f: unknown): boolean {
  return typeof f === "object" && f !== null &&
    typeof (f as Differentiable<Params>).valueAndGrad === "function";
}

function isTestFunction(f: unknown): f is TestFunctionLike {
  return typeof f === "object" && f !== null && typeof (f as TestFunctionLike).f === "function" &&
    Array.isArray((f as TestFunctionLike).start);
}

function positive(name: string, v: number, allowZero = false): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(
      `invalid ${name}: ${v} (expected a ${allowZero ? "" : "positive "}number${
        allowZero ? " ≥ 0" : ""
      })`,
    );
  }
  return v;
}

function norm(tree: Params): number {
  let s = 0;
  for (const leaf of leaves(tree)) for (let i = 0; i < leaf.length; i++) s += leaf[i] * leaf[i];
  return Math.sqrt(s);
}

function finite(tree: Params): boolean {
  for (const leaf of leaves(tree)) {
    for (let i = 0; i < leaf.length; i++) if (!Number.isFinite(leaf[i])) return false;
  }
  return true;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6)
    ? (+v.toPrecision(4)).toExponential()
    : String(+v.toPrecision(4));
}

/**
 * Runs `optimizer` on `f` from `start` until a tolerance is met, a `target` or `until` stop is
 * reached, the step budget is spent, or the loss blows up (or the iterate leaves `bounds`),
 * recording the trajectory. A test-function record is differentiated through its compiled
 * autodiff (`record.valueAndGrad`, `record.hvp`), so long runs and sweeps are cheap.
 *
 * At step t the loss and gradient are those at θ^(t) (for Nesterov, which takes its gradient at a
 * look-ahead point, they are evaluated at θ^(t) separately so the records mean the same thing for
 * every optimizer).
 *
 * @example Gradient descent and momentum on Beale's function
 * ```ts
 * import { beale } from "../functions/mod.ts";
 * import { momentum, sgd } from "../optim/mod.ts";
 * import { minimize } from "./minimize.ts";
 * const gd = minimize(beale, sgd({ alpha: 0.01 }), { steps: 500 });
 * const hb = minimize(beale, momentum({ alpha: 0.01, rho: 0.9 }), { steps: 500 });
 * console.log(gd.stop.reason, hb.stop.reason, hb.path.at(-1)!.loss < gd.path.at(-1)!.loss);
 * ```
 *
 * @example A race to the minimum: stop within 0.01 of it, or when leaving the plot window
 * ```ts
 * import { beale } from "../functions/mod.ts";
 * import { adam } from "../optim/mod.ts";
 * import { minimize } from "./minimize.ts";
 * const run = minimize(beale, adam({ alpha: 0.05 }), {
 *   steps: 5000,
 *   target: { point: beale.minima[0], radius: 0.01 },
 *   bounds: beale.domain,
 * });
 * console.log(run.stop.reason, run.stop.step); // "reached" 8…
 * ```
 *
 * @example A learning rate that is too large: the run stops with a hint
 * ```ts
 * import { quadratic } from "../functions/mod.ts";
 * import { sgd } from "../optim/mod.ts";
 * import { minimize } from "./minimize.ts";
 * const run = minimize(quadratic(10), sgd({ alpha: 0.3 }), { steps: 200 });
 * console.log(run.stop.reason); // "diverged"
 * console.log(run.stop.message); // "diverged at step …: … lower the learning rate (α = 0.3)"
 * ```
 */
export function minimize<P extends Params = number[]>(
  f: NoInfer<Minimizable<P>>,
  optimizer: Optimizer<StepCount>,
  options: MinimizeOptions<P> = {},
): MinimizeResult<P> {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RangeError(`invalid option: ${key} (minimize() knows ${known.join(", ")})`);
    }
  }
  if (!optimizer || typeof optimizer.step !== "function" || typeof optimizer.init !== "function") {
    throw new RangeError(`invalid optimizer: ${optimizer} (expected e.g. sgd({ alpha: 0.1 }))`);
  }
  const {
    steps = defaults.steps,
    gradTol = defaults.gradTol,
    lossTol = defaults.lossTol,
    explode = defaults.explode,
    ctx,
  } = options;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`invalid steps: ${steps} (expected a whole number ≥ 0)`);
  }
  positive("gradTol", gradTol, true);
  positive("lossTol", lossTol, true);
  positive("explode", explode);
  // A record with compiled derivatives is a Differentiable: give the driver the record itself.
  const loss = (isTestFunction(f) && !hasDerivatives(f) ? f.f : f) as
    | LossFn<P>
    | Differentiable<P>;
  const { target, until, bounds } = options;
  if (target !== undefined) {
    if (!Array.isArray(target.point) || !(target.radius > 0)) {
      throw new RangeError(
        `invalid target: ${JSON.stringify(target)} (expected { point: [x, y], radius > 0 })`,
      );
    }
  }
  if (until !== undefined && typeof until !== "function") {
    throw new RangeError(`invalid until: ${until} (expected a function (x, loss, t) => boolean)`);
  }
  if (bounds !== undefined && (!Array.isArray(bounds) || !bounds.every((b) => b[0] < b[1]))) {
    throw new RangeError(
      `invalid bounds: ${JSON.stringify(bounds)} (expected one [min, max] per coordinate)`,
    );
  }
  const startValue = options.start ??
    (isTestFunction(f) ? [...f.start] as unknown as P : undefined);
  if (startValue === undefined) {
    throw new RangeError("invalid start: undefined (give minimize() a start point)");
  }
  // Loss and gradient at θ itself, for optimizers whose step takes them elsewhere (Nesterov).
  const oracle = typeof loss === "function"
    // deno-lint-ignore no-explicit-any
    ? autodiffValueAndGrad(loss as any) as unknown as (p: P) => [number, P]
    : (p: P) => (loss as Differentiable<P>).valueAndGrad(p);
  const name = options.name ?? runName(optimizer);
  const alpha = optimizer.hyper?.alpha;
  const hint = typeof alpha === "number"
    ? `lower the learning rate (α = ${alpha})`
    : "lower the learning rate";

  let params = copyTree(startValue);
  let state = optimizer.init(params);
  const path: PathPoint<P>[] = [];
  let limit = Infinity;
  const result = (reason: StopInfo["reason"], step: number, message: string) => ({
    name,
    path,
    stop: { reason, step, message },
    params: path.length ? path[path.length - 1].x : params,
  });
  for (let t = 0;; t++) {
    let value: number, grads: P, next: { params: P; state: typeof state } | undefined;
    if (t < steps && !optimizer.lookahead) {
      const r = optimStep(optimizer, loss as never, params, state as never, ctx);
      value = r.loss;
      grads = r.grads as P;
      next = { params: r.params as P, state: r.state as typeof state };
    } else {
      [value, grads] = oracle(params);
    }
    const gradNorm = norm(grads);
    if (!Number.isFinite(value) || !Number.isFinite(gradNorm) || !finite(params)) {
      return result(
        "diverged",
        t,
        `diverged at step ${t}: the loss became ${fmt(value)} (last finite loss ${
          fmt(path.at(-1)?.loss ?? NaN)
        } at step ${t - 1}); ${hint}`,
      );
    }
    path.push({ t, x: params, loss: value, gradNorm });
    if (bounds) {
      const flat = leaves(params).flatMap((l) => Array.from(l));
      const out = flat.findIndex((v, i) => bounds[i] && (v < bounds[i][0] || v > bounds[i][1]));
      if (out >= 0) {
        return result(
          "diverged",
          t,
          `diverged at step ${t}: coordinate ${out + 1} is ${fmt(flat[out])}, outside [${
            bounds[out].map(fmt).join(", ")
          }]; ${hint}`,
        );
      }
    }
    if (target) {
      const flat = leaves(params).flatMap((l) => Array.from(l));
      const d = Math.hypot(...flat.map((v, i) => v - target.point[i]));
      if (d <= target.radius) {
        return result(
          "reached",
          t,
          `reached the target at step ${t}: ‖θ − (${target.point.map(fmt).join(", ")})‖ = ${
            fmt(d)
          } ≤ ${fmt(target.radius)}, loss ${fmt(value)}`,
        );
      }
    }
    if (until?.(params, value, t)) {
      return result("reached", t, `stop condition met at step ${t}: loss ${fmt(value)}`);
    }
    if (t === 0) limit = explode * Math.max(1, Math.abs(value));
    if (value > limit) {
      return result(
        "diverged",
        t,
        `diverged at step ${t}: the loss grew from ${fmt(path[0].loss)} to ${
          fmt(value)
        } (more than ${fmt(explode)}×); ${hint}`,
      );
    }
    if (gradNorm <= gradTol) {
      return result(
        "converged",
        t,
        `converged at step ${t}: ‖∇f‖ = ${fmt(gradNorm)} ≤ ${fmt(gradTol)}, loss ${fmt(value)}`,
      );
    }
    if (t > 0 && lossTol > 0) {
      const before = path[t - 1].loss;
      if (Math.abs(value - before) <= lossTol * Math.max(1, Math.abs(before))) {
        return result(
          "converged",
          t,
          `converged at step ${t}: the loss changed by ${fmt(Math.abs(value - before))} ≤ ${
            fmt(lossTol)
          } (relative), loss ${fmt(value)}`,
        );
      }
    }
    if (t >= steps) {
      return result(
        "budget",
        t,
        `step budget of ${steps} spent: loss ${fmt(value)}, ‖∇f‖ = ${fmt(gradNorm)}`,
      );
    }
    if (!next) {
      const r = optimStep(optimizer, loss as never, params, state as never, ctx);
      next = { params: r.params as P, state: r.state as typeof state };
    }
    params = next.params;
    state = next.state;
  }
}
