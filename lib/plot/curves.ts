/**
 * Loss and accuracy curves: one colour per run, one dash pattern per quantity (train/test), against
 * step, epoch or wall time, on a linear or log axis; optional smoothing of noisy minibatch losses.
 * Reads the rows `minimize` and `fit` record directly.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { document, Figure, plot } from "./figure.ts";
import { formatLevel } from "./landscape.ts";
import {
  invalid,
  knownOptions,
  number,
  oneOf,
  runColor,
  runLegend,
  type RunStyle,
  withLegends,
} from "./options.ts";

/**
 * A run to draw: rows of numbers (`data`), or a plain series (`values`, against its index), or
 * directly what `minimize` returns (rows in `path`) or what `fit` returns (rows in `steps` and
 * `epochs`: the first whose rows have the requested fields is used, so `y: "loss"` reads the
 * steps and `y: ["trainLoss", "testLoss"]` the epochs).
 */
export interface CurveRun extends RunStyle {
  /** Rows with numeric fields. */
  data?: readonly object[];
  /** A plain series, plotted against its index 0, 1, 2, … */
  values?: readonly number[];
  /** `minimize`'s rows (t, loss, gradNorm). */
  path?: readonly object[];
  /** `fit`'s per-step rows (step, epoch, loss, time). */
  steps?: readonly object[];
  /** `fit`'s per-epoch rows (epoch, trainLoss, testLoss, trainAccuracy, testAccuracy, time). */
  epochs?: readonly object[];
}

/** The rows of a run holding the y fields (and the x field when given). */
function rowsOf(
  run: CurveRun,
  yKeys: readonly string[],
  xKey: string | undefined,
): readonly Record<string, unknown>[] | undefined {
  const candidates = [run.data, run.path, run.steps, run.epochs].filter(
    Array.isArray,
  ) as readonly Record<string, unknown>[][];
  if (run.data !== undefined && Array.isArray(run.data)) {
    return run.data as Record<string, unknown>[];
  }
  return candidates.find((rows) =>
    rows.length > 0 && yKeys.every((k) => k in rows[0]) && (!xKey || xKey in rows[0])
  ) ?? candidates[0];
}

/** Options of {@link curveOptions}. */
export interface CurveOptions {
  /** The field on the x axis; default: the first of "step", "t", "epoch", "time" the rows have. */
  x?: string;
  /** The field(s) on the y axis (several: one dash pattern each, e.g. train and test). */
  y?: string | readonly string[];
  /** "linear" (default) or "log" x axis (non-positive x are left out on a log axis). */
  xScale?: "linear" | "log";
  /** Draw the x axis from right to left (e.g. a step size h shrinking to the right). */
  xReverse?: boolean;
  /** "linear" or "log" y axis (non-positive values are left out on a log axis). */
  yScale?: "linear" | "log";
  /** Axis labels (defaults derived from the field names). */
  xLabel?: string;
  /** Axis labels (defaults derived from the field names). */
  yLabel?: string;
  /** Exponential smoothing ρ ∈ [0, 1): draws the raw curve faintly and the bias-corrected moving
   * average ρ·m + (1 − ρ)·value on top; 0 (default) draws the raw curve only. */
  smooth?: number;
  /** Dots at the points: true, false or "auto" (when a curve has at most 30 points). */
  dots?: boolean | "auto";
  /** Line width in pixels. */
  strokeWidth?: number;
}

/** Options of {@link curves}: the layer options plus the figure's. */
export interface CurvesFigureOptions extends CurveOptions {
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
  xCandidates: ["step", "t", "epoch", "time"],
  y: "loss",
  yScale: "linear",
  smooth: 0,
  dots: "auto",
  autoDotsUpTo: 30,
  strokeWidth: 1.6,
  width: 640,
  height: 360,
  dashes: ["none", "6,3", "1.5,2.5", "10,3,2,3"],
  /** Plot's default left margin, widened for long log-axis tick labels. */
  marginLeft: 40,
} as const;

const layerKeys = [
  "x",
  "y",
  "xScale",
  "xReverse",
  "yScale",
  "xLabel",
  "yLabel",
  "smooth",
  "dots",
  "strokeWidth",
] as const;
const figureKeys = [...layerKeys, "title", "width", "height", "caption"] as const;

/**
 * A field name as words: "trainLoss" → "train loss", "gradNorm" → "gradient norm", "t" → "step".
 *
 * @example
 * ```ts
 * import { fieldLabel } from "./curves.ts";
 * console.log(fieldLabel("testAccuracy")); // "test accuracy"
 * ```
 */
