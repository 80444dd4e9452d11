/**
 * The ill-conditioned 2-D quadratic used from the first notebook on.
 *
 * @module
 */

import { type TestFunction2D, testFunction2D } from "./test_function.ts";

export type { Point2, TestFunction2D } from "./test_function.ts";

/**
 * f(x, y) = (x² + κ y²) / 2, an elongated bowl whose Hessian diag(1, κ) has condition number κ.
 * Gradient descent converges for learning rates below 2/κ (the largest curvature is L = κ).
 *
 * @example A bowl with condition number 10
 * ```ts
 * import { grad } from "../autodiff/mod.ts";
 * import { quadratic } from "./quadratic.ts";
 * const q = quadratic(10);
 * console.log(q.value([1, 1])); // 5.5
 * console.log(q.grad([1, 1])); // [1, 10]
 * console.log(grad(q.f)([1, 1])); // [1, 10]
 * ```
 */
export function quadratic(kappa = 10): TestFunction2D {
  if (!(kappa >= 1) || !Number.isFinite(kappa)) {
    throw new RangeError(
      `invalid kappa: ${kappa} (the condition number must be a finite number ≥ 1)`,
    );
  }
  return testFunction2D({
    name: `quadratic (κ = ${kappa})`,
    tensor: (x, y) => x.square().add(y.square().mul(kappa)).mul(0.5),
    number: (x, y) => 0.5 * (x * x + kappa * y * y),
    domain: [[-4, 4], [-2, 2]],
    minima: [[0, 0]],
    fmin: 0,
    start: [-3.5, 1.5],
    note:
      `curvature ${kappa} times larger along y than along x: a step small enough for y crawls along x`,
  });
}
