/**
 * The loss landscape of a 2-D test function: filled contours with contour lines over the
 * function's domain, log-spaced levels where the values span many orders of magnitude (Beale,
 * Rosenbrock), and the known minima (★), saddle points (×) and maxima (▲) marked.
 *
 * Contours, not a raster: the server-side DOM has no canvas, so `Plot.raster` and continuous
 * colour-ramp legends cannot be drawn. The colour scale is a threshold scale (one colour per
 * band), whose legend is plain SVG.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { type Figure, plot } from "./figure.ts";
import { invalid, knownOptions, number, oneOf } from "./options.ts";

/** [[xmin, xmax], [ymin, ymax]]: the window a plot shows. */
export type Domain2D = readonly [readonly [number, number], readonly [number, number]];

/**
 * What the landscape helpers read from a test-function record (`lib/functions/`). `value` is the
 * fast number → number evaluation; records without it are evaluated through `f` on a plain
 * `[x, y]` array.
 */
export interface Surface {
  /** Shown in titles. */
  name: string;
  /** The window the plot shows. */
  domain: Domain2D;
  /** Known minimisers, marked ★. */
  minima?: readonly (readonly number[])[];
  /** Known saddle points, marked ×. */
  saddles?: readonly (readonly number[])[];
  /** Known local maximisers, marked ▲. */
  maxima?: readonly (readonly number[])[];
  /** Whether the record asks for log-spaced levels (used when `scale` is "auto"). */
  logScale?: boolean;
  /** f at a point, as a plain number (preferred for plotting: it is evaluated ~10⁵ times). */
  value?(p: [number, number]): number;
  /** The record's function; used on `[x, y]` when there is no `value`. */
  f?: unknown;
}

/** Options shared by {@link landscapeOptions} and {@link landscape}. */
export interface LandscapeOptions {
  /** The window, overriding the function's own domain. */
  domain?: Domain2D;
  /** A desired number of contour levels, or the levels themselves (increasing). */
  levels?: number | readonly number[];
  /** Level spacing: "log" spaces levels geometrically above the minimum; "auto" (default) picks
   * log when the record says so (`logScale`), or else when the values span more than 5× their
   * median. */
  scale?: "auto" | "linear" | "log";
  /** An Observable Plot colour scheme name for the bands (low → high). */
  scheme?: string;
  /** Opacity of the filled bands (0–1), lower to make overlays stand out. */
  fillOpacity?: number;
  /** Draw the contour lines between bands. */
  lines?: boolean;
  /** Mark minima and saddle points. */
  markers?: boolean;
  /** Sampling resolution in screen pixels (smaller is finer and slower). */
  pixelSize?: number;
}

/** Options of {@link landscape}: the layer options plus the figure's. */
export interface LandscapeFigureOptions extends LandscapeOptions {
  /** The figure title (default: the function's name). */
  title?: string;
  /** Plot width in pixels. */
  width?: number;
  /** Show the colour legend of the levels. */
  legend?: boolean;
}

/** Defaults, declared once. */
const defaults = {
  levels: 14,
  scale: "auto",
  scheme: "ylgnbu",
  fillOpacity: 0.85,
  lines: true,
  markers: true,
  pixelSize: 2,
  width: 560,
  legend: true,
} as const;

const layerKeys = [
  "domain",
  "levels",
  "scale",
  "scheme",
  "fillOpacity",
  "lines",
  "markers",
  "pixelSize",
] as const;
const figureKeys = [...layerKeys, "title", "width", "legend"] as const;

/** Contour levels chosen for a surface, and whether they are log-spaced. */
export interface Levels {
  /** Increasing thresholds; the first is at or below the minimum over the window. */
  levels: number[];
  /** How they are spaced. */
  scale: "linear" | "log";
}

/**
 * A fast evaluator `(x, y) → number` for a test-function record.
 *
 * @example
 * ```ts
 * import { evaluator } from "./landscape.ts";
 * const f = evaluator({ name: "bowl", domain: [[-1, 1], [-1, 1]], value: ([x, y]) => x * x + y * y });
 * console.log(f(1, 2)); // 5
 * ```
 */