export function fieldLabel(field: string): string {
  const special: Record<string, string> = {
    t: "step",
    time: "wall time (s)",
    gradNorm: "gradient norm ‖∇f‖",
    lr: "learning rate",
  };
  return special[field] ?? field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

interface Series {
  run: number;
  key: number;
  points: { x: number; y: number }[];
}

function seriesOf(runs: readonly CurveRun[], options: CurveOptions): {
  series: Series[];
  xKey: string;
  yKeys: string[];
} {
  if (!Array.isArray(runs) || runs.length === 0) {
    throw invalid("runs", runs, "expected a non-empty array of { name, data } or { name, values }");
  }
  const yKeys = typeof options.y === "string"
    ? [options.y]
    : Array.isArray(options.y)
    ? [...options.y]
    : [defaults.y];
  if (yKeys.length === 0 || yKeys.length > defaults.dashes.length) {
    throw invalid("y", options.y, `expected 1 to ${defaults.dashes.length} field names`);
  }
  const first = runs.map((r) =>
    r && r.values === undefined ? rowsOf(r, yKeys, options.x) : undefined
  )
    .find((rows) => rows?.length)?.[0];
  const xKey = options.x ??
    (first ? defaults.xCandidates.find((k) => typeof first[k] === "number") : undefined) ??
    "index";
  const series: Series[] = [];
  runs.forEach((run, r) => {
    if (typeof run?.name !== "string") throw invalid("runs", run, "every run needs a name");
    if (run.values !== undefined) {
      const values = run.values as readonly number[];
      if (!Array.isArray(values)) throw invalid("values", values, `run ${run.name}`);
      series.push({ run: r, key: 0, points: values.map((y: number, i: number) => ({ x: i, y })) });
      return;
    }
    const rows = rowsOf(run, yKeys, xKey === "index" ? undefined : xKey);
    if (!rows) {
      throw invalid(
        "run",
        run.name,
        "expected data (rows), values (numbers), path or steps/epochs",
      );
    }
    if (xKey !== "index" && rows.length && !(xKey in rows[0])) {
      throw invalid("x", xKey, `run ${run.name} has fields ${Object.keys(rows[0]).join(", ")}`);
    }
    yKeys.forEach((key, k) => {
      if (rows.length && !rows.some((row) => key in row)) {
        throw invalid("y", key, `run ${run.name} has fields ${Object.keys(rows[0]).join(", ")}`);
      }
      series.push({
        run: r,
        key: k,
        points: rows.map((row, i) => ({
          x: xKey === "index" ? i : Number(row[xKey]),
          y: typeof row[key] === "number" ? row[key] as number : NaN,
        })),
      });
    });
  });
  return { series, xKey, yKeys };
}

/**
 * A tick label on a log axis: plain numbers from 0.001 to 999M ("0.01", "250", "10k", "3M"),
 * powers beyond in short exponent form ("1e−10", "3e21"), so no label grows past six characters.
 *
 * @example
 * ```ts
 * import { logTickFormat } from "./curves.ts";
 * console.log([1e-10, 0.002, 1, 3e4, 1e21].map(logTickFormat)); // ["1e−10", "0.002", "1", "30k", "1e21"]
 * ```
 */
export function logTickFormat(v: number): string {
  const a = Math.abs(v);
  if (a === 0 || (a >= 1e-3 && a < 1e9)) return formatLevel(v);
  const [mantissa, exponent] = v.toExponential().split("e");
  return `${+(+mantissa).toPrecision(3)}e${Number(exponent)}`.replace(/-/g, "−");
}

/**
 * A left margin wide enough for the longest tick label of a log axis over [lo, hi]: Plot's
 * default of 40 px cuts off labels such as "1e−10" or "0.00001". Plot's log ticks are powers of
 * ten, or m·10ᵏ (m = 1…9) on a short axis, so the candidates are all of those within the range.
 */
function logMarginLeft(lo: number, hi: number): number {
  let longest = 0;
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (let m = 1; m <= 9; m++) {
      const v = m * 10 ** k;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
        longest = Math.max(longest, logTickFormat(+v.toPrecision(12)).length);
      }
    }
  }
  // about 6.5 px per character of the 10 px axis font, plus the tick (6 px) and its padding (3 px)
  return Math.max(defaults.marginLeft, Math.ceil(longest * 6.5 + 12));
}

