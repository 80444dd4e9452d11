/**
 * Adam with L2 regularisation (λθ added to the gradient): torch's `Adam(weight_decay=λ)`.
 *
 * @module
 */

import { type AdamDecayOptions, adamFamily, type AdamState } from "./adam.ts";
import type { Optimizer } from "./optimizer.ts";

/**
 * Adam with L2 weight decay: the gradient of ℓ + λ/2 ‖θ‖² enters both moments,
 *
 *   ĝ ← ĝ + λθ,   then the {@link adam} step.
 *
 * The decay is then divided by √r̂ like the rest of the gradient, so weights with large gradients
 * are decayed less: the problem AdamW fixes (Loshchilov & Hutter 2019, their Algorithm 2 line 6).
 * torch: `Adam(lr, betas, eps, weight_decay=λ)`; optax: `chain(add_decayed_weights(λ), adam(...))`.
 *
 * @example L2 weight decay moves the minimiser towards 0
 * ```ts
 * import { adamL2 } from "./adam_l2.ts";
 * const opt = adamL2({ alpha: 0.1, lambda: 0.5 });
 * let params = [1];
 * let state = opt.init(params);
 * for (let i = 0; i < 500; i++) {
 *   ({ params, state } = opt.step(params, [2 * (params[0] - 1)], state)); // ∇(x − 1)²
 * }
 * console.log(params[0].toFixed(2)); // 0.80  (the minimiser of (x − 1)² + 0.25 x²)
 * ```
 */
export function adamL2(options: AdamDecayOptions = {}): Optimizer<AdamState> {
  return adamFamily("adamL2", "l2", options);
}
