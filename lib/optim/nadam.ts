/**
 * NAdam (Dozat 2016) as in torch.optim.NAdam.
 *
 * @module
 */

import type { AdamState } from "./adam.ts";
import type { Optimizer } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise } from "./tree.ts";
import { flag, nonNegative, positive, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link nadam} (torch's names in brackets). */
export interface NadamOptions {
  /** Learning rate α [`lr`], default 2e-3 as in torch. */
  alpha?: LearningRate;
  /** Decay ρ1 [`betas[0]`], default 0.9. */
  rho1?: number;
  /** Decay ρ2 [`betas[1]`], default 0.999. */
  rho2?: number;
  /** Small constant δ > 0 [`eps`], default 1e-8. */
  delta?: number;
  /** Weight decay λ [`weight_decay`], default 0. */
  lambda?: number;
  /** Momentum decay ψ of the schedule μ_t [`momentum_decay`], default 4e-3. */
  psi?: number;
  /** Decoupled (AdamW-style) decay [`decoupled_weight_decay`], default false (L2). */
  decoupled?: boolean;
}

/** State of {@link nadam}: Adam's moments plus the running product of the momentum schedule. */
export interface NadamState extends AdamState {
  /** Π μ_i over the steps so far (torch `mu_product`), 1 initially. */
  readonly muProduct: number;
}

/**
 * NAdam (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), torch's algorithm: Adam whose
 * first moment is used with a Nesterov-style look-ahead and a warming momentum schedule
 * μ_t = ρ1 (1 − ½·0.96^(tψ)):
 *
 *   s ← ρ1 s + (1 − ρ1) ĝ,   r ← ρ2 r + (1 − ρ2) ĝ²,   d = √(r / (1 − ρ2^t)) + δ,
 *   θ ← θ − α (1 − μ_t)/(1 − Π_{i≤t} μ_i) ĝ / d − α μ_{t+1}/(1 − Π_{i≤t+1} μ_i) s / d.
 *
 * torch: `NAdam(lr=α, betas, eps, weight_decay=λ, momentum_decay=ψ, decoupled_weight_decay)`,
 * defaults lr 2e-3, momentum_decay 4e-3. optax's `nadam` is a different algorithm (no μ schedule).
 *
 * @example NAdam on x² + y²
 * ```ts
 * import { nadam } from "./nadam.ts";
 * const opt = nadam({ alpha: 0.1 });
 * let params = [1, -2];
 * let state = opt.init(params);
 * for (let i = 0; i < 300; i++) {
 *   ({ params, state } = opt.step(params, params.map((x) => 2 * x), state));
 * }
 * console.log(Math.hypot(...params) < 0.01); // true
 * ```
 */
export function nadam(options: NadamOptions = {}): Optimizer<NadamState> {
  const {
    alpha = 2e-3,
    rho1 = 0.9,
    rho2 = 0.999,
    delta = 1e-8,
    lambda = 0,
    psi = 4e-3,
    decoupled = false,
  } = options;
  const lr = toSchedule(alpha);
  unitInterval("rho1", rho1);
  unitInterval("rho2", rho2);
  positive("delta", delta);
  nonNegative("lambda", lambda);
  nonNegative("psi", psi);
  flag("decoupled", decoupled);
  const l2 = decoupled ? 0 : lambda;
  return {
    name: "nadam",
    hyper: { alpha, rho1, rho2, delta, lambda, psi, decoupled },
    init: (params) => ({ t: 0, s: fullLike(params), r: fullLike(params), muProduct: 1 }),
    step(params, grads, state) {
      const a = lr(state.t);
      const t = state.t + 1;
      const bc2 = 1 - rho2 ** t;
      const shrink = decoupled ? 1 - a * lambda : 1;
      const mu = rho1 * (1 - 0.5 * 0.96 ** (t * psi)); // μ_t
      const muNext = rho1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi)); // μ_{t+1}
      const muProduct = state.muProduct * mu;
      const muProductNext = muProduct * muNext;
      const cg = (-a * (1 - mu)) / (1 - muProduct); // weight of the current gradient
      const cs = (-a * muNext) / (1 - muProductNext); // weight of the look-ahead momentum
      const [theta1, s1, r1] = leafwise(
        params,
        [grads, state.s, state.r],
        3,
        ([theta, g, s, r], [th1, sn, rn]) => {
          for (let i = 0; i < theta.length; i++) {
            const th = theta[i] * shrink;
            const gi = g[i] + l2 * theta[i];
            sn[i] = s[i] + (1 - rho1) * (gi - s[i]); // s ← ρ1 s + (1 − ρ1) ĝ
            rn[i] = r[i] * rho2 + (1 - rho2) * gi * gi; // r ← ρ2 r + (1 − ρ2) ĝ²
            const d = Math.sqrt(rn[i] / bc2) + delta;
            th1[i] = th + (cg * gi) / d + (cs * sn[i]) / d;
          }
        },
      );
      return { params: theta1, state: { t, s: s1, r: r1, muProduct } };
    },
  };
}
