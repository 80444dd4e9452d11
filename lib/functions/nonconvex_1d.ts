/**
 * A 1-D non-convex function with a plateau and two minima, for drawing on a line.
 *
 * @module
 */

import { type TestFunction1D, testFunction1D } from "./test_function.ts";

const number = (x: number) => 1 - Math.exp(-((x + 1) ** 2)) - 0.6 * Math.exp(-3 * (x - 1.5) ** 2);

/**
 * f(x) = 1 − exp(−(x + 1)²) − 0.6 exp(−3 (x − 1.5)²) on [−4, 5]: a deep global minimum near
 * x = −1, a shallower local minimum near x = 1.5, a local maximum between them, and plateaus at
 * f ≈ 1 on both sides (for x > 3 the slope is below 0.007, for x > 4 below 10⁻⁷). From the
 * suggested start x = 2.5 gradient descent ends in the local minimum; from x = 4 it barely moves.
 * The stationary points were found by Newton's method in float64.
 *
 * @example A deeper global and a shallower local minimum
 * ```ts
 * import { nonconvex1d } from "./nonconvex_1d.ts";
 * const [global, local] = nonconvex1d.minima;
 * console.log(nonconvex1d.value(global) < nonconvex1d.value(local)); // true
 * console.log(Math.abs(nonconvex1d.grad([4])[0]) < 1e-7); // true (the plateau)
 * ```
 */
export const nonconvex1d: TestFunction1D = testFunction1D({
  name: "two wells and a plateau",
  tensor: (x) =>
    x.add(1).square().neg().exp().add(x.sub(1.5).square().mul(-3).exp().mul(0.6)).neg().add(1),
  number: (x) => number(x),
  domain: [[-4, 5]],
  minima: [[-0.9999999676263861], [1.4972850809830978]],
  fmin: number(-0.9999999676263861),
  maxima: [[0.579399530486684]],
  start: [2.5],
  note: "a local minimum that traps gradient descent started right of the bump at x ≈ 0.58, " +
    "and plateaus where the gradient is almost zero far from any minimum",
});
