/**
 * The ill-conditioned 2-D quadratic used from the first notebook on.
 *
 * @module
 */

/** A point in the plane. */
export type Point2 = [number, number];

/** A 2-D test function as a record that experiments and plots read. */
export interface TestFunction2D {
  /** Short name shown in titles and legends. */
  name: string;
  /** The function value at a point. */
  f: (p: readonly number[]) => number;
  /** The gradient at a point. */
  grad: (p: readonly number[]) => Point2;
  /** The window a plot shows: [[xmin, xmax], [ymin, ymax]]. */
  domain: [[number, number], [number, number]];
  /** Known minimisers. */
  minima: Point2[];
  /** A suggested starting point. */
  start: Point2;
  /** What makes it hard. */
  note: string;
}

/**
 * f(x, y) = (x² + κ y²) / 2, an elongated bowl whose Hessian diag(1, κ) has condition number κ.
 * Gradient descent converges for learning rates below 2/κ (the largest curvature is L = κ).
 *
 * @example
 * ```ts
 * import { quadratic } from "./quadratic.ts";
 * const q = quadratic(10);
 * console.log(q.f([1, 1])); // 5.5
 * console.log(q.grad([1, 1])); // [1, 10]
 * ```
 */
export function quadratic(kappa = 10): TestFunction2D {
  if (!(kappa >= 1) || !Number.isFinite(kappa)) {
    throw new RangeError(
      `invalid kappa: ${kappa} (the condition number must be a finite number ≥ 1)`,
    );
  }
  return {
    name: `quadratic (κ = ${kappa})`,
    f: ([x, y]) => 0.5 * (x * x + kappa * y * y),
    grad: ([x, y]) => [x, kappa * y],
    domain: [[-4, 4], [-2, 2]],
    minima: [[0, 0]],
    start: [-3.5, 1.5],
    note:
      `curvature ${kappa} times larger along y than along x: a step small enough for y crawls along x`,
  };
}
