/**
 * AdaDelta (Zeiler 2012), the RMSProp variant in the lecture's Beale example.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise, type Params } from "./tree.ts";
import { nonNegative, positive, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link adadelta} (torch's names in brackets). */
export interface AdadeltaOptions {
  /** Learning rate α scaling the step [`lr`], default 1 as in torch (Zeiler has no rate). */
  alpha?: LearningRate;
  /** Decay ρ ∈ [0, 1) of both running averages [`rho`], default 0.9. */
  rho?: number;
  /** Small constant δ > 0 inside both roots [`eps`], default 1e-6. */
  delta?: number;
  /** L2 weight decay λ added to the gradient [`weight_decay`], default 0. */
  lambda?: number;
}

/** State of {@link adadelta}. */
export interface AdadeltaState extends StepCount {
  /** Running average of squared gradients r = E[ĝ²] (torch `square_avg`). */
  readonly r: Params;
  /** Running average of squared updates u = E[Δθ²] (torch `acc_delta`). */
  readonly u: Params;
}

/**
 * AdaDelta (Zeiler 2012, "ADADELTA: an adaptive learning rate method"):
 *
 *   r ← ρ r + (1 − ρ) ĝ ⊙ ĝ,   Δ = √(u + δ) / √(r + δ) ⊙ ĝ,   u ← ρ u + (1 − ρ) Δ ⊙ Δ,   θ ← θ − α Δ.
 *
 * It is RMSProp whose rate α is replaced by the RMS of past updates, which fixes the units of the
 * step (not "a simplified Adam", as the lecture's Beale slide says). torch:
 * `Adadelta(lr=α, rho=ρ, eps=δ, weight_decay=λ)`, defaults lr 1.0, rho 0.9, eps 1e-6 (same order of
 * operations). optax's `adadelta` with its default `learning_rate=None` never flips the sign of
 * the update and climbs: pass a rate.
 *
 * @example AdaDelta with torch's defaults makes progress without a learning rate to tune
 * ```ts
 * import { adadelta } from "./adadelta.ts";
 * const opt = adadelta();
 * let params = [1, 1];
 * let state = opt.init(params);
 * for (let i = 0; i < 100; i++) {
 *   ({ params, state } = opt.step(params, [2 * params[0], 20 * params[1]], state));
 * }
 * console.log(params[0] < 1 && params[1] < 1); // true
 * ```
 */
export function adadelta(options: AdadeltaOptions = {}): Optimizer<AdadeltaState> {
  const { alpha = 1, rho = 0.9, delta = 1e-6, lambda = 0 } = options;
  const lr = toSchedule(alpha);
  unitInterval("rho", rho);
  positive("delta", delta);
  nonNegative("lambda", lambda);
  return {
    name: "adadelta",
    hyper: { alpha, rho, delta, lambda },
    init: (params) => ({ t: 0, r: fullLike(params), u: fullLike(params) }),
    step(params, grads, state) {
      const a = lr(state.t);
      const [theta1, r1, u1] = leafwise(
        params,
        [grads, state.r, state.u],
        3,
        ([theta, g, r, u], [th1, rn, un]) => {
          for (let i = 0; i < theta.length; i++) {
            const gi = g[i] + lambda * theta[i];
            rn[i] = r[i] * rho + (1 - rho) * gi * gi; // r ← ρ r + (1 − ρ) ĝ²
            const dx = (Math.sqrt(u[i] + delta) / Math.sqrt(rn[i] + delta)) * gi; // Δ
            un[i] = u[i] * rho + (1 - rho) * dx * dx; // u ← ρ u + (1 − ρ) Δ²
            th1[i] = theta[i] + -a * dx; // θ ← θ − α Δ
          }
        },
      );
      return { params: theta1, state: { t: state.t + 1, r: r1, u: u1 } };
    },
  };
}
