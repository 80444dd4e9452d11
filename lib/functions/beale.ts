/**
 * The Beale function, the lecture's optimization example.
 *
 * @module
 */

import { type TestFunction2D, testFunction2D } from "./test_function.ts";

/**
 * Beale: f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², on [−4.5, 4.5]²,
 * global minimum f(3, 0.5) = 0, a saddle at (0, 1). Values range from 0 to about 1.8 × 10⁵ over
 * the window, so plots use log-spaced levels.
 *
 * @example Gradient at the suggested start
 * ```ts
 * import { grad } from "../autodiff/mod.ts";
 * import { beale } from "./beale.ts";
 * console.log(beale.value([3, 0.5])); // 0
 * console.log(beale.grad([1, 1.5])); // [34.5, 92.5]
 * console.log(grad(beale.f)([1, 1.5])); // [34.5, 92.5]
 * ```
 */
export const beale: TestFunction2D = testFunction2D({
  name: "Beale",
  tensor: (x, y) => {
    const a = x.mul(y).sub(x).add(1.5);
    const b = x.mul(y.square()).sub(x).add(2.25);
    const c = x.mul(y.pow(3)).sub(x).add(2.625);
    return a.square().add(b.square()).add(c.square());
  },
  number: (x, y) =>
    (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y * y * y) ** 2,
  domain: [[-4.5, 4.5], [-4.5, 4.5]],
  minima: [[3, 0.5]],
  fmin: 0,
  saddles: [[0, 1]],
  start: [1, 1.5],
  note: "sharp peaks at the corners and flat plateaus near the minimum (3, 0.5): " +
    "gradients vary over orders of magnitude, so no single learning rate suits the whole window",
  logScale: true,
});