/** Bias-corrected exponential moving average, skipping non-finite values. */
function smoothed(points: { x: number; y: number }[], rho: number): { x: number; y: number }[] {
  let m = 0, w = 0;
  return points.map(({ x, y }) => {
    if (Number.isFinite(y)) {
      m = rho * m + (1 - rho) * y;
      w = rho * w + (1 - rho);
    }
    return { x, y: w > 0 ? m / w : NaN };
  });
}

/**
 * The curves as composable Plot options (axes, scales and marks, literal run colours). Spread it
 * into `plot()` and append marks (a rule at a target loss, say).
 *
 * @example Training and test loss per epoch of two runs
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./figure.ts";
 * import { curveOptions } from "./curves.ts";
 * const epochs = (a: number) => Array.from({ length: 10 }, (_, e) => ({ epoch: e + 1, trainLoss: a / (e + 1), testLoss: a / (e + 1) + 0.1 }));
 * const base = curveOptions([{ name: "SGD", data: epochs(1) }, { name: "Adam", data: epochs(0.5) }], { y: ["trainLoss", "testLoss"] });
 * const fig = plot({ ...base, marks: [...base.marks, Plot.ruleY([0.2], { strokeDasharray: "2,2" })] });
 * console.log(fig.html.includes("<svg")); // true
 * ```
 */
export function curveOptions(
  runs: readonly CurveRun[],
  options: CurveOptions = {},
): Plot.PlotOptions & { marks: Plot.Markish[] } {
  knownOptions("curveOptions", options, layerKeys);
  const {
    yScale = defaults.yScale,
    xScale = "linear",
    xReverse = false,
    smooth = defaults.smooth,
    dots = defaults.dots,
    strokeWidth = defaults.strokeWidth,
  } = options;
  oneOf("yScale", yScale, ["linear", "log"] as const);
  oneOf("xScale", xScale, ["linear", "log"] as const);
  if (typeof xReverse !== "boolean") throw invalid("xReverse", xReverse, "expected true or false");
  number("smooth", smooth, { nonNegative: true });
  if (smooth >= 1) throw invalid("smooth", smooth, "expected a number in [0, 1)");
  number("strokeWidth", strokeWidth, { positive: true });
  if (![true, false, "auto"].includes(dots)) {
    throw invalid("dots", dots, 'expected true, false or "auto"');
  }
  const { series, xKey, yKeys } = seriesOf(runs, options);
  const keep = (p: { x: number; y: number }) =>
    Number.isFinite(p.x) && Number.isFinite(p.y) && (yScale !== "log" || p.y > 0) &&
    (xScale !== "log" || p.x > 0);
  const marks: Plot.Markish[] = [];
  if (yScale === "linear") marks.push(Plot.ruleY([0], { strokeOpacity: 0.3 }));
  let plotted = 0;
  for (const s of series) {
    const color = runColor(runs[s.run], s.run);
    const dash = defaults.dashes[s.key];
    // Gaps (NaN) where a value is missing or not plottable, so lines do not bridge them.
    const raw = s.points.map((p) => keep(p) ? p : { x: p.x, y: NaN });
    plotted += raw.filter((p) => Number.isFinite(p.y)).length;
    const line = {
      x: "x",
      y: "y",
      stroke: color,
      strokeDasharray: dash,
      strokeWidth,
    } as const;
    if (smooth > 0) {
      marks.push(Plot.line(raw, { ...line, strokeOpacity: 0.25, strokeWidth: 1 }));
      const sm = smoothed(s.points.filter(keep), smooth);
      marks.push(Plot.line(sm, line));
    } else {
      marks.push(Plot.line(raw, line));
    }
    const showDots = dots === "auto" ? s.points.length <= defaults.autoDotsUpTo : dots;
    if (showDots) {
      marks.push(
        Plot.dot(raw.filter((p) => Number.isFinite(p.y)), { x: "x", y: "y", fill: color, r: 2 }),
      );
    }
  }
  if (plotted === 0) {
    throw invalid(
      "runs",
      runs.map((r) => r.name),
      yScale === "log" ? "no positive finite values to plot on a log axis" : "no finite values",
    );
  }
  const ys = series.flatMap((s) => s.points.filter(keep).map((p) => p.y));
  const commonWord =
    yKeys.map(fieldLabel).map((l) => l.split(" ").at(-1)).every((w, _, a) => w === a[0])
      ? fieldLabel(yKeys[0]).split(" ").at(-1)
      : "value";
  return {
    marginLeft: yScale === "log" ? logMarginLeft(Math.min(...ys), Math.max(...ys)) : undefined,
    x: {
      type: xScale,
      reverse: xReverse || undefined,
      tickFormat: xScale === "log" ? logTickFormat : undefined,
      label: options.xLabel ?? fieldLabel(xKey),
      grid: xScale === "linear",
    },
    y: {
      type: yScale,
      tickFormat: yScale === "log" ? logTickFormat : undefined,
      label: options.yLabel ?? (yKeys.length === 1 ? fieldLabel(yKeys[0]) : commonWord),
      grid: true,
    },
    marks,
  };
}

