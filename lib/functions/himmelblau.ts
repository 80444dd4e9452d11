/**
 * Himmelblau's function.
 *
 * @module
 */

import { type TestFunction2D, testFunction2D } from "./test_function.ts";

/**
 * Himmelblau: f(x, y) = (x² + y − 11)² + (x + y² − 7)², four global minima with value 0, four
 * saddle points and one local maximum. The stationary points other than (3, 2) were found by
 * Newton's method in float64 (gradient below 2 × 10⁻¹⁴ at each).
 *
 * @example Four minima, all at zero
 * ```ts
 * import { himmelblau } from "./himmelblau.ts";
 * console.log(himmelblau.minima.length); // 4
 * console.log(himmelblau.minima.every((m) => himmelblau.value(m) < 1e-20)); // true
 * ```
 */
export const himmelblau: TestFunction2D = testFunction2D({
  name: "Himmelblau",
  tensor: (x, y) => x.square().add(y).sub(11).square().add(x.add(y.square()).sub(7).square()),
  number: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
  domain: [[-5, 5], [-5, 5]],
  minima: [
    [3, 2],
    [-2.805118086952745, 3.131312518250573],
    [-3.779310253377747, -3.2831859912861696],
    [3.5844283403304917, -1.8481265269644036],
  ],
  fmin: 0,
  saddles: [
    [0.08667750455539634, 2.884254701174776],
    [-3.0730257507643897, -0.08135304428796751],
    [3.385154183607021, 0.07385187983774928],
    [-0.12796134673068005, -1.9537149802445766],
  ],
  maxima: [[-0.2708445906673476, -0.9230385564799816]],
  start: [0, 0],
  note: "four equally good minima: which one a method reaches depends on the start and on the " +
    "path it takes, so runs from nearby starts can end in different basins",
  logScale: true,
});
