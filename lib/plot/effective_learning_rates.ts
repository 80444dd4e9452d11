/**
 * The per-coordinate effective learning rate over time: AdaGrad scales coordinate i's step by
 * α / (δ + √r_i), where r accumulates squared gradients, so steep coordinates slow down first and
 * every rate only ever decays. One line per coordinate, log axis by default, with the constant α
 * of plain (S)GD drawn for comparison.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { Figure, plot } from "./figure.ts";
import { formatLevel } from "./landscape.ts";
import {
  invalid,
  knownOptions,
  number,
  oneOf,
  palette,
  runLegend,
  withLegends,
} from "./options.ts";

/** Options of {@link adagradRates}. */
export interface AdagradRateOptions {
  /** The global learning rate α. */
  alpha: number;
  /** The small constant δ in the denominator (default 1e-7, as in the lecture and torch's eps). */
  delta?: number;
}

/**
 * AdaGrad's effective learning rates along a run: for each step t the vector α / (δ + √r_t) with
 * r_t = r_{t−1} + g_t ⊙ g_t (r_0 = 0), i.e. the rates used for the update at step t.
 *
 * @example The steep coordinate's rate falls faster
 * ```ts
 * import { adagradRates } from "./effective_learning_rates.ts";
 * const rates = adagradRates([[1, 10], [1, 10]], { alpha: 1, delta: 0 });
 * console.log(rates.map((r) => r.map((v) => +v.toFixed(4)))); // [[1, 0.1], [0.7071, 0.0707]]
 * ```
 */
export function adagradRates(
  grads: readonly (readonly number[])[],
  { alpha, delta = 1e-7 }: AdagradRateOptions,
): number[][] {
  number("alpha", alpha, { positive: true });
  number("delta", delta, { nonNegative: true });
  if (!Array.isArray(grads)) throw invalid("grads", grads, "expected an array of gradient vectors");
  const n = grads[0]?.length ?? 0;
  const r = new Array<number>(n).fill(0);
  return grads.map((g, t) => {
    if (!Array.isArray(g) || g.length !== n) {
      throw invalid("grads", `row ${t} of length ${g?.length}`, `expected ${n} coordinates`);
    }
    return g.map((gi, i) => {
      r[i] += gi * gi;
      return alpha / (delta + Math.sqrt(r[i]));
    });
  });
}

/** Options of {@link effectiveLearningRateOptions}. */
export interface EffectiveRateOptions {
  /** Coordinate names (default θ₁, θ₂, …). */
  coordinates?: readonly string[];
  /** Draw the constant learning rate α of plain (S)GD as a dashed reference line. */
  alpha?: number;
  /** "log" (default) or "linear" y axis. */
  yScale?: "linear" | "log";
  /** Line width in pixels. */
  strokeWidth?: number;
}

/** Options of {@link effectiveLearningRates}: the layer options plus the figure's. */
export interface EffectiveRatesFigureOptions extends EffectiveRateOptions {
  /** The figure title. */
  title?: string;
  /** Plot width in pixels. */
  width?: number;
  /** Plot height in pixels. */
  height?: number;
  /** A caption under the plot. */
  caption?: string;
}

/** Defaults, declared once. */
const defaults = {
  yScale: "log",
  strokeWidth: 1.8,
  width: 640,
  height: 340,
  maxColoured: palette.length,
  manyColor: "#4269d0",
} as const;

const layerKeys = ["coordinates", "alpha", "yScale", "strokeWidth"] as const;
const figureKeys = [...layerKeys, "title", "width", "height", "caption"] as const;

const subscript = (n: number) => String(n).split("").map((d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]).join("");

function names(rates: readonly (readonly number[])[], coordinates?: readonly string[]): string[] {
  const n = rates[0]?.length ?? 0;
  if (coordinates !== undefined) {
    if (!Array.isArray(coordinates) || coordinates.length !== n) {
      throw invalid("coordinates", coordinates, `expected ${n} names, one per coordinate`);
    }
    return [...coordinates];
  }
  return Array.from({ length: n }, (_, i) => `θ${subscript(i + 1)}`);
}

/**
 * The rates as composable Plot options: x is the step t = 1, 2, …, one line per coordinate (in the
 * run palette; more than ten coordinates are drawn thin in one colour), an optional dashed line
 * at α.
 *
 * @example
 * ```ts
 * import { plot } from "./figure.ts";
 * import { adagradRates, effectiveLearningRateOptions } from "./effective_learning_rates.ts";
 * const grads = Array.from({ length: 50 }, (_, t) => [Math.cos(t), 10 * Math.sin(t)]);
 * const fig = plot(effectiveLearningRateOptions(adagradRates(grads, { alpha: 0.5 }), { alpha: 0.5 }));
 * console.log(fig.html.includes("<svg")); // true
 * ```
 */
