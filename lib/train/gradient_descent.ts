/**
 * The lecture's batch gradient descent loop on a 2-D function, recording the trajectory.
 *
 * @module
 */

import type { TestFunction2D } from "../functions/quadratic.ts";

/** One recorded iterate of an optimisation run. */
export interface Step {
  /** Iteration number t (0 is the start). */
  t: number;
  /** Coordinates θ^(t). */
  x: number;
  y: number;
  /** Loss at θ^(t). */
  loss: number;
}

/**
 * Runs θ ← θ − α ∇f(θ) for a number of steps and returns every iterate, start included.
 *
 * @example
 * ```ts
 * import { quadratic } from "../functions/quadratic.ts";
 * import { gradientDescent } from "./gradient_descent.ts";
 * const path = gradientDescent(quadratic(10), { alpha: 0.1, steps: 50 });
 * console.log(path.length); // 51
 * console.log(path.at(-1)!.loss < path[0].loss); // true
 * ```
 */
export function gradientDescent(
  fn: TestFunction2D,
  { alpha, steps, start = fn.start }: { alpha: number; steps: number; start?: readonly number[] },
): Step[] {
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new RangeError(`invalid alpha: ${alpha} (the learning rate must be a positive number)`);
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`invalid steps: ${steps} (expected a whole number ≥ 0)`);
  }
  let [x, y] = start;
  const path: Step[] = [{ t: 0, x, y, loss: fn.f([x, y]) }];
  for (let t = 1; t <= steps; t++) {
    const [gx, gy] = fn.grad([x, y]);
    x -= alpha * gx;
    y -= alpha * gy;
    path.push({ t, x, y, loss: fn.f([x, y]) });
  }
  return path;
}
