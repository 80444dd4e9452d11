/**
 * Optimizer trajectories over a landscape: one colour per run with a swatch legend, start (○) and
 * end (●, or × when the run diverged) markers, optional dots at every iterate and optional arrows
 * for each step (the momentum and Nesterov illustrations).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { Figure, plot } from "./figure.ts";
import { type LandscapeOptions, landscapeOptions, type Surface } from "./landscape.ts";
import {
  invalid,
  knownOptions,
  number,
  runColor,
  runLegend,
  type RunStyle,
  withLegends,
} from "./options.ts";

/**
 * One iterate: `[x, y]`, or a record with `x` holding the coordinates (what `minimize` records:
 * `{ x: [x, y] }`; a Tensor-like `{ x: { data } }` works too), or the old `{ x, y }` pair.
 */
export type TrajectoryPoint =
  | readonly number[]
  | {
    readonly x: readonly number[] | { readonly data: ArrayLike<number> } | number;
    readonly y?: number;
  };

/** A run to draw: a name (legend), an optional colour, the iterates and how it stopped. */
export interface Run2D extends RunStyle {
  /** The iterates, start first. */
  path: readonly TrajectoryPoint[];
  /** How the run ended (`minimize`'s `stop`); a diverged run ends in ×. */
  stop?: { readonly reason: string; readonly step?: number };
}

/** Options of {@link trajectoryMarks}. */
export interface TrajectoryOptions {
  /** Draw every step as an arrow θ^(t) → θ^(t+1) instead of a plain line. */
  arrows?: boolean;
  /** With arrows or dots: only every k-th step (the line still joins all iterates). */
  every?: number;
  /** Dots at the iterates: true, false, or "auto" (when a run has at most 60 steps). */
  dots?: boolean | "auto";
  /** Start and end markers. */
  markers?: boolean;
  /** Line width in pixels. */
  strokeWidth?: number;
  /** A white outline under each path so it reads on any background. */
  halo?: boolean;
}

/** Options of {@link trajectories}. */
export interface TrajectoriesFigureOptions extends TrajectoryOptions {
  /** Options for the landscape underneath. */
  landscape?: LandscapeOptions;
  /** The figure title (default: the function's name). */
  title?: string;
  /** Plot width in pixels. */
  width?: number;
  /** A caption under the plot (default: the marker key). */
  caption?: string;
}

/** Defaults, declared once. */
const defaults = {
  arrows: false,
  every: 1,
  dots: "auto",
  markers: true,
  strokeWidth: 1.8,
  halo: true,
  width: 560,
  autoDotsUpTo: 60,
  landscape: { fillOpacity: 0.45 },
} as const;

const markKeys = ["arrows", "every", "dots", "markers", "strokeWidth", "halo"] as const;
const figureKeys = [...markKeys, "landscape", "title", "width", "caption"] as const;

/**
 * The iterates of a run as `[x, y]` pairs, up to (not including) the first non-finite one: a
 * diverged run keeps its finite part.
 *
 * @example
 * ```ts
 * import { runPoints } from "./trajectories.ts";
 * console.log(runPoints({ name: "a", path: [{ x: [1, 2] }, { x: [0.5, 1] }, { x: [NaN, 0] }] }));
 * // [[1, 2], [0.5, 1]]
 * ```
 */
export function runPoints(run: Run2D): [number, number][] {
  if (!run || !Array.isArray(run.path)) {
    throw invalid("run", run?.name ?? run, "expected { name, path: [...] }");
  }
  const out: [number, number][] = [];
  for (const p of run.path) {
    let xy: [number, number];
    if (Array.isArray(p)) xy = [p[0], p[1]];
    else {
      const q = p as Exclude<TrajectoryPoint, readonly number[]>;
      if (typeof q.x === "number") xy = [q.x, q.y ?? NaN];
      else if (Array.isArray(q.x)) xy = [q.x[0], q.x[1]];
      else if (q.x && "data" in q.x) xy = [q.x.data[0], q.x.data[1]];
      else {throw invalid(
          "path point",
          JSON.stringify(p),
          `run ${run.name}: expected [x, y] or { x }`,
        );}
    }
    if (!Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) break;
    out.push(xy);
  }
  return out;
}

