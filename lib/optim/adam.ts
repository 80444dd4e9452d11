/**
 * Adam (with AMSGrad), and the shared update loop of the Adam family (Adam + L2, AdamW and the
 * lecture slide's AdamW) so the variants differ only in where λ enters.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise, type Params } from "./tree.ts";
import { flag, nonNegative, positive, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link adam} (torch's names in brackets). */
export interface AdamOptions {
  /** Global learning rate α [`lr`], default 1e-3 (paper and torch; the slide says 1e-4). */
  alpha?: LearningRate;
  /** Decay ρ1 ∈ [0, 1) of the first moment [`betas[0]`], default 0.9. */
  rho1?: number;
  /** Decay ρ2 ∈ [0, 1) of the second moment [`betas[1]`], default 0.999 (the slide says 0.9). */
  rho2?: number;
  /** Small constant δ > 0 [`eps`], default 1e-8. */
  delta?: number;
  /** AMSGrad [`amsgrad`]: divide by the running maximum of r (torch's form). Default false. */
  amsgrad?: boolean;
}

/** Hyperparameters of the weight-decay variants: {@link AdamOptions} plus λ. */
export interface AdamDecayOptions extends AdamOptions {
  /** Weight decay λ ≥ 0 [`weight_decay`]. */
  lambda?: number;
}

/** State of the Adam family. */
export interface AdamState extends StepCount {
  /** First-moment estimate s (torch `exp_avg`, optax `mu`). */
  readonly s: Params;
  /** Second-moment estimate r (torch `exp_avg_sq`, optax `nu`). */
  readonly r: Params;
  /** Running maximum of r, only with AMSGrad (torch `max_exp_avg_sq`). */
  readonly rMax?: Params;
}

/** Where weight decay enters an Adam step. */
export type AdamDecay = "none" | "l2" | "decoupled" | "slide";

/**
 * The Adam family's optimizer builder: {@link adam}, {@link adamL2}, {@link adamw} and
 * {@link adamwSlide} are this with a different `decay`.
 *
 * @example The family builder behind adam, adamL2, adamw and adamwSlide
 * ```ts
 * import { adamFamily } from "./adam.ts";
 * console.log(adamFamily("adam", "none", {}).hyper.alpha); // 0.001
 * ```
 */
export function adamFamily(
  name: string,
  decay: AdamDecay,
  options: AdamDecayOptions,
  defaultLambda = 0,
): Optimizer<AdamState> {
  const {
    alpha = 1e-3,
    rho1 = 0.9,
    rho2 = 0.999,
    delta = 1e-8,
    amsgrad = false,
    lambda = defaultLambda,
  } = options;
  const lr = toSchedule(alpha);
  unitInterval("rho1", rho1);
  unitInterval("rho2", rho2);
  positive("delta", delta);
  flag("amsgrad", amsgrad);
  nonNegative("lambda", lambda);
  const l2 = decay === "l2" || decay === "slide" ? lambda : 0; // λθ added to ĝ
  const decoupled = decay === "decoupled", slide = decay === "slide";
  const hyper = decay === "none"
    ? { alpha, rho1, rho2, delta, amsgrad }
    : { alpha, rho1, rho2, delta, amsgrad, lambda };
  return {
    name,
    hyper,
    init(params) {
      const s = fullLike(params), r = fullLike(params);
      return amsgrad ? { t: 0, s, r, rMax: fullLike(params) } : { t: 0, s, r };
    },
    step(params, grads, state) {
      const a = lr(state.t);
      const t = state.t + 1;
      const bc1 = 1 - rho1 ** t, bc2 = 1 - rho2 ** t; // 1 − ρ^t, the bias corrections
      const stepSize = a / bc1, sqrtBc2 = Math.sqrt(bc2);
      const shrink = decoupled ? 1 - a * lambda : 1; // AdamW: θ ← θ (1 − αλ) first
      const [theta1, s1, r1, m1] = leafwise(
        params,
        [grads, state.s, state.r, state.rMax ?? params],
        amsgrad ? 4 : 3,
        (ins, outs) => {
          // the leaves by index: V8 optimizes this loop sooner than with destructured parameters
          const theta = ins[0], g = ins[1], s = ins[2], r = ins[3], m = ins[4];
          const th1 = outs[0], sn = outs[1], rn = outs[2], mn = outs[3];
          for (let i = 0; i < theta.length; i++) {
            const th = decoupled ? theta[i] * shrink : theta[i];
            const gi = g[i] + l2 * theta[i]; // ĝ (+ λθ for Adam + L2 and the slide)
            sn[i] = s[i] + (1 - rho1) * (gi - s[i]); // s ← ρ1 s + (1 − ρ1) ĝ   (torch's lerp)
            rn[i] = r[i] * rho2 + (1 - rho2) * gi * gi; // r ← ρ2 r + (1 − ρ2) ĝ ⊙ ĝ
            let rr = rn[i];
            if (amsgrad) rr = mn[i] = Math.max(m[i], rn[i]); // AMSGrad: max of raw r
            // θ ← θ − α ŝ / (δ + √r̂) with ŝ = s / (1 − ρ1^t), r̂ = r / (1 − ρ2^t)
            th1[i] = th + (-stepSize * sn[i]) / (Math.sqrt(rr) / sqrtBc2 + delta);
            if (slide) th1[i] -= lambda * theta[i]; // the slide's extra − λθ
          }
        },
      );
      return {
        params: theta1,
        state: amsgrad ? { t, s: s1, r: r1, rMax: m1 } : { t, s: s1, r: r1 },
      };
    },
  };
}

/**
 * Adam (Kingma & Ba 2015; lecture "Adam" box):
 *
 *   s ← ρ1 s + (1 − ρ1) ĝ,   r ← ρ2 r + (1 − ρ2) ĝ ⊙ ĝ,
 *   ŝ = s / (1 − ρ1^t),   r̂ = r / (1 − ρ2^t),   θ ← θ − α ŝ / (δ + √r̂).
 *
 * torch: `Adam(lr=α, betas=(ρ1, ρ2), eps=δ, amsgrad)`, computed as in torch
 * (θ − (α / (1 − ρ1^t)) s / (√r / √(1 − ρ2^t) + δ)); optax `adam(learning_rate, b1, b2, eps)` is
 * bit-identical. Defaults are the paper's (α 1e-3, ρ1 0.9, ρ2 0.999, δ 1e-8); the lecture's slide
 * says α 1e-4 and ρ2 0.9. AMSGrad (Reddi et al. 2018) as in torch: keep the running maximum of the
 * raw r and bias-correct that (optax takes the maximum of r̂, a different algorithm).
 *
 * @example Adam on x² + y²
 * ```ts
 * import { adam } from "./adam.ts";
 * const opt = adam({ alpha: 0.1 });
 * let params = [1, -2];
 * let state = opt.init(params);
 * for (let i = 0; i < 300; i++) {
 *   ({ params, state } = opt.step(params, params.map((x) => 2 * x), state));
 * }
 * console.log(Math.hypot(...params) < 0.01, state.t); // true 300
 * ```
 */
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
  return adamFamily("adam", "none", options);
}