export function effectiveLearningRateOptions(
  rates: readonly (readonly number[])[],
  options: EffectiveRateOptions = {},
): Plot.PlotOptions & { marks: Plot.Markish[] } {
  knownOptions("effectiveLearningRateOptions", options, layerKeys);
  const { yScale = defaults.yScale, strokeWidth = defaults.strokeWidth, alpha } = options;
  oneOf("yScale", yScale, ["linear", "log"] as const);
  number("strokeWidth", strokeWidth, { positive: true });
  if (alpha !== undefined) number("alpha", alpha, { positive: true });
  if (!Array.isArray(rates) || rates.length === 0 || !Array.isArray(rates[0])) {
    throw invalid("rates", rates, "expected one array of per-coordinate rates per step");
  }
  const coords = names(rates, options.coordinates);
  const many = coords.length > defaults.maxColoured;
  const marks: Plot.Markish[] = [];
  if (alpha !== undefined) {
    marks.push(
      Plot.ruleY([alpha], { stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
      Plot.text([alpha], {
        y: (a: number) => a,
        frameAnchor: "right",
        text: () => `α = ${alpha} (plain SGD)`,
        textAnchor: "end",
        dx: -4,
        dy: -7,
        fill: "currentColor",
      }),
    );
  }
  coords.forEach((_, i) => {
    const points = rates.map((r, t) => ({ t: t + 1, rate: r[i] }))
      .filter((p) => Number.isFinite(p.rate) && (yScale !== "log" || p.rate > 0));
    marks.push(Plot.line(points, {
      x: "t",
      y: "rate",
      stroke: many ? defaults.manyColor : palette[i],
      strokeOpacity: many ? 0.35 : 1,
      strokeWidth: many ? 1 : strokeWidth,
    }));
  });
  return {
    x: { label: "step t", grid: true },
    y: {
      type: yScale,
      label: "effective learning rate α / (δ + √rᵢ)",
      grid: true,
      tickFormat: yScale === "log" ? formatLevel : undefined,
    },
    marks,
  };
}

/**
 * A ready figure of per-coordinate effective learning rates, with a legend of the coordinates and
 * an aria label giving each coordinate's first and last rate.
 *
 * @example AdaGrad on a bowl that is ten times steeper along θ₂
 * ```ts
 * import { adagradRates, effectiveLearningRates } from "./effective_learning_rates.ts";
 * let p = [1, 1];
 * const grads: number[][] = [];
 * for (let t = 0; t < 100; t++) {
 *   const g = [p[0], 10 * p[1]];
 *   grads.push(g);
 *   p = p.map((v, i) => v - 0.1 * g[i]);
 * }
 * const fig = effectiveLearningRates(adagradRates(grads, { alpha: 0.5 }), { alpha: 0.5, title: "AdaGrad" });
 * console.log(fig.label.startsWith("AdaGrad: effective learning rate per coordinate")); // true
 * ```
 */
export function effectiveLearningRates(
  rates: readonly (readonly number[])[],
  options: EffectiveRatesFigureOptions = {},
): Figure {
  knownOptions("effectiveLearningRates", options, figureKeys);
  const { title, width = defaults.width, height = defaults.height, caption, ...layer } = options;
  number("width", width, { positive: true });
  number("height", height, { positive: true });
  const base = effectiveLearningRateOptions(rates, layer);
  const coords = names(rates, layer.coordinates);
  const fmt = (v: number) => String(+v.toPrecision(3));
  const summary = coords.map((c, i) => `${c} from ${fmt(rates[0][i])} to ${fmt(rates.at(-1)![i])}`)
    .slice(0, defaults.maxColoured).join(", ");
  const ariaLabel = `${
    title ? `${title}: ` : ""
  }effective learning rate per coordinate over ${rates.length} steps: ${summary}${
    coords.length > defaults.maxColoured ? ", …" : ""
  }`;
  const fig = plot({ ...base, title, caption, width, height, ariaLabel });
  const legends = coords.length > defaults.maxColoured
    ? []
    : [runLegend(coords.map((name, i) => ({ name, color: palette[i] })))];
  return new Figure(withLegends(fig.element, legends), ariaLabel);
}