function checkRuns(runs: readonly Run2D[]): void {
  if (!Array.isArray(runs) || runs.length === 0) {
    throw invalid("runs", runs, "expected a non-empty array of { name, path }");
  }
  const names = runs.map((r) => r?.name);
  if (names.some((n) => typeof n !== "string") || new Set(names).size !== names.length) {
    throw invalid("runs", names, "every run needs a distinct name");
  }
}

const fmt = (p: readonly number[]) => `(${p.map((v) => +v.toFixed(3)).join(", ")})`;

/**
 * The marks drawing runs on the plane, with literal colours (so they compose with a landscape,
 * whose colour scale holds the levels). Pair with {@link runLegend} for the legend.
 *
 * @example Two runs over a landscape
 * ```ts
 * import { plot } from "./figure.ts";
 * import { landscapeOptions } from "./landscape.ts";
 * import { trajectoryMarks } from "./trajectories.ts";
 * const bowl = { name: "bowl", domain: [[-2, 2], [-2, 2]] as const, value: ([x, y]: [number, number]) => x * x + 4 * y * y };
 * const runs = [
 *   { name: "slow", path: [[-1.5, 1.5], [-1.2, 0.9], [-1, 0.5], [-0.8, 0.3]] },
 *   { name: "fast", path: [[1.5, 1.5], [0.5, -0.5], [0.1, 0.1]] },
 * ];
 * const base = landscapeOptions(bowl);
 * const fig = plot({ ...base, marks: [...base.marks, ...trajectoryMarks(runs, { arrows: true })] });
 * console.log(fig.html.includes("<svg")); // true
 * ```
 */
export function trajectoryMarks(
  runs: readonly Run2D[],
  options: TrajectoryOptions = {},
): Plot.Markish[] {
  knownOptions("trajectoryMarks", options, markKeys);
  checkRuns(runs);
  const {
    arrows = defaults.arrows,
    every = defaults.every,
    dots = defaults.dots,
    markers = defaults.markers,
    strokeWidth = defaults.strokeWidth,
    halo = defaults.halo,
  } = options;
  number("every", every, { positive: true, integer: true });
  number("strokeWidth", strokeWidth, { positive: true });
  if (![true, false, "auto"].includes(dots)) {
    throw invalid("dots", dots, 'expected true, false or "auto"');
  }
  const marks: Plot.Markish[] = [];
  runs.forEach((run, i) => {
    const color = runColor(run, i);
    const pts = runPoints(run);
    if (pts.length === 0) return;
    const sampled = pts.filter((_, t) => t % every === 0 || t === pts.length - 1);
    const showDots = dots === "auto" ? pts.length - 1 <= defaults.autoDotsUpTo : dots;
    const segments = arrows
      ? sampled.slice(1).map((p, k) => ({
        x1: sampled[k][0],
        y1: sampled[k][1],
        x2: p[0],
        y2: p[1],
      }))
      : [];
    const arrowOptions = {
      x1: "x1",
      y1: "y1",
      x2: "x2",
      y2: "y2",
      headLength: 7,
      clip: true,
    } as const;
    if (halo) {
      if (arrows) {
        marks.push(
          Plot.arrow(segments, {
            ...arrowOptions,
            stroke: "white",
            strokeWidth: strokeWidth + 1.5,
            strokeOpacity: 0.8,
          }),
        );
      } else {
        marks.push(
          Plot.line(pts, {
            stroke: "white",
            strokeWidth: strokeWidth + 2.5,
            strokeOpacity: 0.8,
            clip: true,
          }),
        );
      }
    }
    if (arrows) {
      marks.push(Plot.arrow(segments, { ...arrowOptions, stroke: color, strokeWidth }));
    } else {
      marks.push(Plot.line(pts, { stroke: color, strokeWidth, clip: true }));
    }
    if (showDots) {
      marks.push(Plot.dot(sampled, { r: 1.8, fill: color, clip: true }));
    }
    if (markers) {
      const last = pts[pts.length - 1];
      const diverged = run.stop?.reason === "diverged";
      const steps = pts.length - 1;
      const endTitle = `${run.name}: ${diverged ? "diverged" : "ended"} at ${
        fmt(last)
      } after ${steps} step${steps === 1 ? "" : "s"}${
        run.stop && !diverged ? ` (${run.stop.reason})` : ""
      }`;
      marks.push(
        Plot.dot([pts[0]], {
          r: 4.5,
          fill: "white",
          stroke: color,
          strokeWidth: 2,
          clip: true,
          title: () => `${run.name}: start ${fmt(pts[0])}`,
        }),
      );
      if (diverged) {
        marks.push(
          Plot.dot([last], { symbol: "times", r: 6, stroke: "white", strokeWidth: 5, clip: true }),
          Plot.dot([last], {
            symbol: "times",
            r: 6,
            stroke: color,
            strokeWidth: 2.5,
            clip: true,
            title: () => endTitle,
          }),
        );
      } else {
        marks.push(
          Plot.dot([last], {
            r: 4.5,
            fill: color,
            stroke: "white",
            strokeWidth: 1.5,
            clip: true,
            title: () => endTitle,
          }),
        );
      }
    }
  });
  return marks;
}

