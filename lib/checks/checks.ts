/**
 * Exercise checks for assert cells. Each check passes quietly with a one-line confirmation, or
 * throws a {@link CheckError} whose message a student can act on: what was checked, what was
 * expected, what they got, and a hint.
 *
 * @example A graded cell
 * ```ts
 * import { checkClose } from "./checks.ts";
 * const studentAnswer = 0.2; // what the student's code computed
 * checkClose("the largest stable learning rate", studentAnswer, 2 / 10, {
 *   tol: 1e-6,
 *   hint: "GD on a quadratic is stable for α < 2/L",
 * });
 * ```
 *
 * @module
 */

/** A failed exercise check; its message is written for the student. */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckError";
  }
}

/** Options shared by the checks. */
export interface CheckOptions {
  /** A nudge towards the fix, shown when the check fails. */
  hint?: string;
  /** Print a confirmation line on success (default true). */
  quiet?: boolean;
}

/** Something numeric a check can compare: a number, nested arrays, a typed array, or anything with a `data` Float64Array. */
export type Numeric = number | readonly Numeric[] | Float64Array | {
  data: Float64Array;
  shape: readonly number[];
};

function flatten(x: unknown, what: string): { values: number[]; shape: number[] } {
  if (typeof x === "number") return { values: [x], shape: [] };
  if (x instanceof Float64Array) return { values: Array.from(x), shape: [x.length] };
  if (Array.isArray(x)) {
    const parts = x.map((v) => flatten(v, what));
    const inner = parts[0]?.shape ?? [];
    return { values: parts.flatMap((p) => p.values), shape: [x.length, ...inner] };
  }
  if (
    x && typeof x === "object" && "data" in x &&
    (x as { data: unknown }).data instanceof Float64Array
  ) {
    const t = x as { data: Float64Array; shape: readonly number[] };
    return { values: Array.from(t.data), shape: [...t.shape] };
  }
  throw new CheckError(
    `${what}: expected a number, an array of numbers or a tensor, got ${describe(x)}. ` +
      "Hint: make sure your code returns its result (a missing `return` gives undefined)",
  );
}

function describe(x: unknown): string {
  if (x === undefined) return "undefined";
  if (x === null) return "null";
  if (typeof x === "string") {
    return `the string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + "…" : x)}`;
  }
  if (typeof x === "number" || typeof x === "boolean") return String(x);
  return `a ${x.constructor?.name ?? typeof x}`;
}

function show(values: number[], shape: number[]): string {
  const fmt = (
    v: number,
  ) => (Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+(e|$)/, "$1"));
  if (shape.length === 0) return fmt(values[0]);
  const head = values.slice(0, 6).map(fmt).join(", ");
  return `[${head}${values.length > 6 ? `, … (${values.length} values)` : ""}]`;
}

function fail(what: string, message: string, hint?: string): never {
  throw new CheckError(`✗ ${what}: ${message}${hint ? `\nHint: ${hint}` : ""}`);
}

function ok(what: string, detail: string, options: CheckOptions): void {
  if (!options.quiet) console.log(`✓ ${what}${detail ? ` (${detail})` : ""}`);
}

/**
 * Checks that `got` equals `expected` within `tol` (absolute or relative, whichever is looser),
 * element by element, with the same shape. NaN never matches.
 *
 * @example
 * ```ts
 * import { checkClose } from "./checks.ts";
 * checkClose("θ after one step", [0.9, 1.8], [0.9, 1.8000000001], { tol: 1e-8 });
 * ```
 */
export function checkClose(
  what: string,
  got: unknown,
  expected: Numeric,
  options: CheckOptions & { tol?: number } = {},
): void {
  const tol = options.tol ?? 1e-9;
  const g = flatten(got, what);
  const e = flatten(expected, what);
  if (g.shape.join("x") !== e.shape.join("x")) {
    fail(
      what,
      `expected shape [${e.shape}] (${show(e.values, e.shape)}), got shape [${g.shape}] (${
        show(g.values, g.shape)
      })`,
      options.hint,
    );
  }
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < e.values.length; i++) {
    const err = Math.abs(g.values[i] - e.values[i]);
    const scale = Math.max(1, Math.abs(e.values[i]));
    if (!(err <= tol * scale)) {
      fail(
        what,
        `expected ${show(e.values, e.shape)}, got ${show(g.values, g.shape)}` +
          (e.values.length > 1
            ? `; first difference at index ${i}: ${g.values[i]} instead of ${e.values[i]}`
            : "") +
          ` (tolerance ${tol})`,
        options.hint,
      );
    }
    if (err > worst) [worst, worstAt] = [err, i];
  }
  ok(what, worstAt < 0 ? "exact" : `largest difference ${worst.toExponential(1)}`, options);
}

/**
 * Checks that a number lies in the closed interval [lo, hi] (for answers found by experiment).
 *
 * @example
 * ```ts
 * import { checkBetween } from "./checks.ts";
 * checkBetween("your estimate of the divergence threshold", 0.199, [0.19, 0.21]);
 * ```
 */
export function checkBetween(
  what: string,
  got: unknown,
  [lo, hi]: readonly [number, number],
  options: CheckOptions = {},
): void {
  if (typeof got !== "number" || Number.isNaN(got)) {
    fail(what, `expected a number between ${lo} and ${hi}, got ${describe(got)}`, options.hint);
  }
  if (got < lo || got > hi) {
    fail(what, `expected a value between ${lo} and ${hi}, got ${got}`, options.hint);
  }
  ok(what, `${got} is in [${lo}, ${hi}]`, options);
}

/**
 * Checks exact equality of simple values (strings, numbers, booleans, arrays of them).
 *
 * @example
 * ```ts
 * import { checkEqual } from "./checks.ts";
 * checkEqual("the optimizer that escapes the saddle first", "rmsprop", "rmsprop");
 * ```
 */
export function checkEqual<T>(
  what: string,
  got: unknown,
  expected: T,
  options: CheckOptions = {},
): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    fail(
      what,
      `expected ${JSON.stringify(expected)}, got ${
        got === undefined ? "undefined" : JSON.stringify(got)
      }`,
      options.hint,
    );
  }
  ok(what, "", options);
}

/**
 * Checks a condition that has no single expected value; `message` says what should hold.
 *
 * @example
 * ```ts
 * import { checkThat } from "./checks.ts";
 * const losses = [3, 2, 1];
 * checkThat("the loss decreases every step", losses.every((l, i) => i === 0 || l < losses[i - 1]), {
 *   hint: "try a smaller learning rate",
 * });
 * ```
 */
export function checkThat(what: string, condition: boolean, options: CheckOptions = {}): void {
  if (!condition) fail(what, "this does not hold yet", options.hint);
  ok(what, "", options);
}
