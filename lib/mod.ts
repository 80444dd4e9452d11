/**
 * The course library: everything the notebooks import.
 *
 * @example
 * ```ts
 * import { gradientDescent, quadratic } from "./mod.ts";
 * const path = gradientDescent(quadratic(10), { alpha: 0.1, steps: 20 });
 * console.log(path.length); // 21
 * ```
 *
 * @module
 */

export * from "./plot/mod.ts";
export * from "./functions/mod.ts";
export * from "./data/mod.ts";
export * from "./models/mod.ts";
export * from "./train/mod.ts";
export * from "./autodiff/mod.ts";
export * from "./random.ts";
export * from "./optim/mod.ts";
export * from "./checks/mod.ts";
export * from "./linalg/mod.ts";