export function evaluator(fn: Surface): (x: number, y: number) => number {
  if (typeof fn.value === "function") {
    const value = fn.value.bind(fn);
    return (x, y) => value([x, y]);
  }
  if (typeof fn.f === "function") {
    const f = fn.f as (p: number[]) => unknown;
    return (x, y) => {
      const v = f([x, y]);
      if (typeof v !== "number") {
        throw new TypeError(
          `${fn.name}: f([x, y]) did not return a number; give the record a value([x, y]) method`,
        );
      }
      return v;
    };
  }
  throw invalid("function", fn.name, "expected a record with value([x, y]) or f([x, y])");
}

/**
 * A contour level as a short label: 0.1, 2.5, 300, 1k, 30k, 1M.
 *
 * @example
 * ```ts
 * import { formatLevel } from "./landscape.ts";
 * console.log([0.1, 2.5, 300, 1000, 30000, 1e6].map(formatLevel).join(" ")); // "0.1 2.5 300 1k 30k 1M"
 * ```
 */
export function formatLevel(v: number): string {
  const a = Math.abs(v);
  for (const [unit, size] of [["G", 1e9], ["M", 1e6], ["k", 1e3]] as const) {
    if (a >= size) return `${+(v / size).toPrecision(3)}${unit}`;
  }
  return String(+v.toPrecision(3)).replace("-", "−");
}

/** n colours sampled from a Plot scheme, skipping its palest end so the lowest band still shows
 * against a white page. */
function schemeColors(scheme: string, n: number): string[] {
  let scale;
  try {
    scale = Plot.scale({
      color: { type: "linear", scheme: scheme as Plot.ColorScheme, domain: [0, 1] },
    });
  } catch {
    throw invalid("scheme", scheme, "expected an Observable Plot colour scheme name");
  }
  return Array.from(
    { length: n },
    (_, i) => String(scale.apply(0.12 + 0.88 * i / Math.max(1, n - 1))),
  );
}

function checkDomain(domain: Domain2D): Domain2D {
  const ok = Array.isArray(domain) && domain.length === 2 &&
    domain.every((d) =>
      Array.isArray(d) && d.length === 2 && Number.isFinite(d[0]) && Number.isFinite(d[1]) &&
      d[0] < d[1]
    );
  if (!ok) {
    throw invalid("domain", domain, "expected [[xmin, xmax], [ymin, ymax]]");
  }
  return domain;
}

/** Nice step (1, 2 or 5 × 10^k) for about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Rounds away floating-point noise such as 0.30000000000000004. */
function tidy(v: number): number {
  return Number(v.toPrecision(12));
}

/**
 * Chooses contour levels for a surface by sampling it on a 101 × 101 grid over the window:
 * evenly spaced nice values, or, when the range is huge compared with typical values,
 * minimum + 10^k (with 3·10^k in between when there are few decades).
 *
 * @example Beale gets log-spaced levels, a quadratic bowl linear ones
 * ```ts
 * import { landscapeLevels } from "./landscape.ts";
 * const beale = {
 *   name: "Beale",
 *   domain: [[-4.5, 4.5], [-4.5, 4.5]] as const,
 *   value: ([x, y]: [number, number]) =>
 *     (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
 * };
 * console.log(landscapeLevels(beale).scale); // "log"
 * const bowl = { name: "bowl", domain: [[-1, 1], [-1, 1]] as const, value: ([x, y]: [number, number]) => x * x + y * y };
 * console.log(landscapeLevels(bowl).scale); // "linear"
 * ```
 */
