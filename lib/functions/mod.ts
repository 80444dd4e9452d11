/**
 * Test functions as records (name, function, plot window, known minima and saddles, a suggested
 * start and a note on what makes each hard) for optimizer experiments and landscape plots.
 *
 * @example Every record has the same fields
 * ```ts
 * import { beale, himmelblau, quadratic, rosenbrock } from "./mod.ts";
 * for (const fn of [quadratic(10), beale, rosenbrock, himmelblau]) {
 *   console.log(fn.name, fn.domain, fn.value(fn.minima[0]) < 1e-20);
 * }
 * ```
 *
 * @module
 */

export * from "./beale.ts";
export * from "./himmelblau.ts";
export * from "./nonconvex_1d.ts";
export * from "./quadratic.ts";
export * from "./rosenbrock.ts";
export * from "./saddle.ts";
export * from "./test_function.ts";
