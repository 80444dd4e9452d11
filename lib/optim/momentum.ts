/**
 * SGD with momentum in the lecture's velocity form.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise, type Params } from "./tree.ts";
import { nonNegative, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link momentum} and {@link nesterov}. */
export interface MomentumOptions {
  /** Learning rate α (number or schedule α^(t)); torch `lr`. Default 0.01. */
  alpha?: LearningRate;
  /** Momentum parameter ρ ∈ [0, 1); torch `momentum`, optax `momentum`. Default 0.9. */
  rho?: number;
  /** L2 weight decay λ added to the gradient (torch `weight_decay`). Default 0. */
  lambda?: number;
}

/** State of {@link momentum} and {@link nesterov}: the velocity v (structure of the params). */
export interface MomentumState extends StepCount {
  /** The velocity v^(t), an exponentially decaying sum of past steps −α ĝ. */
  readonly v: Params;
}

/**
 * SGD with momentum (lecture, "SGD with Momentum" box; Polyak 1964):
 *
 *   v^(t+1) = ρ v^(t) − α^(t) ĝ,   θ^(t+1) = θ^(t) + v^(t+1),   v^(0) = 0.
 *
 * torch's `SGD(lr, momentum=ρ)` keeps a buffer b instead, b = ρ b + ĝ (b = ĝ on the first step),
 * θ −= lr·b. With a constant rate the two are the same algorithm with v = −lr·b (tested); with a
 * schedule they differ: torch rescales the whole buffer by today's rate, the lecture bakes past
 * rates into v. For torch's exact form use {@link torchSgd}. optax: `optax.sgd(lr, momentum=ρ)`
 * (torch's form). Weight decay λ adds λθ to ĝ.
 *
 * @example Momentum on an elongated bowl x² + 10 y²
 * ```ts
 * import { momentum } from "./momentum.ts";
 * const opt = momentum({ alpha: 0.02, rho: 0.9 });
 * let params = [1, 1];
 * let state = opt.init(params);
 * for (let i = 0; i < 300; i++) {
 *   const grads = [2 * params[0], 20 * params[1]];
 *   ({ params, state } = opt.step(params, grads, state));
 * }
 * console.log(Math.hypot(...params) < 1e-6); // true
 * ```
 */
export function momentum(options: MomentumOptions = {}): Optimizer<MomentumState> {
  const { alpha = 0.01, rho = 0.9, lambda = 0 } = options;
  const lr = toSchedule(alpha);
  unitInterval("rho", rho);
  nonNegative("lambda", lambda);
  return {
    name: "momentum",
    hyper: { alpha, rho, lambda },
    init: (params) => ({ t: 0, v: fullLike(params) }),
    step(params, grads, state) {
      const a = lr(state.t);
      const [theta1, v1] = leafwise(params, [grads, state.v], 2, ([theta, g, v], [th1, vn]) => {
        for (let i = 0; i < theta.length; i++) {
          const gi = g[i] + lambda * theta[i];
          vn[i] = rho * v[i] - a * gi; // v ← ρv − α ĝ
          th1[i] = theta[i] + vn[i]; // θ ← θ + v
        }
      });
      return { params: theta1, state: { t: state.t + 1, v: v1 } };
    },
  };
}
