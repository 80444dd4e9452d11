/**
 * RAdam (Liu et al. 2020) as in torch.optim.RAdam.
 *
 * @module
 */

import type { AdamState } from "./adam.ts";
import type { Optimizer } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise } from "./tree.ts";
import { flag, nonNegative, positive, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link radam} (torch's names in brackets). */
export interface RadamOptions {
  /** Learning rate α [`lr`], default 1e-3. */
  alpha?: LearningRate;
  /** Decay ρ1 [`betas[0]`], default 0.9. */
  rho1?: number;
  /** Decay ρ2 [`betas[1]`], default 0.999. */
  rho2?: number;
  /** Small constant δ > 0 [`eps`], default 1e-8. */
  delta?: number;
  /** Weight decay λ [`weight_decay`], default 0. */
  lambda?: number;
  /** Decoupled (AdamW-style) decay [`decoupled_weight_decay`], default false (L2). */
  decoupled?: boolean;
}

/**
 * RAdam (Liu et al., ICLR 2020, "On the Variance of the Adaptive Learning Rate and Beyond"),
 * torch's algorithm. With ρ∞ = 2/(1 − ρ2) − 1 and ρ_t = ρ∞ − 2tρ2^t/(1 − ρ2^t) (the length of the
 * approximated simple moving average):
 *
 *   s, r as in Adam;   ŝ = s / (1 − ρ1^t);
 *   ρ_t > 5:  θ ← θ − α ŝ · √(1 − ρ2^t)/(√r + δ) · √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)),
 *   else:     θ ← θ − α ŝ   (momentum SGD while the variance of r̂ is not yet tractable).
 *
 * torch: `RAdam(lr=α, betas, eps, weight_decay=λ, decoupled_weight_decay)`; optax `radam` (same
 * threshold 5).
 *
 * @example RAdam on x² + y² (momentum SGD for the first steps, then rectified Adam)
 * ```ts
 * import { radam } from "./radam.ts";
 * const opt = radam({ alpha: 0.1 });
 * let params = [1, -2];
 * let state = opt.init(params);
 * for (let i = 0; i < 300; i++) {
 *   ({ params, state } = opt.step(params, params.map((x) => 2 * x), state));
 * }
 * console.log(Math.hypot(...params) < 0.05); // true
 * ```
 */
export function radam(options: RadamOptions = {}): Optimizer<AdamState> {
  const { alpha = 1e-3, rho1 = 0.9, rho2 = 0.999, delta = 1e-8, lambda = 0, decoupled = false } =
    options;
  const lr = toSchedule(alpha);
  unitInterval("rho1", rho1);
  unitInterval("rho2", rho2);
  positive("delta", delta);
  nonNegative("lambda", lambda);
  flag("decoupled", decoupled);
  const l2 = decoupled ? 0 : lambda;
  const rhoInf = 2 / (1 - rho2) - 1;
  return {
    name: "radam",
    hyper: { alpha, rho1, rho2, delta, lambda, decoupled },
    init: (params) => ({ t: 0, s: fullLike(params), r: fullLike(params) }),
    step(params, grads, state) {
      const a = lr(state.t);
      const t = state.t + 1;
      const bc1 = 1 - rho1 ** t, bc2 = 1 - rho2 ** t;
      const shrink = decoupled ? 1 - a * lambda : 1;
      const rhoT = rhoInf - 2 * t * rho2 ** t / bc2;
      const rectified = rhoT > 5;
      const rect = rectified
        ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
        : 0;
      const sqrtBc2 = Math.sqrt(bc2);
      const [theta1, s1, r1] = leafwise(
        params,
        [grads, state.s, state.r],
        3,
        ([theta, g, s, r], [th1, sn, rn]) => {
          for (let i = 0; i < theta.length; i++) {
            const th = theta[i] * shrink;
            const gi = g[i] + l2 * theta[i];
            sn[i] = s[i] + (1 - rho1) * (gi - s[i]);
            rn[i] = r[i] * rho2 + (1 - rho2) * gi * gi;
            const sHat = sn[i] / bc1;
            th1[i] = rectified
              ? th - sHat * a * (sqrtBc2 / (Math.sqrt(rn[i]) + delta)) * rect
              : th - sHat * a;
          }
        },
      );
      return { params: theta1, state: { t, s: s1, r: r1 } };
    },
  };
}
