/**
 * Hyperparameter checks shared by every optimizer and schedule. A bad value throws a RangeError
 * that names the parameter, the value and the valid range, e.g.
 * `invalid rho: 1.2 (expected a number in [0, 1))`.
 *
 * @module
 */

function fail(name: string, value: unknown, range: string): never {
  throw new RangeError(`invalid ${name}: ${String(value)} (expected a number ${range})`);
}

/**
 * Checks `value > 0` (and finite); returns it.
 *
 * @example A positive constant
 * ```ts
 * import { positive } from "./validate.ts";
 * console.log(positive("delta", 1e-8)); // 1e-8
 * ```
 */
export function positive(name: string, value: number): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    fail(name, value, "> 0");
  }
  return value;
}

/**
 * Checks `value >= 0` (and finite); returns it.
 *
 * @example A non-negative weight decay
 * ```ts
 * import { nonNegative } from "./validate.ts";
 * console.log(nonNegative("lambda", 0)); // 0
 * ```
 */
export function nonNegative(name: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value)) {
    fail(name, value, "≥ 0");
  }
  return value;
}

/**
 * Checks `0 <= value < 1` (decay rates and momentum coefficients); returns it.
 *
 * @example The error message for a decay rate out of range
 * ```ts
 * import { unitInterval } from "./validate.ts";
 * try {
 *   unitInterval("rho", 1.2);
 * } catch (e) {
 *   console.log((e as Error).message); // invalid rho: 1.2 (expected a number in [0, 1))
 * }
 * ```
 */
export function unitInterval(name: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) fail(name, value, "in [0, 1)");
  return value;
}

/**
 * Checks `0 <= value <= 1` (e.g. AdaHessian's Hessian power k); returns it.
 *
 * @example A Hessian power in [0, 1]
 * ```ts
 * import { closedUnitInterval } from "./validate.ts";
 * console.log(closedUnitInterval("k", 1)); // 1
 * ```
 */
export function closedUnitInterval(name: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) fail(name, value, "in [0, 1]");
  return value;
}

/**
 * Checks a whole number `>= min`; returns it.
 *
 * @example A whole number of steps
 * ```ts
 * import { integer } from "./validate.ts";
 * console.log(integer("steps", 10, 1)); // 10
 * ```
 */
export function integer(name: string, value: number, min = 0): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    fail(name, value, `that is a whole number ≥ ${min}`);
  }
  return value;
}

/**
 * Checks a boolean option; returns it.
 *
 * @example A boolean option
 * ```ts
 * import { flag } from "./validate.ts";
 * console.log(flag("amsgrad", false)); // false
 * ```
 */
export function flag(name: string, value: boolean): boolean {
  if (typeof value !== "boolean") {
    throw new RangeError(`invalid ${name}: ${String(value)} (expected true or false)`);
  }
  return value;
}