/**
 * A legend for the dash patterns of several y fields (`train loss` solid, `test loss` dashed), as
 * an HTML `<div>` with small inline SVG lines.
 *
 * @example
 * ```ts
 * import { seriesLegend } from "./curves.ts";
 * console.log(seriesLegend(["trainLoss", "testLoss"]).textContent); // "train loss test loss"
 * ```
 */
export function seriesLegend(fields: readonly string[]): Element {
  const div = document.createElement("div") as unknown as Element;
  div.setAttribute(
    "style",
    "display:flex;gap:0 1.2em;flex-wrap:wrap;font:10px system-ui,sans-serif;margin:0 0 4px 0",
  );
  fields.forEach((field, k) => {
    const span = document.createElement("span") as unknown as Element;
    span.setAttribute("style", "display:inline-flex;align-items:center;gap:0.4em");
    span.innerHTML = `<svg width="26" height="10" aria-hidden="true">` +
      `<line x1="1" y1="5" x2="25" y2="5" stroke="currentColor" stroke-width="1.6" ` +
      `stroke-dasharray="${defaults.dashes[k]}"/></svg>`;
    span.appendChild(document.createTextNode(fieldLabel(field)) as unknown as Node);
    div.appendChild(span);
    if (k < fields.length - 1) div.appendChild(document.createTextNode(" ") as unknown as Node);
  });
  return div;
}

/**
 * A ready figure of loss or accuracy curves: run legend (and a dash legend for several fields),
 * an aria label naming what is plotted and each run's last value.
 *
 * @example Loss of two runs on a log axis (minimize's path rows: t, loss, gradNorm)
 * ```ts
 * import { curves } from "./curves.ts";
 * const path = (rate: number) => Array.from({ length: 50 }, (_, t) => ({ t, loss: Math.exp(-rate * t) }));
 * const fig = curves([{ name: "GD", data: path(0.1) }, { name: "momentum", data: path(0.3) }], {
 *   yScale: "log",
 *   title: "Loss against step",
 * });
 * console.log(fig.label); // "Loss against step: loss against step (log scale). GD: last 0.00745; momentum: last 4.13e-7"
 * ```
 */
export function curves(runs: readonly CurveRun[], options: CurvesFigureOptions = {}): Figure {
  knownOptions("curves", options, figureKeys);
  const {
    title,
    width = defaults.width,
    height = defaults.height,
    caption,
    ...layer
  } = options;
  number("width", width, { positive: true });
  number("height", height, { positive: true });
  const base = curveOptions(runs, layer);
  const { series, xKey, yKeys } = seriesOf(runs, layer);
  const last = runs.map((run, r) => {
    const values = yKeys.map((key, k) => {
      const s = series.find((s) => s.run === r && s.key === k);
      const y = s?.points.filter((p) => Number.isFinite(p.y)).at(-1)?.y;
      const shown = y === undefined ? "none" : String(+y.toPrecision(3));
      return yKeys.length > 1 ? `${fieldLabel(key)} ${shown}` : shown;
    });
    return `${run.name}: last ${values.join(", ")}`;
  }).join("; ");
  const what = `${yKeys.map(fieldLabel).join(" and ")} against ${fieldLabel(xKey)}${
    layer.yScale === "log" ? " (log scale)" : ""
  }`;
  const ariaLabel = `${title ? `${title}: ` : ""}${what}. ${last}`;
  const fig = plot({ ...base, title, caption, width, height, ariaLabel });
  const legends = [runLegend(runs)];
  if (yKeys.length > 1 && runs.some((r) => r.values === undefined)) {
    legends.push(seriesLegend(yKeys));
  }
  return new Figure(withLegends(fig.element, legends), ariaLabel);
}
