/**
 * The part of the interactive figure ({@link explore} in `explore.ts`) that runs in both places:
 * in Deno, to draw the static figure of the default settings, and in the browser, bundled, every
 * time the reader moves a control. It holds the optimizers a figure can race, the sliders'
 * scales, the runs (the library's own `minimize`) and the SVG of the trajectories. Nothing here
 * touches Observable Plot, the DOM or Deno, so the same code gives the same bytes everywhere.
 *
 * @module
 */

import {
  adabelief,
  adadelta,
  adagrad,
  adahessian,
  adam,
  adamw,
  momentum,
  nadam,
  nesterov,
  radam,
  rmsprop,
  sgd,
} from "../optim/mod.ts";
import type { Optimizer, StepCount } from "../optim/optimizer.ts";
import { minimize, type MinimizeResult } from "../train/minimize.ts";
import {
  beale,
  himmelblau,
  monkeySaddle,
  quadratic,
  rosenbrock,
  saddle,
  type TestFunction2D,
} from "../functions/mod.ts";

/** The hyperparameters besides α that a slider can set. */
export type ExploreHyper = "rho" | "rho1" | "rho2";

/** An optimizer the figure can race: how to make it and which sliders it has. */
export interface ExploreOptimizer {
  /** The name shown in the legend and the dropdown. */
  label: string;
  /** The hyperparameters (besides α) it has sliders for, with their defaults. */
  hyper: Partial<Record<ExploreHyper, number>>;
  /** The default learning rate. */
  alpha: number;
  /** The library's optimizer with these settings. */
  make(h: { alpha: number } & Partial<Record<ExploreHyper, number>>): Optimizer<StepCount>;
}

/**
 * The optimizers an interactive figure can race, by kind (the library's function names).
 *
 * @example
 * ```ts
 * import { EXPLORE_OPTIMIZERS } from "./explore_core.ts";
 * console.log(EXPLORE_OPTIMIZERS.momentum.hyper); // { rho: 0.9 }
 * ```
 */
export const EXPLORE_OPTIMIZERS: Record<string, ExploreOptimizer> = {
  sgd: { label: "GD", hyper: {}, alpha: 0.01, make: (h) => sgd({ alpha: h.alpha }) },
  momentum: {
    label: "momentum",
    hyper: { rho: 0.9 },
    alpha: 0.001,
    make: (h) => momentum({ alpha: h.alpha, rho: h.rho }),
  },
  nesterov: {
    label: "Nesterov",
    hyper: { rho: 0.9 },
    alpha: 0.001,
    make: (h) => nesterov({ alpha: h.alpha, rho: h.rho }),
  },
  adagrad: { label: "AdaGrad", hyper: {}, alpha: 1, make: (h) => adagrad({ alpha: h.alpha }) },
  rmsprop: {
    label: "RMSProp",
    hyper: { rho: 0.9 },
    alpha: 0.01,
    make: (h) => rmsprop({ alpha: h.alpha, rho: h.rho }),
  },
  adadelta: {
    label: "AdaDelta",
    hyper: { rho: 0.9 },
    alpha: 1,
    make: (h) => adadelta({ alpha: h.alpha, rho: h.rho }),
  },
  adam: {
    label: "Adam",
    hyper: { rho1: 0.9, rho2: 0.999 },
    alpha: 0.05,
    make: (h) => adam({ alpha: h.alpha, rho1: h.rho1, rho2: h.rho2 }),
  },
  adamw: {
    label: "AdamW",
    hyper: { rho1: 0.9, rho2: 0.999 },
    alpha: 0.05,
    make: (h) => adamw({ alpha: h.alpha, rho1: h.rho1, rho2: h.rho2 }),
  },
  nadam: {
    label: "NAdam",
    hyper: { rho1: 0.9, rho2: 0.999 },
    alpha: 0.05,
    make: (h) => nadam({ alpha: h.alpha, rho1: h.rho1, rho2: h.rho2 }),
  },
  radam: {
    label: "RAdam",
    hyper: { rho1: 0.9, rho2: 0.999 },
    alpha: 0.05,
    make: (h) => radam({ alpha: h.alpha, rho1: h.rho1, rho2: h.rho2 }),
  },
  adabelief: {
    label: "AdaBelief",
    hyper: { rho1: 0.9, rho2: 0.999 },
    alpha: 0.01,
    make: (h) => adabelief({ alpha: h.alpha, rho1: h.rho1, rho2: h.rho2 }),
  },
  adahessian: {
    label: "AdaHessian",
    hyper: { rho1: 0.9, rho2: 0.999 },
    alpha: 0.15,
    make: (h) => adahessian({ alpha: h.alpha, rho1: h.rho1, rho2: h.rho2 }),
  },
};

/**
 * The test functions an interactive figure can show: the browser bundle carries their compiled
 * derivatives (the browser page may not compile code at run time), so these and only these work.
 *
 * @example
 * ```ts
 * import { exploreFunctions } from "./explore_core.ts";
 * console.log(exploreFunctions().map((f) => f.name).includes("Beale")); // true
 * ```
 */
