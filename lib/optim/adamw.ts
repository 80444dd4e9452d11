/**
 * AdamW (decoupled weight decay) as in torch, and the lecture slide's version for comparison.
 *
 * @module
 */

import { type AdamDecayOptions, adamFamily, type AdamState } from "./adam.ts";
import type { Optimizer } from "./optimizer.ts";

/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"), torch's form:
 *
 *   θ ← θ (1 − α^(t) λ),   then the {@link adam} step with the plain gradient ĝ.
 *
 * The decay does not pass through the moments, so every weight shrinks by the same factor.
 * torch: `AdamW(lr=α, betas, eps, weight_decay=λ, amsgrad)`, default weight_decay 1e-2 (also the
 * default here). optax: `adamw(learning_rate, b1, b2, eps, weight_decay)` =
 * chain(scale_by_adam, add_decayed_weights(λ), scale(−α)), default weight_decay 1e-4: the same
 * update θ − α(ŝ/(√r̂ + δ) + λθ) up to the order of the two parts.
 *
 * The paper's Algorithm 2 writes the decay as θ ← θ − η_t λ θ with η_t the schedule multiplier,
 * not scaled by α: its λ is torch's α·λ (so λ_torch = λ_paper / α for a fixed α). The lecture's
 * AdamW slide applies both line 6 (λθ added to the gradient) and line 12 (−λθ in the update),
 * which regularises twice; that is {@link adamwSlide}, kept only to show the difference.
 *
 * @example AdamW shrinks a weight with no gradient by (1 − αλ) per step
 * ```ts
 * import { adamw } from "./adamw.ts";
 * const opt = adamw({ alpha: 0.1, lambda: 0.5 });
 * const { params } = opt.step([2], [0], opt.init([2]));
 * console.log(params[0]); // 1.9
 * ```
 */
export function adamw(options: AdamDecayOptions = {}): Optimizer<AdamState> {
  return adamFamily("adamw", "decoupled", options, 1e-2);
}

/**
 * The lecture slide's "AdamW" box, exactly as printed (for comparison only, not a published
 * algorithm): λθ is added to the gradient (line 4) and subtracted again in the update (line 8),
 *
 *   ĝ ← ĝ + λθ,   Adam moments of ĝ,   θ ← θ − α ŝ / (δ + √r̂) − λθ,
 *
 * so it regularises twice and the decoupled part is not scaled by α. Use {@link adamw} for AdamW.
 *
 * @example The slide's version decays much faster than AdamW
 * ```ts
 * import { adamwSlide } from "./adamw.ts";
 * const opt = adamwSlide({ alpha: 0.1, lambda: 0.5 });
 * const { params } = opt.step([2], [0], opt.init([2]));
 * console.log(params[0].toFixed(3)); // 0.900
 * ```
 */
export function adamwSlide(options: AdamDecayOptions = {}): Optimizer<AdamState> {
  return adamFamily("adamwSlide", "slide", options, 1e-2);
}