export function landscapeLevels(
  fn: Surface,
  options: Pick<LandscapeOptions, "domain" | "levels" | "scale"> = {},
): Levels {
  const { levels = defaults.levels, scale = defaults.scale } = options;
  oneOf("scale", scale, ["auto", "linear", "log"] as const);
  if (Array.isArray(levels)) {
    if (
      levels.length < 2 || levels.some((l, i) => !Number.isFinite(l) || i > 0 && l <= levels[i - 1])
    ) {
      throw invalid("levels", levels, "expected at least two increasing finite numbers");
    }
    return { levels: [...levels], scale: scale === "log" ? "log" : "linear" };
  }
  const count = number("levels", levels, { positive: true, integer: true });
  const [[x1, x2], [y1, y2]] = checkDomain(options.domain ?? fn.domain);
  const f = evaluator(fn);
  const values: number[] = [];
  const n = 100;
  for (let i = 0; i <= n; i++) {
    for (let j = 0; j <= n; j++) {
      const v = f(x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * j / n);
      if (Number.isFinite(v)) values.push(v);
    }
  }
  if (values.length === 0) throw invalid("function", fn.name, "no finite values over the domain");
  values.sort((a, b) => a - b);
  const min = values[0], max = values[values.length - 1];
  const range = max - min;
  if (!(range > 0)) return { levels: [min - 1, min, min + 1], scale: "linear" };
  const median = values[Math.floor(values.length / 2)] - min;
  const useLog = scale === "log" ||
    (scale === "auto" &&
      (typeof fn.logScale === "boolean" ? fn.logScale : range > 5 * median));
  if (!useLog) {
    const step = niceStep(range, count);
    const first = Math.floor(min / step) * step;
    const out: number[] = [];
    for (let v = first; v < max; v += step) out.push(tidy(v));
    return { levels: out, scale: "linear" };
  }
  // Offsets above the minimum: from the 1st percentile (so the basin shows a few bands) up.
  const low = Math.max(values[Math.floor(values.length / 100)] - min, range * 1e-8);
  let k0 = Math.floor(Math.log10(low));
  const k1 = Math.ceil(Math.log10(range));
  if (k1 - k0 > count) k0 = k1 - count;
  if (k1 - k0 < 2) k0 = k1 - 2;
  const decades = k1 - k0;
  const mantissas = decades * 3 <= count ? [1, 2, 5] : decades * 2 <= count ? [1, 3] : [1];
  const base = min >= 0 && min < 10 ** k0 ? 0 : tidy(min);
  const out = [base];
  for (let k = k0; k < k1; k++) {
    for (const m of mantissas) {
      const v = tidy(base + m * 10 ** k);
      if (v > out[out.length - 1] && v < max) out.push(v);
    }
  }
  return { levels: out, scale: "log" };
}

/**
 * The landscape as composable Plot options: `x`, `y` and `color` scales fitted to the window
 * (equal units on both axes when the window is not too elongated) and the marks (filled
 * contours with lines, minima and saddles). Spread it into `Plot.plot`/`plot()` and append your
 * own marks.
 *
 * @example Beale with your own mark on top
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./figure.ts";
 * import { landscapeOptions } from "./landscape.ts";
 * const beale = {
 *   name: "Beale",
 *   domain: [[-4.5, 4.5], [-4.5, 4.5]] as const,
 *   minima: [[3, 0.5]],
 *   value: ([x, y]: [number, number]) =>
 *     (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
 * };
 * const base = landscapeOptions(beale);
 * const fig = plot({
 *   ...base,
 *   title: "Beale and a start point",
 *   marks: [...base.marks, Plot.dot([[1, 1]], { fill: "red" })],
 * });
 * console.log(fig.html.includes("Beale and a start point")); // true
 * ```
 */