export function exploreFunctions(): TestFunction2D[] {
  return [
    beale,
    rosenbrock,
    himmelblau,
    saddle,
    monkeySaddle,
    quadratic(10),
    quadratic(25),
    quadratic(100),
  ];
}

/** One contender of a race: an optimizer kind and its settings. */
export interface ExploreEntry {
  /** A key of {@link EXPLORE_OPTIMIZERS}. */
  kind: string;
  /** The learning rate α. */
  alpha: number;
  /** ρ (momentum, Nesterov, RMSProp, AdaDelta). */
  rho?: number;
  /** ρ1 (the Adam family). */
  rho1?: number;
  /** ρ2 (the Adam family). */
  rho2?: number;
  /** Whether it takes part (the figure can hold contenders that start switched off). */
  on: boolean;
  /** Legend name. */
  name: string;
  /** CSS colour. */
  color: string;
}

/** Everything the runs depend on. */
export interface ExploreSettings {
  /** θ^(0). */
  start: [number, number];
  /** The step budget of every run. */
  steps: number;
  /** The contenders. */
  entries: ExploreEntry[];
}

/** A linear map between a data interval and a pixel interval (one axis of the plot). */
export interface AxisMap {
  domain: [number, number];
  range: [number, number];
}

/**
 * The optimizer of a contender, made by the library.
 *
 * @example
 * ```ts
 * import { entryOptimizer } from "./explore_core.ts";
 * const opt = entryOptimizer({ kind: "momentum", alpha: 0.01, rho: 0.5, on: true, name: "m", color: "red" });
 * console.log(opt.name, opt.hyper?.rho); // "momentum" 0.5
 * ```
 */
export function entryOptimizer(entry: ExploreEntry): Optimizer<StepCount> {
  const spec = EXPLORE_OPTIMIZERS[entry.kind];
  if (!spec) {
    throw new RangeError(
      `invalid optimizer: ${entry.kind} (expected one of ${
        Object.keys(EXPLORE_OPTIMIZERS).join(", ")
      })`,
    );
  }
  const h: { alpha: number } & Partial<Record<ExploreHyper, number>> = { alpha: entry.alpha };
  for (const k of Object.keys(spec.hyper) as ExploreHyper[]) h[k] = entry[k] ?? spec.hyper[k];
  return spec.make(h);
}

/**
 * The runs of a race: every switched-on contender from the same start, through the library's
 * `minimize` (the record's compiled derivatives), stopping early only when it converges or
 * leaves the function's window.
 *
 * @example
 * ```ts
 * import { beale } from "../functions/mod.ts";
 * import { exploreRuns } from "./explore_core.ts";
 * const [run] = exploreRuns(beale, {
 *   start: [1, 1.5],
 *   steps: 100,
 *   entries: [{ kind: "adam", alpha: 0.05, on: true, name: "Adam", color: "red" }],
 * });
 * console.log(run.path.length); // 101
 * ```
 */
export function exploreRuns(
  fn: TestFunction2D,
  settings: ExploreSettings,
): (MinimizeResult & { entry: ExploreEntry })[] {
  return settings.entries.filter((e) => e.on).map((entry) => ({
    ...minimize(fn, entryOptimizer(entry), {
      start: [settings.start[0], settings.start[1]],
      steps: settings.steps,
      bounds: fn.domain,
    }),
    entry,
  }));
}

/** The learning-rate slider has this many positions per decade. */
export const ALPHA_SLIDER_PER_DECADE = 20;

/**
 * The learning rate at a position of the log slider (two significant digits).
 *
 * @example
 * ```ts
 * import { alphaFromSlider, sliderFromAlpha } from "./explore_core.ts";
 * console.log(alphaFromSlider(-40), alphaFromSlider(-39), sliderFromAlpha(0.001)); // 0.01 0.011 -60
 * ```
 */
export function alphaFromSlider(position: number): number {
  return +(10 ** (position / ALPHA_SLIDER_PER_DECADE)).toPrecision(2);
}

/**
 * The slider position nearest a learning rate.
 *
 * @example
 * ```ts
 * import { sliderFromAlpha } from "./explore_core.ts";
 * console.log(sliderFromAlpha(0.05)); // -26
 * ```
 */
export function sliderFromAlpha(alpha: number): number {
  return Math.round(Math.log10(alpha) * ALPHA_SLIDER_PER_DECADE);
}

/**
 * A number with at most two decimals, as text (pixel coordinates in the SVG).
 *
 * @example
 * ```ts
 * import { px } from "./explore_core.ts";
 * console.log(px(1.23456), px(-0.004)); // "1.23" "0"
 * ```
 */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return String(r === 0 ? 0 : r);
}

/**
 * The pixel position of a data coordinate on an axis.
 *
 * @example
 * ```ts
 * import { toPixel } from "./explore_core.ts";
 * console.log(toPixel({ domain: [0, 10], range: [20, 120] }, 5)); // 70
 * ```
 */
