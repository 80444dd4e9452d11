/**
 * Gradient descent / stochastic gradient descent, the lecture's first two algorithm boxes.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { leafwise } from "./tree.ts";
import { nonNegative } from "./validate.ts";

/** Hyperparameters of {@link sgd}. */
export interface SgdOptions {
  /** Learning rate α (number or schedule α^(t)); torch `lr` (default 1e-3), optax `learning_rate`. */
  alpha?: LearningRate;
  /** L2 weight decay λ: λθ is added to the gradient (torch `weight_decay`, default 0). */
  lambda?: number;
}

/** State of {@link sgd}: only the step count (plain gradient descent remembers nothing else). */
export type SgdState = StepCount;

/**
 * Gradient descent: θ^(t+1) = θ^(t) − α^(t) ĝ.
 *
 * GD and SGD share this update; they differ in the gradient estimate ĝ (the full batch or a
 * sampled minibatch), which is the caller's business. With weight decay λ the gradient is
 * ĝ + λθ (the gradient of the loss plus λ/2 ‖θ‖²).
 *
 * torch: `torch.optim.SGD(params, lr=alpha, weight_decay=lambda)` (momentum 0), same order of
 * operations. optax: `optax.sgd(learning_rate)`.
 *
 * @example Minimising x² + y²
 * ```ts
 * import { sgd } from "./sgd.ts";
 * const opt = sgd({ alpha: 0.1 });
 * let params = [1, -2];
 * let state = opt.init(params);
 * for (let i = 0; i < 100; i++) {
 *   const grads = params.map((x) => 2 * x);
 *   ({ params, state } = opt.step(params, grads, state));
 * }
 * console.log(Math.hypot(...params) < 1e-6, state.t); // true 100
 * ```
 */
export function sgd(options: SgdOptions = {}): Optimizer<SgdState> {
  const { alpha = 1e-3, lambda = 0 } = options;
  const lr = toSchedule(alpha);
  nonNegative("lambda", lambda);
  return {
    name: "sgd",
    hyper: { alpha, lambda },
    init: () => ({ t: 0 }),
    step(params, grads, state) {
      const a = lr(state.t);
      const [theta1] = leafwise(params, [grads], 1, ([theta, g], [out]) => {
        for (let i = 0; i < theta.length; i++) {
          const gi = g[i] + lambda * theta[i]; // ĝ + λθ
          out[i] = theta[i] + -a * gi; // θ − α ĝ
        }
      });
      return { params: theta1, state: { t: state.t + 1 } };
    },
  };
}
