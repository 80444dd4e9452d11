/**
 * The Rosenbrock function.
 *
 * @module
 */

import { type TestFunction2D, testFunction2D } from "./test_function.ts";

/**
 * Rosenbrock: f(x, y) = (1 − x)² + 100 (y − x²)², global minimum f(1, 1) = 0 at the end of a
 * long, curved, narrow valley. Classic start (−1.2, 1).
 *
 * @example Value and gradient at the origin
 * ```ts
 * import { rosenbrock } from "./rosenbrock.ts";
 * console.log(rosenbrock.value([1, 1]), rosenbrock.value([0, 0])); // 0 1
 * console.log(rosenbrock.grad([0, 0])); // [-2, 0]
 * ```
 */
export const rosenbrock: TestFunction2D = testFunction2D({
  name: "Rosenbrock",
  tensor: (x, y) => x.neg().add(1).square().add(y.sub(x.square()).square().mul(100)),
  number: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  domain: [[-2, 2], [-1, 3]],
  minima: [[1, 1]],
  fmin: 0,
  start: [-1.2, 1],
  note: "a curved, narrow valley: reaching it is easy, following it to (1, 1) is slow, " +
    "because the curvature across the valley is about 1000 times that along it",
  logScale: true,
});