export function toPixel(axis: AxisMap, v: number): number {
  const [d0, d1] = axis.domain, [r0, r1] = axis.range;
  return r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

/**
 * The data coordinate of a pixel position on an axis (the inverse of {@link toPixel}).
 *
 * @example
 * ```ts
 * import { fromPixel } from "./explore_core.ts";
 * console.log(fromPixel({ domain: [0, 10], range: [20, 120] }, 70)); // 5
 * ```
 */
export function fromPixel(axis: AxisMap, p: number): number {
  const [d0, d1] = axis.domain, [r0, r1] = axis.range;
  return d0 + (p - r0) / (r1 - r0) * (d1 - d0);
}

/**
 * The SVG path `d` of a run's iterates on the plot (pixels rounded to 0.01).
 *
 * @example
 * ```ts
 * import { pathData } from "./explore_core.ts";
 * const axis = { domain: [0, 1] as [number, number], range: [0, 100] as [number, number] };
 * console.log(pathData([[0, 0], [0.5, 0.25]], axis, axis)); // "M0,0L50,25"
 * ```
 */
export function pathData(
  points: readonly (readonly number[])[],
  x: AxisMap,
  y: AxisMap,
): string {
  return points.length === 0
    ? ""
    : "M" + points.map((p) => `${px(toPixel(x, p[0]))},${px(toPixel(y, p[1]))}`).join("L");
}

const escapeText = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The SVG markup of the runs: a coloured path per run (`data-run` names the
 * contender), a start marker ○ and an end marker (● or × when the run diverged or left the
 * window), all inside a nested `<svg>` that clips them to the plot area.
 *
 * @example
 * ```ts
 * import { runsMarkup } from "./explore_core.ts";
 * const axis = { domain: [0, 1] as [number, number], range: [0, 100] as [number, number] };
 * const svg = runsMarkup([{ name: "GD", color: "red", path: [{ x: [0, 0] }, { x: [1, 1] }], stop: { reason: "budget" } }], axis, axis);
 * console.log(svg.includes('d="M0,0L100,100"')); // true
 * ```
 */
export function runsMarkup(
  runs: readonly {
    name: string;
    color: string;
    path: readonly { x: readonly number[] }[];
    stop: { reason: string };
  }[],
  x: AxisMap,
  y: AxisMap,
): string {
  const left = Math.min(...x.range), top = Math.min(...y.range);
  const w = Math.abs(x.range[1] - x.range[0]), h = Math.abs(y.range[1] - y.range[0]);
  const box = `${px(left)} ${px(top)} ${px(w)} ${px(h)}`;
  const parts = runs.map((run) => {
    const pts = run.path.map((p) => p.x);
    if (pts.length === 0) return "";
    const d = pathData(pts, x, y);
    const name = escapeText(run.name);
    const [sx, sy] = [px(toPixel(x, pts[0][0])), px(toPixel(y, pts[0][1]))];
    const last = pts[pts.length - 1];
    const [ex, ey] = [toPixel(x, last[0]), toPixel(y, last[1])];
    const end = run.stop.reason === "diverged"
      ? `<path d="M${px(ex - 5)},${px(ey - 5)}L${px(ex + 5)},${px(ey + 5)}M${px(ex - 5)},${
        px(ey + 5)
      }L${px(ex + 5)},${px(ey - 5)}" stroke="${run.color}" stroke-width="2.5"/>`
      : `<circle cx="${px(ex)}" cy="${
        px(ey)
      }" r="4.5" fill="${run.color}" stroke="white" stroke-width="1.5"/>`;
    return `<g data-run="${name}"><path class="explore-path" d="${d}" fill="none" stroke="${run.color}" stroke-width="1.8" stroke-linejoin="round"/>` +
      `<circle cx="${sx}" cy="${sy}" r="4.5" fill="white" stroke="${run.color}" stroke-width="2"/>${end}</g>`;
  });
  return `<svg class="explore-runs" x="${px(left)}" y="${px(top)}" width="${px(w)}" height="${
    px(h)
  }" viewBox="${box}" overflow="hidden" aria-hidden="true">${parts.join("")}</svg>`;
}

/**
 * A one-line summary of each run for screen readers (where it ended and why).
 *
 * @example
 * ```ts
 * import { describeRace } from "./explore_core.ts";
 * console.log(describeRace([{ name: "GD", path: [{ x: [1, 2] }, { x: [0.5, 0.25] }], stop: { reason: "budget" } }]));
 * // "GD: 1 step, ended at (0.5, 0.25) (budget)"
 * ```
 */
export function describeRace(
  runs: readonly {
    name: string;
    path: readonly { x: readonly number[] }[];
    stop: { reason: string };
  }[],
): string {
  if (runs.length === 0) return "No optimizer selected.";
  return runs.map((r) => {
    const n = r.path.length - 1;
    const last = r.path[n]?.x ?? [NaN, NaN];
    return `${r.name}: ${n} step${n === 1 ? "" : "s"}, ended at (${+last[0].toFixed(3)}, ${+last[1]
      .toFixed(3)}) (${r.stop.reason})`;
  }).join("; ");
}
