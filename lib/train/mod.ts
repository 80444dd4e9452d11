/**
 * Running optimizers: on 2-D test functions (trajectories) and on models with data.
 *
 * @example
 * ```ts
 * import { quadratic } from "../functions/quadratic.ts";
 * import { gradientDescent } from "./mod.ts";
 * console.log(gradientDescent(quadratic(10), { alpha: 0.1, steps: 5 }).length); // 6
 * ```
 *
 * @module
 */

export * from "./gradient_descent.ts";
