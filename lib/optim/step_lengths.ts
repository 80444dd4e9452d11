/**
 * Step lengths |Δθ| of an optimizer on a scripted gradient stream, in units of its learning rate:
 * the plot that shows whether a method's step depends on the size of the gradient, its sign
 * pattern or its noise.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { runOnGradients } from "./run_on_gradients.ts";
import { toSchedule } from "./schedule.ts";

/** Options of {@link stepLengths}. */
export interface StepLengthOptions {
  /** Divide each step by the learning rate α^(t) used for it (default true); false gives |Δθ|. */
  perAlpha?: boolean;
  /** θ^(0) (default zeros). */
  start?: readonly number[];
}

/**
 * ‖θ^(t) − θ^(t−1)‖ / α^(t−1) for t = 1 … T, with `grads[t − 1]` as the gradient of step t (see
 * {@link runOnGradients}). α is the optimizer's `alpha` hyperparameter (a schedule is evaluated
 * at each step); optimizers without one (AdaDelta's default α = 1 aside) need
 * `perAlpha: false`.
 *
 * @example Adam's step is α whatever the gradient's size; RMSProp's step follows it at first
 * ```ts
 * import { adam } from "./adam.ts";
 * import { stepLengths } from "./step_lengths.ts";
 * const ratios = stepLengths(adam({ alpha: 1e-3 }), [5, 5, 5, 0.001]);
 * console.log(ratios.map((r) => +r.toFixed(4))); // [1, 1, 1, 1.1535]
 * ```
 */
export function stepLengths<S extends StepCount>(
  opt: Optimizer<S>,
  grads: readonly (number | readonly number[])[],
  options: StepLengthOptions = {},
): number[] {
  for (const key of Object.keys(options)) {
    if (key !== "perAlpha" && key !== "start") {
      throw new RangeError(`invalid option: ${key} (stepLengths() knows perAlpha, start)`);
    }
  }
  const { perAlpha = true, start } = options;
  const alpha = opt?.hyper?.alpha;
  if (perAlpha && typeof alpha !== "number" && typeof alpha !== "function") {
    throw new RangeError(
      `invalid opt: ${opt?.name} has no learning rate alpha (use perAlpha: false)`,
    );
  }
  const lr = perAlpha ? toSchedule(alpha as number) : () => 1;
  const { params } = runOnGradients(opt, grads, start);
  return params.slice(1).map((p, i) => Math.hypot(...p.map((v, j) => v - params[i][j])) / lr(i));
}
