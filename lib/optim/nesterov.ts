/**
 * SGD with Nesterov momentum in the lecture's look-ahead form.
 *
 * @module
 */

import type { MomentumOptions, MomentumState } from "./momentum.ts";
import type { Optimizer } from "./optimizer.ts";
import { toSchedule } from "./schedule.ts";
import { fullLike, leafwise } from "./tree.ts";
import { nonNegative, unitInterval } from "./validate.ts";

/**
 * SGD with Nesterov momentum (lecture, "SGD with Nesterov Momentum" box; Nesterov 1983,
 * Sutskever et al. 2013): the gradient is taken at the look-ahead point θ̃,
 *
 *   θ̃ = θ^(t) + ρ v^(t),   ĝ = ∇ℓ(θ̃),   v^(t+1) = ρ v^(t) − α^(t) ĝ,   θ^(t+1) = θ^(t) + v^(t+1).
 *
 * The optimizer exposes θ̃ as `lookahead(params, state)`; `step` expects the gradient there
 * ({@link optimStep} does this for you). Weight decay λ adds λθ̃ to ĝ.
 *
 * torch's `SGD(lr, momentum=ρ, nesterov=True)` ({@link torchSgd} with `nesterov: true`) is the
 * same algorithm rewritten so the gradient is taken at the iterate: torch's iterate is the
 * lecture's θ̃ (φ_t = θ_t + ρ v_t), with v = −lr·b, so lecture θ = torch θ + ρ·lr·b (tested).
 * optax: `optax.sgd(lr, momentum=ρ, nesterov=True)` (torch's form).
 *
 * @example The look-ahead point and one step
 * ```ts
 * import { nesterov } from "./nesterov.ts";
 * const opt = nesterov({ alpha: 0.1, rho: 0.5 });
 * let params = [1];
 * let state = opt.init(params);
 * for (let i = 0; i < 3; i++) {
 *   const ahead = opt.lookahead!(params, state); // θ + ρv
 *   ({ params, state } = opt.step(params, [2 * ahead[0]], state)); // ∇(x²) at θ̃
 * }
 * console.log(params[0] < 1, state.v.length); // true 1
 * ```
 */
export function nesterov(options: MomentumOptions = {}): Optimizer<MomentumState> {
  const { alpha = 0.01, rho = 0.9, lambda = 0 } = options;
  const lr = toSchedule(alpha);
  unitInterval("rho", rho);
  nonNegative("lambda", lambda);
  return {
    name: "nesterov",
    hyper: { alpha, rho, lambda },
    init: (params) => ({ t: 0, v: fullLike(params) }),
    lookahead(params, state) {
      const [ahead] = leafwise(params, [state.v], 1, ([theta, v], [out]) => {
        for (let i = 0; i < theta.length; i++) out[i] = theta[i] + rho * v[i]; // θ̃ = θ + ρv
      });
      return ahead;
    },
    step(params, grads, state) {
      const a = lr(state.t);
      const [theta1, v1] = leafwise(params, [grads, state.v], 2, ([theta, g, v], [th1, vn]) => {
        for (let i = 0; i < theta.length; i++) {
          const gi = g[i] + lambda * (theta[i] + rho * v[i]); // ĝ at θ̃ (+ λθ̃)
          vn[i] = rho * v[i] - a * gi; // v ← ρv − α ĝ
          th1[i] = theta[i] + vn[i]; // θ ← θ + v
        }
      });
      return { params: theta1, state: { t: state.t + 1, v: v1 } };
    },
  };
}
