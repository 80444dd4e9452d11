/**
 * AdaGrad, the lecture's first adaptive-learning-rate algorithm box.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise, type Params } from "./tree.ts";
import { nonNegative, positive } from "./validate.ts";

/** Hyperparameters of {@link adagrad} (torch's names in brackets). */
export interface AdagradOptions {
  /** Global learning rate α [`lr`], default 0.01 as in torch. */
  alpha?: LearningRate;
  /** Small constant δ > 0 added outside the root [`eps`], default 1e-10 as in torch. */
  delta?: number;
  /** L2 weight decay λ added to the gradient [`weight_decay`], default 0. */
  lambda?: number;
  /** Learning-rate decay [`lr_decay`]: step t uses α / (1 + (t − 1)·decay). Default 0. */
  decay?: number;
  /** Initial accumulator r^(0) [`initial_accumulator_value`], default 0. */
  r0?: number;
}

/** State of {@link adagrad}: the running sum of squared gradients r. */
export interface AdagradState extends StepCount {
  /** r^(t) = r^(0) + Σ ĝ ⊙ ĝ (torch `sum`). */
  readonly r: Params;
}

/**
 * AdaGrad (Duchi, Hazan & Singer 2011; lecture "AdaGrad" box):
 *
 *   r^(t+1) = r^(t) + ĝ ⊙ ĝ,   Δθ = −α / (δ + √r^(t+1)) ⊙ ĝ,   θ^(t+1) = θ^(t) + Δθ.
 *
 * δ sits outside the root, as in the lecture and in torch: this equals
 * `torch.optim.Adagrad(lr=α, eps=δ, lr_decay, weight_decay=λ, initial_accumulator_value=r0)`
 * (torch defaults lr 0.01, eps 1e-10). optax's `adagrad` differs: eps inside the root and an
 * initial accumulator of 0.1.
 *
 * @example Both coordinates make progress despite a 100× difference in slope
 * ```ts
 * import { adagrad } from "./adagrad.ts";
 * const opt = adagrad({ alpha: 0.5 });
 * let params = [1, 1];
 * let state = opt.init(params);
 * for (let i = 0; i < 500; i++) {
 *   const grads = [0.02 * params[0], 2 * params[1]]; // ∇(0.01 x² + y²)
 *   ({ params, state } = opt.step(params, grads, state));
 * }
 * console.log(Math.abs(params[0]) < 0.1, Math.abs(params[1]) < 1e-6); // true true
 * ```
 */
export function adagrad(options: AdagradOptions = {}): Optimizer<AdagradState> {
  const { alpha = 0.01, delta = 1e-10, lambda = 0, decay = 0, r0 = 0 } = options;
  const lr = toSchedule(alpha);
  positive("delta", delta);
  nonNegative("lambda", lambda);
  nonNegative("decay", decay);
  nonNegative("r0", r0);
  return {
    name: "adagrad",
    hyper: { alpha, delta, lambda, decay, r0 },
    init: (params) => ({ t: 0, r: fullLike(params, r0) }),
    step(params, grads, state) {
      const a = lr(state.t) / (1 + state.t * decay); // torch's clr
      const [theta1, r1] = leafwise(params, [grads, state.r], 2, ([theta, g, r], [th1, rn]) => {
        for (let i = 0; i < theta.length; i++) {
          const gi = g[i] + lambda * theta[i];
          rn[i] = r[i] + gi * gi; // r ← r + ĝ ⊙ ĝ
          th1[i] = theta[i] + (-a * gi) / (Math.sqrt(rn[i]) + delta); // θ ← θ − α ĝ / (δ + √r)
        }
      });
      return { params: theta1, state: { t: state.t + 1, r: r1 } };
    },
  };
}
