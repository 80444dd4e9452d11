/**
 * Small shared pieces for the plot helpers: option checks that name the bad option, the run
 * palette, and the run legend. Every helper validates through these, so the messages read the
 * same everywhere: `invalid steps: -1 (expected a whole number ≥ 0)`.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { document } from "./figure.ts";

/**
 * The colours given to runs, in order: run i gets `palette[i % palette.length]` in every helper,
 * so the same run has the same colour in its trajectory, its loss curve and its legend.
 * (Observable's ten-colour categorical scheme.)
 *
 * @example
 * ```ts
 * import { palette } from "./options.ts";
 * console.log(palette[0]); // "#4269d0"
 * ```
 */
export const palette: readonly string[] = [
  "#4269d0",
  "#ff725c",
  "#3ca951",
  "#a463f2",
  "#efb118",
  "#ff8ab7",
  "#6cc5b0",
  "#9c6b4e",
  "#97bbf5",
  "#9498a0",
];

/**
 * The error every helper throws for a bad option: `invalid ${name}: ${value}`, with an optional
 * hint in parentheses.
 *
 * @example
 * ```ts
 * import { invalid } from "./options.ts";
 * console.log(invalid("steps", -1, "expected a whole number ≥ 0").message);
 * // "invalid steps: -1 (expected a whole number ≥ 0)"
 * ```
 */
export function invalid(name: string, value: unknown, hint?: string): RangeError {
  const shown = typeof value === "string"
    ? JSON.stringify(value)
    : Array.isArray(value)
    ? JSON.stringify(value)
    : String(value);
  return new RangeError(`invalid ${name}: ${shown}${hint ? ` (${hint})` : ""}`);
}

/**
 * Checks that `value` is a finite number (optionally > 0, ≥ 0 or a whole number) and returns it.
 *
 * @example
 * ```ts
 * import { number } from "./options.ts";
 * console.log(number("width", 640, { positive: true })); // 640
 * ```
 */
export function number(
  name: string,
  value: unknown,
  { positive = false, nonNegative = false, integer = false } = {},
): number {
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (!positive || value > 0) && (!nonNegative || value >= 0) &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? "a whole number" : "a finite number";
    const bound = positive ? " > 0" : nonNegative ? " ≥ 0" : "";
    throw invalid(name, value, `expected ${kind}${bound}`);
  }
  return value as number;
}

/**
 * Checks that `value` is one of `choices` and returns it.
 *
 * @example
 * ```ts
 * import { oneOf } from "./options.ts";
 * console.log(oneOf("yScale", "log", ["linear", "log"] as const)); // "log"
 * ```
 */
export function oneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    throw invalid(name, value, `expected one of ${choices.map((c) => `"${c}"`).join(", ")}`);
  }
  return value as T;
}

/**
 * Rejects option names a helper does not know (a typo such as `step` for `steps` would otherwise
 * be ignored silently).
 *
 * @example
 * ```ts
 * import { knownOptions } from "./options.ts";
 * knownOptions("landscape", { levels: 10 }, ["levels", "scheme"]); // fine
 * ```
 */
export function knownOptions(
  helper: string,
  options: object,
  known: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RangeError(
        `invalid option: ${key} (${helper}() knows ${known.join(", ")})`,
      );
    }
  }
}

/** A run's name and, optionally, its colour. */
export interface RunStyle {
  /** The name shown in the legend. */
  name: string;
  /** A CSS colour; defaults to the {@link palette} colour for the run's index. */
  color?: string;
}

/**
 * The colour of run `i`: its own `color` if set, else the palette colour.
 *
 * @example
 * ```ts
 * import { runColor } from "./options.ts";
 * console.log(runColor({ name: "GD" }, 1)); // "#ff725c"
 * ```
 */
export function runColor(run: RunStyle, i: number): string {
  return run.color ?? palette[i % palette.length];
}

/**
 * A swatch legend (an HTML `<div>`, no canvas needed) naming each run in its colour. The figure
 * helpers put it above the plot; use it directly when composing marks yourself.
 *
 * @example
 * ```ts
 * import { runLegend } from "./options.ts";
 * const legend = runLegend([{ name: "GD" }, { name: "momentum" }]);
 * console.log(legend.outerHTML.includes("momentum")); // true
 * ```
 */
export function runLegend(runs: readonly RunStyle[], options: { label?: string } = {}): Element {
  const names = runs.map((r) => r.name);
  if (new Set(names).size !== names.length) {
    throw invalid("runs", names, "run names must be distinct");
  }
  return Plot.legend({
    document,
    color: {
      type: "ordinal",
      domain: names,
      range: runs.map(runColor),
      legend: "swatches",
      label: options.label,
    },
  } as Plot.PlotOptions) as unknown as Element;
}

/**
 * Makes a `<figure>` from Plot's output with extra elements (legends) placed before the SVG.
 * Plot returns a bare `<svg>` when it has no title or legend; this wraps it so the result always
 * has the same shape.
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { document } from "./figure.ts";
 * import { withLegends, runLegend } from "./options.ts";
 * const svg = Plot.plot({ document, marks: [Plot.dot([[0, 0]])] }) as unknown as Element;
 * const fig = withLegends(svg, [runLegend([{ name: "a" }])]);
 * console.log(fig.tagName.toLowerCase()); // "figure"
 * ```
 */
export function withLegends(root: Element, legends: readonly Element[]): Element {
  let figure = root;
  if (root.tagName.toLowerCase() === "svg") {
    figure = document.createElement("figure") as unknown as Element;
    figure.appendChild(root);
  }
  const svg = [...figure.children].find((c) => c.tagName.toLowerCase() === "svg") ??
    figure.lastElementChild!;
  for (const legend of legends) figure.insertBefore(legend, svg);
  return figure;
}
