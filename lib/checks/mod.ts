/**
 * Checks for the exercises' assert cells: student-facing messages on failure.
 *
 * @example
 * ```ts
 * import { checkClose } from "./mod.ts";
 * checkClose("one GD step", [0.9], [0.9]);
 * ```
 *
 * @module
 */
export * from "./checks.ts";
