/**
 * AdaBelief (Zhuang et al. 2020) as in the official code, with its options.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise, type Params } from "./tree.ts";
import { flag, nonNegative, positive, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link adabelief} (official `AdaBelief` names in brackets). */
export interface AdabeliefOptions {
  /** Learning rate α [`lr`], default 1e-3. */
  alpha?: LearningRate;
  /** Decay ρ1 of the first moment [`betas[0]`], default 0.9. */
  rho1?: number;
  /** Decay ρ2 of the belief r [`betas[1]`], default 0.999. */
  rho2?: number;
  /** Small constant δ > 0 [`eps`], default 1e-16 (the official default). */
  delta?: number;
  /** Weight decay λ [`weight_decay`], default 0. */
  lambda?: number;
  /** Decoupled decay θ ← θ(1 − αλ) as AdamW [`weight_decouple`], default true; else L2. */
  decoupled?: boolean;
  /** With decoupled decay, θ ← θ(1 − λ) without α [`fixed_decay`], default false. */
  fixedDecay?: boolean;
  /** RAdam-style rectification [`rectify`], default true. */
  rectify?: boolean;
  /** While not rectified, take an SGD-with-momentum step [`degenerated_to_sgd`], default true. */
  degeneratedToSgd?: boolean;
  /** Where δ goes: true (official code) adds δ to r every step and again outside the root;
   *  false adds it only outside the root, as Adam does. Default true. */
  deltaInState?: boolean;
}

/** State of {@link adabelief}. */
export interface AdabeliefState extends StepCount {
  /** First-moment estimate s (official `exp_avg`). */
  readonly s: Params;
  /** The "belief": running average of (ĝ − s)² (+ δ), official `exp_avg_var`. */
  readonly r: Params;
}

/**
 * AdaBelief (Zhuang et al., NeurIPS 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief
 * in Observed Gradients"; lecture "Other Emerging Optimization Techniques"): Adam with the second
 * moment replaced by the variance of ĝ around its running mean,
 *
 *   s ← ρ1 s + (1 − ρ1) ĝ,   r ← ρ2 r + (1 − ρ2)(ĝ − s)² + δ,
 *   θ ← θ − α ŝ / (√r̂ + δ)   with ŝ = s / (1 − ρ1^t), r̂ = r / (1 − ρ2^t).
 *
 * As in the official code (juntang-zhuang/Adabelief-Optimizer, pypi `adabelief-pytorch` 0.2.1):
 * δ is added into the state r every step (`deltaInState: false` puts it only outside the root),
 * decay is decoupled by default (`decoupled`, `fixedDecay`), and `rectify` (default true) applies
 * RAdam's variance rectification: with ρ∞ = 2/(1 − ρ2) − 1 and ρ_t = ρ∞ − 2tρ2^t/(1 − ρ2^t), when
 * ρ_t ≥ 5 the step is α·√((1 − ρ2^t)(ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)) / (1 − ρ1^t)
 * times s / (√r + δ), otherwise an SGD-with-momentum step α s / (1 − ρ1^t) (`degeneratedToSgd`) or
 * none. Official defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-16, weight_decouple, rectify.
 * optax `adabelief(learning_rate, b1, b2, eps, eps_root)` equals this with `rectify: false`, λ 0
 * and eps_root = δ. No torch.optim equivalent.
 *
 * @example AdaBelief on x² + y² (without rectification)
 * ```ts
 * import { adabelief } from "./adabelief.ts";
 * const opt = adabelief({ alpha: 0.1, rectify: false });
 * let params = [1, -2];
 * let state = opt.init(params);
 * for (let i = 0; i < 300; i++) {
 *   ({ params, state } = opt.step(params, params.map((x) => 2 * x), state));
 * }
 * console.log(Math.hypot(...params) < 0.01); // true
 * ```
 */
export function adabelief(options: AdabeliefOptions = {}): Optimizer<AdabeliefState> {
  const {
    alpha = 1e-3,
    rho1 = 0.9,
    rho2 = 0.999,
    delta = 1e-16,
    lambda = 0,
    decoupled = true,
    fixedDecay = false,
    rectify = true,
    degeneratedToSgd = true,
    deltaInState = true,
  } = options;
  const lr = toSchedule(alpha);
  unitInterval("rho1", rho1);
  unitInterval("rho2", rho2);
  positive("delta", delta);
  nonNegative("lambda", lambda);
  flag("decoupled", decoupled);
  flag("fixedDecay", fixedDecay);
  flag("rectify", rectify);
  flag("degeneratedToSgd", degeneratedToSgd);
  flag("deltaInState", deltaInState);
  const rhoInf = 2 / (1 - rho2) - 1; // ρ∞, the maximum length of the approximated SMA
  const l2 = decoupled ? 0 : lambda;
  const addToR = deltaInState ? delta : 0;
  return {
    name: "adabelief",
    hyper: {
      alpha,
      rho1,
      rho2,
      delta,
      lambda,
      decoupled,
      fixedDecay,
      rectify,
      degeneratedToSgd,
      deltaInState,
    },
    init: (params) => ({ t: 0, s: fullLike(params), r: fullLike(params) }),
    step(params, grads, state) {
      const a = lr(state.t);
      const t = state.t + 1;
      const bc1 = 1 - rho1 ** t, rho2t = rho2 ** t, bc2 = 1 - rho2t;
      const shrink = decoupled ? (fixedDecay ? 1 - lambda : 1 - a * lambda) : 1;
      // Which update this step takes, and its scalar factor (see the doc comment).
      let mode: "adam" | "rectified" | "sgd" | "none" = "adam";
      let stepSize = a / bc1;
      if (rectify) {
        const rhoT = rhoInf - 2 * t * rho2t / bc2;
        if (rhoT >= 5) {
          mode = "rectified";
          stepSize = Math.sqrt(
            bc2 * (rhoT - 4) / (rhoInf - 4) * (rhoT - 2) / rhoT * rhoInf / (rhoInf - 2),
          ) / bc1 * a;
        } else if (degeneratedToSgd) {
          mode = "sgd";
          stepSize = 1 / bc1 * a;
        } else {
          mode = "none";
        }
      }
      const sqrtBc2 = Math.sqrt(bc2);
      const [theta1, s1, r1] = leafwise(
        params,
        [grads, state.s, state.r],
        3,
        ([theta, g, s, r], [th1, sn, rn]) => {
          for (let i = 0; i < theta.length; i++) {
            const th = theta[i] * shrink; // decoupled decay first (× 1 when not decoupled)
            const gi = g[i] + l2 * theta[i];
            sn[i] = s[i] * rho1 + (1 - rho1) * gi; // s ← ρ1 s + (1 − ρ1) ĝ
            const res = gi - sn[i]; // ĝ − s: how far the gradient is from its prediction
            rn[i] = r[i] * rho2 + (1 - rho2) * res * res + addToR; // r ← ρ2 r + (1 − ρ2)(ĝ − s)² + δ
            if (mode === "adam") {
              th1[i] = th + (-stepSize * sn[i]) / (Math.sqrt(rn[i]) / sqrtBc2 + delta);
            } else if (mode === "rectified") {
              th1[i] = th + (-stepSize * sn[i]) / (Math.sqrt(rn[i]) + delta);
            } else if (mode === "sgd") th1[i] = th + -stepSize * sn[i];
            else th1[i] = th;
          }
        },
      );
      return { params: theta1, state: { t, s: s1, r: r1 } };
    },
  };
}
