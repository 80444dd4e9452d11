/**
 * The weights an exponential moving average m_t = ρ m_{t−1} + (1 − ρ) g_t gives to past values:
 * the value from k steps ago gets (1 − ρ) ρ^k. Momentum, RMSProp and Adam all average this way;
 * the plot shows how far back each ρ looks (about 1/(1 − ρ) steps), and, with a finite history
 * of t steps, the mass missing at the start that Adam's bias correction 1/(1 − ρ^t) restores.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { Figure, plot } from "./figure.ts";
import { invalid, knownOptions, number, runColor, runLegend, withLegends } from "./options.ts";

/** Options of {@link emaWeights}. */
export interface EmaWeightOptions {
  /** The history has only t values (k ≥ t get weight 0); default: unlimited. */
  t?: number;
  /** Divide by 1 − ρ^t so the t weights sum to 1 (Adam's bias correction; needs `t`). */
  biasCorrected?: boolean;
}

function checkRho(rho: unknown): number {
  if (typeof rho !== "number" || !(rho >= 0 && rho < 1)) {
    throw invalid("rho", rho, "expected a number in [0, 1)");
  }
  return rho;
}

/**
 * The weights (1 − ρ) ρ^k of the values k = 0, 1, …, count − 1 steps ago in an exponential moving
 * average; with `t`, only t values exist, and `biasCorrected` rescales them to sum to 1.
 *
 * @example
 * ```ts
 * import { emaWeights } from "./moving_average_weights.ts";
 * console.log(emaWeights(0.5, 4)); // [0.5, 0.25, 0.125, 0.0625]
 * console.log(emaWeights(0.5, 4, { t: 2, biasCorrected: true })); // [0.6666666666666666, 0.3333333333333333, 0, 0]
 * ```
 */
export function emaWeights(rho: number, count: number, options: EmaWeightOptions = {}): number[] {
  checkRho(rho);
  number("count", count, { positive: true, integer: true });
  const { t, biasCorrected = false } = options;
  if (t !== undefined) number("t", t, { positive: true, integer: true });
  if (biasCorrected && t === undefined) {
    throw invalid("biasCorrected", biasCorrected, "bias correction needs the number of steps t");
  }
  const scale = biasCorrected ? 1 / (1 - rho ** t!) : 1;
  return Array.from(
    { length: count },
    (_, k) => t !== undefined && k >= t ? 0 : (1 - rho) * rho ** k * scale,
  );
}

/** A ρ to draw, optionally named (e.g. "Adam β₂"). */
export type RhoSpec = number | { rho: number; name?: string; color?: string };

/** Options of {@link movingAverageWeightOptions}. */
export interface MovingAverageOptions extends EmaWeightOptions {
  /** How many past steps to show (default: 3/(1 − ρ) for the largest ρ, at most 1000). */
  count?: number;
  /** Mark each ρ's effective window 1/(1 − ρ) with a dashed line. */
  window?: boolean;
}

/** Options of {@link movingAverageWeights}: the layer options plus the figure's. */
export interface MovingAverageFigureOptions extends MovingAverageOptions {
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
  windows: 3,
  maxCount: 1000,
  dotsUpTo: 60,
  window: true,
  width: 640,
  height: 320,
} as const;

const layerKeys = ["count", "t", "biasCorrected", "window"] as const;
const figureKeys = [...layerKeys, "title", "width", "height", "caption"] as const;

function specs(rhos: readonly RhoSpec[]): { rho: number; name: string; color?: string }[] {
  if (!Array.isArray(rhos) || rhos.length === 0) {
    throw invalid("rhos", rhos, "expected a non-empty array of ρ values");
  }
  return rhos.map((s) => {
    const rho = checkRho(typeof s === "number" ? s : s?.rho);
    const name = typeof s === "object" && s.name ? s.name : `ρ = ${rho}`;
    return { rho, name, color: typeof s === "object" ? s.color : undefined };
  });
}

/**
 * The weights as composable Plot options: x is k (steps ago), y the weight, one colour per ρ,
 * dots joined by lines for short windows, dashed lines at 1/(1 − ρ).
 *
 * @example
 * ```ts
 * import { plot } from "./figure.ts";
 * import { movingAverageWeightOptions } from "./moving_average_weights.ts";
 * const fig = plot(movingAverageWeightOptions([0.5, 0.8], { count: 20 }));
 * console.log(fig.html.includes("<svg")); // true
 * ```
 */
