/**
 * Running optimizers: {@link minimize} on test functions (trajectories with a stop reason),
 * and {@link fit} for models on data (history, progress line in notebooks).
 *
 * @example
 * ```ts
 * import { quadratic } from "../functions/mod.ts";
 * import { sgd } from "../optim/mod.ts";
 * import { minimize } from "./mod.ts";
 * const run = minimize(quadratic(10), sgd({ alpha: 0.1 }), { steps: 500 });
 * console.log(run.stop.reason); // "converged"
 * ```
 *
 * @module
 */

export * from "./minimize.ts";
export * from "./progress.ts";
export * from "./fit.ts";
export * from "./minibatch_variance.ts";
export * from "./timing.ts";
