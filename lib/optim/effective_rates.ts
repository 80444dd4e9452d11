/**
 * Effective per-parameter learning rates read from an optimizer's states: the factor in front of
 * each coordinate's (first-moment) gradient in the step, α / (δ + √r) for AdaGrad and RMSProp and
 * α / (δ + √r̂) with r̂ = r / (1 − ρ2^t) for Adam and its weight-decay variants.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { toSchedule } from "./schedule.ts";
import { build, emptyLeaf, leaves, type Params } from "./tree.ts";

const adamNames = ["adam", "adamL2", "adamw", "adamwSlide"];

/**
 * The effective learning rate of every parameter in one state (the state after step t, so the
 * rates of step t), with the structure of the parameters: α^(t) / (δ + √r) for `adagrad` and
 * `rmsprop`, α^(t) / (δ + √(r / (1 − ρ2^t))) for `adam`, `adamL2`, `adamw` and `adamwSlide`
 * (AMSGrad: with the running maximum of r).
 *
 * @example AdaGrad after two gradients of 3: α / √18
 * ```ts
 * import { adagrad } from "./adagrad.ts";
 * import { effectiveRate } from "./effective_rates.ts";
 * const opt = adagrad({ alpha: 1, delta: 0.01 });
 * let params = [0], state = opt.init(params);
 * for (let i = 0; i < 2; i++) ({ params, state } = opt.step(params, [3], state));
 * console.log(effectiveRate(opt, state)); // [0.23514…] = 1 / (0.01 + √18)
 * ```
 */
export function effectiveRate<P extends Params>(
  opt: Optimizer<StepCount>,
  state: StepCount & { r?: unknown; rMax?: unknown },
): P {
  const h = opt?.hyper ?? {};
  const isAdam = adamNames.includes(opt?.name);
  if (!isAdam && opt?.name !== "adagrad" && opt?.name !== "rmsprop") {
    throw new RangeError(
      `invalid opt: ${opt?.name} (effective rates are defined here for adagrad, rmsprop, ` +
        `${adamNames.join(", ")})`,
    );
  }
  if (opt.name === "rmsprop" && (h.centered || h.momentum)) {
    throw new RangeError(
      "invalid opt: a centered or momentum RMSProp has no single α / (δ + √r) rate",
    );
  }
  if (!state || state.r === undefined) {
    throw new RangeError(`invalid state: ${state} (expected the optimizer's state, with r)`);
  }
  const t = state.t;
  // The rate of step t used α^(t−1) (AdaGrad's lr decay as in torch: α / (1 + (t − 1) decay)).
  const decay = opt.name === "adagrad" ? (h.decay as number ?? 0) : 0;
  const alpha = toSchedule(h.alpha as number)(Math.max(0, t - 1)) /
    (1 + Math.max(0, t - 1) * decay);
  const delta = h.delta as number;
  const bc2 = isAdam ? 1 - (h.rho2 as number) ** t : 1;
  const r = (isAdam && h.amsgrad ? state.rMax : state.r) as Params;
  const like = r;
  const out = leaves(r).map((l) => {
    const o = emptyLeaf(l);
    for (let i = 0; i < l.length; i++) o[i] = alpha / (delta + Math.sqrt(l[i] / bc2));
    return o;
  });
  return build(like, out) as unknown as P;
}

/**
 * {@link effectiveRate} for every state of a run (e.g. `runOptimizer(...).states`): one rate
 * tree per step.
 *
 * @example RMSProp's rates on Rosenbrock: the steep coordinate gets the smaller one
 * ```ts
 * import { rosenbrock } from "../functions/mod.ts";
 * import { rmsprop } from "./rmsprop.ts";
 * import { runOptimizer } from "./driver.ts";
 * import { effectiveRates } from "./effective_rates.ts";
 * const opt = rmsprop({ alpha: 0.01, rho: 0.9 });
 * const run = runOptimizer(opt, rosenbrock, [-1.2, 1], 10);
 * const rates = effectiveRates<number[]>(opt, run.states);
 * console.log(rates.length, rates[9].length); // 10 2
 * ```
 */
export function effectiveRates<P extends Params>(
  opt: Optimizer<StepCount>,
  states: readonly (StepCount & { r?: unknown; rMax?: unknown })[],
): P[] {
  if (!Array.isArray(states)) {
    throw new RangeError(`invalid states: ${states} (expected an array of optimizer states)`);
  }
  return states.map((s) => effectiveRate<P>(opt, s));
}