export function movingAverageWeightOptions(
  rhos: readonly RhoSpec[],
  options: MovingAverageOptions = {},
): Plot.PlotOptions & { marks: Plot.Markish[] } {
  knownOptions("movingAverageWeightOptions", options, layerKeys);
  const list = specs(rhos);
  const { window = defaults.window, t, biasCorrected } = options;
  const largest = Math.max(...list.map((s) => s.rho));
  const count = options.count ??
    Math.min(defaults.maxCount, Math.ceil(defaults.windows / (1 - largest)));
  number("count", count, { positive: true, integer: true });
  const marks: Plot.Markish[] = [Plot.ruleY([0], { strokeOpacity: 0.3 })];
  list.forEach((s, i) => {
    const color = runColor(s, i);
    const w = emaWeights(s.rho, count, { t, biasCorrected });
    // Values older than the history (k ≥ t) do not exist: leave them out rather than draw zeros.
    const points = w.map((weight, k) => ({ k, weight }))
      .filter(({ k }) => t === undefined || k < t);
    marks.push(Plot.line(points, { x: "k", y: "weight", stroke: color, strokeWidth: 1.5 }));
    if (count <= defaults.dotsUpTo) {
      marks.push(Plot.dot(points, { x: "k", y: "weight", fill: color, r: 2.5 }));
    }
    const span = 1 / (1 - s.rho);
    if (window && span < count) {
      marks.push(
        Plot.ruleX([span], { stroke: color, strokeDasharray: "4,3" }),
        Plot.text([span], {
          x: (v: number) => v,
          frameAnchor: "top",
          text: () => `1/(1−ρ) = ${+span.toPrecision(3)}`,
          textAnchor: "start",
          dx: 4,
          dy: 6 + 13 * i,
          fill: color,
        }),
      );
    }
  });
  if (t !== undefined && t < count) {
    marks.push(
      Plot.ruleX([t - 0.5], { stroke: "currentColor", strokeOpacity: 0.5 }),
      Plot.text([t - 0.5], {
        x: (v: number) => v,
        frameAnchor: "bottom",
        text: () => `history starts (t = ${t})`,
        textAnchor: "start",
        dx: 4,
        dy: -6,
        fill: "currentColor",
      }),
    );
  }
  return {
    x: { label: "k (steps ago)" },
    y: {
      label: biasCorrected ? "weight (1−ρ)ρᵏ / (1−ρᵗ)" : "weight (1−ρ)ρᵏ",
      grid: true,
    },
    marks,
  };
}

/**
 * A ready figure of moving-average weights for several ρ, with a legend and an aria label giving
 * each ρ's window.
 *
 * @example Momentum's ρ = 0.9 against Adam's β₂ = 0.99
 * ```ts
 * import { movingAverageWeights } from "./moving_average_weights.ts";
 * const fig = movingAverageWeights([{ rho: 0.9, name: "momentum ρ = 0.9" }, { rho: 0.99, name: "Adam β₂ = 0.99" }]);
 * console.log(fig.label);
 * // "Weights (1−ρ)ρᵏ of the value from k steps ago: momentum ρ = 0.9 looks back about 10 steps, Adam β₂ = 0.99 about 100 steps"
 * ```
 */
export function movingAverageWeights(
  rhos: readonly RhoSpec[],
  options: MovingAverageFigureOptions = {},
): Figure {
  knownOptions("movingAverageWeights", options, figureKeys);
  const { title, width = defaults.width, height = defaults.height, caption, ...layer } = options;
  number("width", width, { positive: true });
  number("height", height, { positive: true });
  const base = movingAverageWeightOptions(rhos, layer);
  const list = specs(rhos);
  const spans = list.map((s, i) =>
    `${s.name} ${i === 0 ? "looks back " : ""}about ${+(1 / (1 - s.rho)).toPrecision(3)} steps`
  ).join(", ");
  const ariaLabel = `${title ? `${title}: ` : ""}Weights (1−ρ)ρᵏ of the value from k steps ago${
    layer.t !== undefined ? ` with a history of ${layer.t} steps` : ""
  }${layer.biasCorrected ? ", bias-corrected" : ""}: ${spans}`;
  const fig = plot({ ...base, title, caption, width, height, ariaLabel });
  return new Figure(
    withLegends(fig.element, [
      runLegend(list.map((s, i) => ({ name: s.name, color: runColor(s, i) }))),
    ]),
    ariaLabel,
  );
}
