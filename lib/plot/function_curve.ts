/**
 * A 1-D function drawn as a curve, with where gradient descent runs started (hollow circles) and
 * where they ended (dots), an arrow from each start to its end, and labelled points of interest
 * (the record's minima and maxima, plateaus). Notebook 0's picture of a non-convex landscape.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Figure, plot } from "./figure.ts";
import { invalid, knownOptions, number } from "./options.ts";

/** What {@link functionCurve} needs of a 1-D test function record (e.g. `nonconvex1d`). */
export interface Curve1D {
  /** The function's name (aria label). */
  name: string;
  /** f at [x]. */
  value: (x: [number]) => number;
  /** The window [[lo, hi]] drawn. */
  domain: readonly (readonly [number, number])[];
  /** Known minima [[x]], labelled "global minimum" (the lowest) and "local minimum". */
  minima?: readonly (readonly number[])[];
  /** Known maxima [[x]], labelled "local maximum". */
  maxima?: readonly (readonly number[])[];
}

/** A run on the curve: its iterates (e.g. `runOptimizer(...).params`), drawn start → end. */
export interface CurveRunPath {
  /** The iterates [x⁽⁰⁾], [x⁽¹⁾], …; only the first and last are drawn. */
  path: readonly (readonly number[])[];
  /** A CSS colour (default orangered). */
  color?: string;
}

/** A text on the curve at x (at f(x) unless `y` is given), above or below the point. */
export interface CurveLabel {
  x: number;
  text: string;
  /** The height of the label's point (default f(x)). */
  y?: number;
  /** Where the text sits relative to the point (default "above"). */
  position?: "above" | "below";
}

/** Options of {@link functionCurveOptions}. */
export interface FunctionCurveOptions {
  /** The x window (default: the record's domain). */
  domain?: readonly [number, number];
  /** The y window (default: the curve's range, padded). */
  yDomain?: readonly [number, number];
  /** Points on the curve (default 400). */
  samples?: number;
  /** Label the record's minima (below) and maxima (above) (default true). */
  stationary?: boolean;
  /** More labels (plateaus, say). */
  labels?: readonly CurveLabel[];
}

