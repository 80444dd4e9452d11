/**
 * RMSProp ("leaky AdaGrad"), with torch's centered and momentum options.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise, type Params } from "./tree.ts";
import { flag, nonNegative, positive, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link rmsprop} (torch's names in brackets). */
export interface RmspropOptions {
  /** Global learning rate α [`lr`], default 0.01 as in torch. */
  alpha?: LearningRate;
  /** Decay ρ ∈ [0, 1) of the squared-gradient average [`alpha`], default 0.99 as in torch. */
  rho?: number;
  /** Small constant δ > 0 added outside the root [`eps`], default 1e-8. */
  delta?: number;
  /** L2 weight decay λ added to the gradient [`weight_decay`], default 0. */
  lambda?: number;
  /** Divide by an estimate of the variance instead of the second moment [`centered`]. */
  centered?: boolean;
  /** Momentum μ ∈ [0, 1) on the scaled step [`momentum`], default 0. */
  momentum?: number;
}

/** State of {@link rmsprop}. */
export interface RmspropState extends StepCount {
  /** Running average of squared gradients r (torch `square_avg`). */
  readonly r: Params;
  /** Running average of gradients s (torch `grad_avg`), only when centered. */
  readonly s?: Params;
  /** Momentum buffer b (torch `momentum_buffer`), only when momentum > 0. */
  readonly b?: Params;
}

/**
 * RMSProp (Hinton, Coursera lecture 6e, 2012; lecture "RMSProp" box):
 *
 *   r^(t+1) = ρ r^(t) + (1 − ρ) ĝ ⊙ ĝ,   Δθ = −α / (δ + √r^(t+1)) ⊙ ĝ,   θ^(t+1) = θ^(t) + Δθ.
 *
 * Options as in torch: `centered` uses √(r − s ⊙ s) with s = ρ s + (1 − ρ) ĝ (Graves 2013);
 * `momentum` μ keeps b = μ b + ĝ / (√r + δ) and steps θ −= α b.
 * torch: `RMSprop(lr=α, alpha=ρ, eps=δ, weight_decay=λ, momentum, centered)`, defaults lr 0.01,
 * alpha 0.99, eps 1e-8, δ outside the root as in the lecture. optax's `rmsprop` defaults decay to
 * 0.9 and puts eps inside the root (`eps_in_sqrt=True`).
 *
 * @example Centered RMSProp with momentum on an elongated bowl
 * ```ts
 * import { rmsprop } from "./rmsprop.ts";
 * const opt = rmsprop({ alpha: 0.01, rho: 0.9, centered: true, momentum: 0.5 });
 * let params = [1, 1];
 * let state = opt.init(params);
 * for (let i = 0; i < 1000; i++) {
 *   ({ params, state } = opt.step(params, [2 * params[0], 20 * params[1]], state));
 * }
 * console.log(Math.hypot(...params) < 0.05, "s" in state, "b" in state); // true true true
 * ```
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer<RmspropState> {
  const { alpha = 0.01, rho = 0.99, delta = 1e-8, lambda = 0, centered = false, momentum = 0 } =
    options;
  const lr = toSchedule(alpha);
  unitInterval("rho", rho);
  positive("delta", delta);
  nonNegative("lambda", lambda);
  flag("centered", centered);
  unitInterval("momentum", momentum);
  const useMomentum = momentum > 0;
  return {
    name: "rmsprop",
    hyper: { alpha, rho, delta, lambda, centered, momentum },
    init(params) {
      const r = fullLike(params);
      if (centered && useMomentum) return { t: 0, r, s: fullLike(params), b: fullLike(params) };
      if (centered) return { t: 0, r, s: fullLike(params) };
      if (useMomentum) return { t: 0, r, b: fullLike(params) };
      return { t: 0, r };
    },
    step(params, grads, state) {
      const a = lr(state.t);
      const s0 = state.s ?? params, b0 = state.b ?? params; // placeholders when unused
      const [theta1, r1, s1, b1] = leafwise(
        params,
        [grads, state.r, s0, b0],
        useMomentum ? 4 : centered ? 3 : 2, // only the buffers this variant keeps
        ([theta, g, r, s, b], [th1, rn, sn, bn]) => {
          for (let i = 0; i < theta.length; i++) {
            const gi = g[i] + lambda * theta[i];
            rn[i] = r[i] * rho + (1 - rho) * gi * gi; // r ← ρ r + (1 − ρ) ĝ ⊙ ĝ
            let avg: number;
            if (centered) {
              sn[i] = s[i] + (1 - rho) * (gi - s[i]); // s ← ρ s + (1 − ρ) ĝ
              avg = Math.sqrt(rn[i] - sn[i] * sn[i]) + delta;
            } else {
              avg = Math.sqrt(rn[i]) + delta;
            }
            if (useMomentum) {
              bn[i] = b[i] * momentum + gi / avg;
              th1[i] = theta[i] + -a * bn[i];
            } else {
              th1[i] = theta[i] + (-a * gi) / avg; // θ ← θ − α ĝ / (δ + √r)
            }
          }
        },
      );
      const t = state.t + 1;
      if (centered && useMomentum) return { params: theta1, state: { t, r: r1, s: s1, b: b1 } };
      if (centered) return { params: theta1, state: { t, r: r1, s: s1 } };
      if (useMomentum) return { params: theta1, state: { t, r: r1, b: b1 } };
      return { params: theta1, state: { t, r: r1 } };
    },
  };
}