export function landscapeOptions(
  fn: Surface,
  options: LandscapeOptions = {},
): Plot.PlotOptions & { marks: Plot.Markish[] } {
  knownOptions("landscapeOptions", options, layerKeys);
  const {
    scheme = defaults.scheme,
    fillOpacity = defaults.fillOpacity,
    lines = defaults.lines,
    markers = defaults.markers,
    pixelSize = defaults.pixelSize,
  } = options;
  if (typeof scheme !== "string") throw invalid("scheme", scheme, "expected a scheme name");
  number("fillOpacity", fillOpacity, { nonNegative: true });
  if (fillOpacity > 1) throw invalid("fillOpacity", fillOpacity, "expected a number in [0, 1]");
  number("pixelSize", pixelSize, { positive: true });
  const domain = checkDomain(options.domain ?? fn.domain);
  const [[x1, x2], [y1, y2]] = domain;
  const { levels, scale } = landscapeLevels(fn, options);
  const f = evaluator(fn);
  const marks: Plot.Markish[] = [
    Plot.contour({
      x1,
      x2,
      y1,
      y2,
      fill: f,
      thresholds: levels,
      fillOpacity,
      pixelSize,
      stroke: lines ? "black" : "none",
      strokeOpacity: 0.25,
      strokeWidth: 0.5,
    }),
    Plot.frame({ strokeOpacity: 0.4 }),
  ];
  if (markers) {
    const inside = ([x, y]: readonly number[]) => x >= x1 && x <= x2 && y >= y1 && y <= y2;
    const fmt = (p: readonly number[]) => `(${p.map((v) => +v.toFixed(3)).join(", ")})`;
    const minima = (fn.minima ?? []).filter(inside);
    const saddles = (fn.saddles ?? []).filter(inside);
    const maxima = (fn.maxima ?? []).filter(inside);
    if (maxima.length) {
      marks.push(Plot.dot(maxima, {
        x: (p: readonly number[]) => p[0],
        y: (p: readonly number[]) => p[1],
        symbol: "triangle",
        r: 5,
        fill: "white",
        stroke: "black",
        title: (p: readonly number[]) => `local maximum ${fmt(p)}`,
      }));
    }
    if (saddles.length) {
      marks.push(Plot.dot(saddles, {
        x: (p: readonly number[]) => p[0],
        y: (p: readonly number[]) => p[1],
        symbol: "times",
        r: 5,
        stroke: "black",
        strokeWidth: 2,
        title: (p: readonly number[]) => `saddle point ${fmt(p)}`,
      }));
    }
    if (minima.length) {
      marks.push(Plot.dot(minima, {
        x: (p: readonly number[]) => p[0],
        y: (p: readonly number[]) => p[1],
        symbol: "star",
        r: 7,
        fill: "white",
        stroke: "black",
        strokeWidth: 1,
        title: (p: readonly number[]) => `minimum ${fmt(p)}`,
      }));
    }
  }
  const ratio = (y2 - y1) / (x2 - x1);
  return {
    x: { domain: [x1, x2], label: "x" },
    y: { domain: [y1, y2], label: "y" },
    color: {
      type: "threshold",
      domain: levels.slice(1),
      range: schemeColors(scheme, levels.length),
      label: scale === "log" ? "f(x, y) (log-spaced levels)" : "f(x, y)",
      tickFormat: formatLevel,
    },
    aspectRatio: ratio >= 0.25 && ratio <= 1.5 ? 1 : undefined,
    marks,
  };
}

/**
 * A ready figure of a test function's landscape: title, legend of the levels and an aria label
 * describing the window and the minima.
 *
 * @example
 * ```ts
 * import { landscape } from "./landscape.ts";
 * const himmelblau = {
 *   name: "Himmelblau",
 *   domain: [[-5, 5], [-5, 5]] as const,
 *   minima: [[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]],
 *   value: ([x, y]: [number, number]) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
 * };
 * const fig = landscape(himmelblau);
 * console.log(fig.label.startsWith("Contour plot of Himmelblau")); // true
 * ```
 */
export function landscape(fn: Surface, options: LandscapeFigureOptions = {}): Figure {
  knownOptions("landscape", options, figureKeys);
  const { title = fn.name, width = defaults.width, legend = defaults.legend, ...layer } = options;
  number("width", width, { positive: true });
  const base = landscapeOptions(fn, layer);
  return plot({
    ...base,
    color: { ...base.color, legend, width: Math.min(width, 440) } as Plot.ScaleOptions,
    title,
    width,
    ariaLabel: describeLandscape(fn, options.domain ?? fn.domain),
  });
}

/**
 * The aria label of a landscape: what is plotted, over which window, where the minima are.
 *
 * @example
 * ```ts
 * import { describeLandscape } from "./landscape.ts";
 * const bowl = { name: "bowl", domain: [[-1, 1], [-1, 1]] as const, minima: [[0, 0]] };
 * console.log(describeLandscape(bowl, bowl.domain));
 * // "Contour plot of bowl over x in [-1, 1], y in [-1, 1]; minima at (0, 0)"
 * ```
 */
export function describeLandscape(fn: Surface, domain: Domain2D): string {
  const [[x1, x2], [y1, y2]] = domain;
  const pts = (ps: readonly (readonly number[])[]) =>
    ps.map((p) => `(${p.map((v) => +v.toFixed(3)).join(", ")})`).join(", ");
  let s = `Contour plot of ${fn.name} over x in [${x1}, ${x2}], y in [${y1}, ${y2}]`;
  if (fn.minima?.length) s += `; minima at ${pts(fn.minima)}`;
  if (fn.saddles?.length) s += `; saddle points at ${pts(fn.saddles)}`;
  if (fn.maxima?.length) s += `; local maxima at ${pts(fn.maxima)}`;
  return s;
}