/** Options of {@link functionCurve}: the layer's and the figure's. */
export interface FunctionCurveFigureOptions extends FunctionCurveOptions {
  title?: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

/** Defaults, declared once. */
const defaults = {
  samples: 400,
  stationary: true,
  runColor: "orangered",
  curveColor: "#444",
  labelOffset: 12,
  width: 680,
  height: 360,
} as const;

const layerKeys = ["domain", "yDomain", "samples", "stationary", "labels"] as const;
const figureKeys = [...layerKeys, "title", "subtitle", "width", "height"] as const;

function checkRuns(runs: readonly CurveRunPath[]): void {
  if (!Array.isArray(runs)) throw invalid("runs", runs, "expected an array of { path }");
  runs.forEach((r, i) => {
    if (!Array.isArray(r?.path) || r.path.length === 0) {
      throw invalid("runs", r, `run ${i} needs a non-empty path of [x] iterates`);
    }
  });
}

/**
 * The curve, the runs and the labels as composable Plot options: spread into `plot()` and
 * append marks.
 *
 * @example Two runs of gradient descent on a double well
 * ```ts
 * import { plot } from "./figure.ts";
 * import { functionCurveOptions } from "./function_curve.ts";
 * const well = { name: "double well", value: ([x]: [number]) => (x * x - 1) ** 2, domain: [[-1.6, 1.6]] as const, minima: [[-1], [1]] };
 * const runs = [{ path: [[-1.5], [-1.02]] }, { path: [[0.3], [0.98]] }];
 * const fig = plot({ ...functionCurveOptions(well, runs), width: 400 });
 * console.log(fig.html.includes("global minimum")); // true
 * ```
 */
export function functionCurveOptions(
  fn: Curve1D,
  runs: readonly CurveRunPath[] = [],
  options: FunctionCurveOptions = {},
): Plot.PlotOptions & { marks: Plot.Markish[] } {
  knownOptions("functionCurveOptions", options, layerKeys);
  if (!fn || typeof fn.value !== "function") {
    throw invalid("fn", fn, "expected a 1-D test function record such as nonconvex1d");
  }
  checkRuns(runs);
  const {
    samples = defaults.samples,
    stationary = defaults.stationary,
    labels = [],
  } = options;
  number("samples", samples, { positive: true, integer: true });
  const [lo, hi] = options.domain ?? fn.domain[0];
  if (!(lo < hi)) throw invalid("domain", [lo, hi], "expected [lo, hi] with lo < hi");
  const f = (x: number) => fn.value([x]);
  const curve = Array.from({ length: samples }, (_, i) => {
    const x = lo + ((hi - lo) * i) / (samples - 1);
    return { x, y: f(x) };
  });
  const points = runs.map((r) => {
    const x0 = r.path[0][0], x1 = r.path.at(-1)![0];
    return { x0, y0: f(x0), x1, y1: f(x1), color: r.color ?? defaults.runColor };
  });
  const auto: CurveLabel[] = [];
  if (stationary) {
    const minima = [...(fn.minima ?? [])].map((m) => m[0]);
    const lowest = minima.reduce((a, b) => (f(b) < f(a) ? b : a), minima[0]);
    for (const x of minima) {
      auto.push({
        x,
        text: minima.length > 1 && x !== lowest ? "local minimum" : "global minimum",
        position: "below",
      });
    }
    for (const [x] of fn.maxima ?? []) auto.push({ x, text: "local maximum", position: "above" });
  }
  const textRows = [...auto, ...labels].map((l) => {
    if (typeof l?.x !== "number" || typeof l.text !== "string") {
      throw invalid("labels", l, "expected { x, text, y?, position? }");
    }
    const below = l.position === "below";
    return { x: l.x, y: l.y ?? f(l.x), text: l.text, dy: below ? 1 : -1 };
  });
  const halo = { stroke: "white", strokeWidth: 3, paintOrder: "stroke" } as const;
  const ys = curve.map((p) => p.y).filter(Number.isFinite);
  const [ymin, ymax] = [Math.min(...ys), Math.max(...ys)];
  const pad = 0.1 * (ymax - ymin || 1);
  return {
    x: { label: "θ", domain: [lo, hi] },
    y: { label: "f(θ)", domain: options.yDomain ?? [ymin - pad, ymax + pad], grid: true },
    marks: [
      Plot.line(curve, { x: "x", y: "y", stroke: defaults.curveColor }),
      Plot.arrow(points, {
        x1: "x0",
        y1: "y0",
        x2: "x1",
        y2: "y1",
        stroke: (d) => d.color,
        bend: true,
        inset: 4,
      }),
      Plot.dot(points, { x: "x0", y: "y0", r: 4, stroke: (d) => d.color, fill: "white" }),
      Plot.dot(points, { x: "x1", y: "y1", r: 4, fill: (d) => d.color }),
      ...[-1, 1].map((side) =>
        Plot.text(textRows.filter((t) => t.dy === side), {
          x: "x",
          y: "y",
          text: "text",
          dy: side * defaults.labelOffset,
          fontSize: 12,
          fill: "currentColor",
          ...halo,
        })
      ),
    ],
  };
}

/**
 * A ready figure of a 1-D function with runs and labels (aria label: the function's name and
 * where each run started and ended).
 *
 * @example Gradient descent from two starts on the course's non-convex function
 * ```ts
 * import { nonconvex1d } from "../functions/mod.ts";
 * import { functionCurve } from "./function_curve.ts";
 * const fig = functionCurve(nonconvex1d, [{ path: [[-3], [-1]] }, { path: [[2.5], [1.497]] }], {
 *   labels: [{ x: 4.2, text: "plateau" }],
 *   title: "Two runs",
 * });
 * console.log(fig.label); // "Two runs: curve of two wells and a plateau with 2 runs: −3 → −1, 2.5 → 1.5"
 * ```
 */
export function functionCurve(
  fn: Curve1D,
  runs: readonly CurveRunPath[] = [],
  options: FunctionCurveFigureOptions = {},
): Figure {
  knownOptions("functionCurve", options, figureKeys);
  const { title, subtitle, width = defaults.width, height = defaults.height, ...layer } = options;
  number("width", width, { positive: true });
  number("height", height, { positive: true });
  const base = functionCurveOptions(fn, runs, layer);
  const fmt = (v: number) => String(+v.toPrecision(3)).replace("-", "−");
  const moves = runs.map((r) => `${fmt(r.path[0][0])} → ${fmt(r.path.at(-1)![0])}`);
  const ariaLabel = `${title ? `${title}: ` : ""}curve of ${fn.name}` +
    (runs.length
      ? ` with ${runs.length} run${runs.length === 1 ? "" : "s"}: ${moves.join(", ")}`
      : "");
  return plot({ ...base, title, subtitle, width, height, ariaLabel });
}