/**
 * The text summary of runs used as the aria label: where each starts and ends and how it stopped.
 *
 * @example
 * ```ts
 * import { describeRuns } from "./trajectories.ts";
 * console.log(describeRuns([{ name: "GD", path: [[1, 1], [0.5, 0.1]], stop: { reason: "budget" } }]));
 * // "GD: from (1, 1) to (0.5, 0.1) in 1 step (budget)"
 * ```
 */
export function describeRuns(runs: readonly Run2D[]): string {
  return runs.map((run) => {
    const pts = runPoints(run);
    if (pts.length === 0) return `${run.name}: no finite iterates`;
    const n = pts.length - 1;
    const reason = run.stop ? ` (${run.stop.reason})` : "";
    return `${run.name}: from ${fmt(pts[0])} to ${fmt(pts[n])} in ${n} step${
      n === 1 ? "" : "s"
    }${reason}`;
  }).join("; ");
}

/**
 * The key to the markers, used as the caption of trajectory figures.
 *
 * @example
 * ```ts
 * import { markerKey } from "./trajectories.ts";
 * console.log(markerKey([{ name: "GD", path: [], stop: { reason: "diverged" } }]));
 * // "○ start · ● end · × diverged (last finite iterate)"
 * ```
 */
export function markerKey(runs: readonly Run2D[]): string {
  const diverged = runs.some((r) => r.stop?.reason === "diverged");
  return `○ start · ● end${diverged ? " · × diverged (last finite iterate)" : ""}`;
}

/**
 * A ready figure: the function's landscape with the runs drawn over it, a legend naming the runs,
 * a marker key as caption and an aria label summarising each run.
 *
 * @example Gradient descent with two learning rates on an ill-conditioned bowl
 * ```ts
 * import { trajectories } from "./trajectories.ts";
 * const bowl = { name: "bowl", domain: [[-4, 4], [-2, 2]] as const, minima: [[0, 0]], value: ([x, y]: [number, number]) => (x * x + 10 * y * y) / 2 };
 * const gd = (alpha: number) => {
 *   const path = [[-3.5, 1.5]];
 *   for (let t = 0; t < 30; t++) {
 *     const [x, y] = path[path.length - 1];
 *     path.push([x - alpha * x, y - alpha * 10 * y]);
 *   }
 *   return path;
 * };
 * const fig = trajectories(bowl, [
 *   { name: "α = 0.05", path: gd(0.05) },
 *   { name: "α = 0.18", path: gd(0.18) },
 * ]);
 * console.log(fig.label.startsWith("Trajectories on bowl")); // true
 * ```
 */
export function trajectories(
  fn: Surface,
  runs: readonly Run2D[],
  options: TrajectoriesFigureOptions = {},
): Figure {
  knownOptions("trajectories", options, figureKeys);
  const {
    landscape = {},
    title = fn.name,
    width = defaults.width,
    caption = markerKey(runs),
    ...markOptions
  } = options;
  number("width", width, { positive: true });
  const base = landscapeOptions(fn, { ...defaults.landscape, ...landscape });
  const ariaLabel = `Trajectories on ${fn.name}. ${describeRuns(runs)}`;
  const fig = plot({
    ...base,
    marks: [...base.marks, ...trajectoryMarks(runs, markOptions)],
    title,
    caption,
    width,
    ariaLabel,
  });
  return new Figure(withLegends(fig.element, [runLegend(runs)]), ariaLabel);
}
