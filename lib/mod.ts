/**
 * The course library: everything the notebooks import.
 *
 * @example Gradient descent on an elongated bowl
 * ```ts
 * import { minimize, quadratic, sgd } from "./mod.ts";
 * const run = minimize(quadratic(10), sgd({ alpha: 0.1 }), { steps: 20 });
 * console.log(run.path.length); // 21
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
