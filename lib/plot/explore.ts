/**
 * An interactive landscape-and-trajectories figure: the reader drags the start point, moves the
 * learning rate (a log slider), ρ / ρ1 / ρ2, the step budget, switches optimizers in and out of
 * the race, and the course's own optimizers rerun in the browser at once.
 *
 * The Deno kernel cannot receive values from widgets, but the library is TypeScript: the output
 * carries the library itself, bundled for the browser (`explore_bundle.ts`), next to a static SVG
 * of the default settings drawn here with the same code (`explore_core.ts`). Without JavaScript
 * (an untrusted notebook, a printed handout) the static figure is what shows.
 *
 * @module
 */

import type * as Plot from "@observablehq/plot";
import type { TestFunction2D } from "../functions/test_function.ts";
import { plot } from "./figure.ts";
import type { MimeBundle } from "./figure.ts";
import { type Domain2D, landscapeOptions } from "./landscape.ts";
import { invalid, knownOptions, number, palette } from "./options.ts";
import { exploreBundle } from "./explore_bundle.ts";
import { svgImages } from "./svg_image.ts";
import type { ExploreConfig } from "./explore_client.ts";
import {
  describeRace,
  EXPLORE_OPTIMIZERS,
  type ExploreEntry,
  exploreFunctions,
  type ExploreHyper,
  exploreRuns,
  runsMarkup,
  sliderFromAlpha,
} from "./explore_core.ts";

/** A contender: an optimizer kind (`"adam"`) or a kind with settings. */
export type ExploreContender =
  | string
  | {
    /** A key of `EXPLORE_OPTIMIZERS`: sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, … */
    kind: string;
    /** The learning rate (default: the kind's). */
    alpha?: number;
    rho?: number;
    rho1?: number;
    rho2?: number;
    /** Legend name (default: the kind's label). */
    name?: string;
    /** CSS colour (default: the palette's). */
    color?: string;
    /** Whether it races at first (default true). */
    on?: boolean;
  };

/** Options of {@link explore}. */
export interface ExploreOptions {
  /** The contenders (default: GD, momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam, AdaBelief). */
  optimizers?: readonly ExploreContender[];
  /** θ^(0) (default: the record's start). */
  start?: readonly [number, number];
  /** The step budget (default 300). */
  steps?: number;
  /** The largest budget the steps slider offers (default 3000). */
  stepsMax?: number;
  /** The learning-rate slider's range (default [1e-4, 10]). */
  alphaRange?: readonly [number, number];
  /** Which contender the controls show first (index, default 0). */
  selected?: number;
  /** The plot window (default: the record's domain). */
  domain?: Domain2D;
  /** The title (default: the function's name). */
  title?: string;
  /** A sentence under the figure (default: how to use it). */
  caption?: string;
  /** Plot width in pixels (default 560). */
  width?: number;
}

const defaults = {
  optimizers: [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adabelief",
  ],
  steps: 300,
  stepsMax: 3000,
  alphaRange: [1e-4, 10],
  width: 560,
  caption:
    "○ start · ● end · × in a run's colour: it left the window or diverged (★ and a black × " +
    "mark the function's minima and saddle points). Click or drag on the plot (or use " +
    "the arrow keys) to move the start; pick an optimizer and move its sliders: the runs are " +
    "recomputed in your browser by the course's own code.",
} as const;

const keys = [
  "optimizers",
  "start",
  "steps",
  "stepsMax",
  "alphaRange",
  "selected",
  "domain",
  "title",
  "caption",
  "width",
] as const;

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Styles of the figure, scoped to it; print shows the static figure of the default settings. */
const STYLE = `<style>
.course-explore{margin:0.5em 0;font:13px system-ui,sans-serif}
.course-explore .explore-title{font-weight:600;font-size:14px;margin:0 0 0.3em}
.course-explore .explore-legend span{margin-right:1em;white-space:nowrap}
.course-explore .explore-legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.course-explore[data-live] .explore-static{display:none}
.course-explore .explore-controls{display:flex;flex-wrap:wrap;gap:0.4em 1.2em;align-items:center;margin:0.4em 0}
.course-explore .explore-controls label{display:inline-flex;gap:0.3em;align-items:center}
.course-explore .explore-controls [hidden]{display:none}
.course-explore .explore-controls output{min-width:3.5em;font-variant-numeric:tabular-nums}
.course-explore .explore-status{color:#444;margin:0.3em 0}
.course-explore svg[tabindex]:focus-visible{outline:2px solid #4269d0}
@media print{.course-explore[data-live] .explore-static{display:block}
.course-explore .explore-live,.course-explore .explore-controls,.course-explore .explore-status{display:none}}
</style>`;

/**
 * An interactive figure: its markup (the static SVG and the configuration), the script that
 * brings it to life, and the MIME bundle the Deno kernel shows.
 */
export class InteractiveFigure {
  /** The figure's markup without the script (what prints and what shows without JavaScript). */
  readonly html: string;
  /** A short description (the text/plain fallback). */
  readonly label: string;
  /** The configuration the browser reads. */
  readonly config: ExploreConfig;

  constructor(html: string, label: string, config: ExploreConfig) {
    this.html = html;
    this.label = label;
    this.config = config;
  }

  /** The figure's script: the browser build of the library (the same for every figure). */
  get script(): string {
    return exploreBundle();
  }

  /**
   * HTML with the figure, then its script; the handouts keep one copy of the script per page. The
   * static SVG travels as a data-URI image (`svg_image.ts`), which JupyterLab keeps in an untrusted
   * notebook; the script, and the handouts, turn it back into the SVG.
   */
  toMimeBundle(): MimeBundle {
    return {
      "text/html": `${
        svgImages(this.html)
      }\n<script data-course-explore="bundle">${this.script}</script>`,
      "text/plain": `[interactive figure: ${this.label}]`,
    };
  }

  /** What the Deno kernel calls to display this value. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return this.toMimeBundle();
  }
}

function contender(c: ExploreContender, i: number): ExploreEntry {
  const spec = typeof c === "string" ? { kind: c } : c;
  const kind = EXPLORE_OPTIMIZERS[spec?.kind];
  if (!kind) {
    throw invalid(
      "optimizer",
      typeof c === "string" ? c : JSON.stringify(c),
      `expected one of ${Object.keys(EXPLORE_OPTIMIZERS).join(", ")}`,
    );
  }
  const alpha = number("alpha", spec.alpha ?? kind.alpha, { positive: true });
  const entry: ExploreEntry = {
    kind: spec.kind,
    alpha,
    on: spec.on ?? true,
    name: spec.name ?? kind.label,
    color: spec.color ?? palette[i % palette.length],
  };
  for (const k of Object.keys(kind.hyper) as ExploreHyper[]) {
    const v = spec[k] ?? kind.hyper[k]!;
    if (!(v >= 0 && v < 1)) throw invalid(k, v, "expected a number in [0, 1)");
    entry[k] = v;
  }
  for (const k of ["rho", "rho1", "rho2"] as const) {
    if (spec[k] !== undefined && !(k in kind.hyper)) {
      throw invalid(k, spec[k], `${spec.kind} has no ${k}`);
    }
  }
  return entry;
}

/**
 * An interactive race over a test function's landscape: controls for the learning rate (log
 * slider), ρ / ρ1 / ρ2, the step budget and which optimizers race, and the start point set by a
 * click or drag on the plot (or the arrow keys). Shown in JupyterLab when the notebook is trusted
 * and in the handouts; otherwise, and in print, the static figure of the default settings.
 *
 * @example Momentum against gradient descent on Beale's function
 * ```ts
 * import { beale } from "../functions/mod.ts";
 * import { explore } from "./explore.ts";
 * const fig = explore(beale, {
 *   optimizers: ["sgd", { kind: "momentum", alpha: 0.001, rho: 0.9 }],
 *   steps: 200,
 * });
 * console.log(fig.html.includes('class="explore-runs"'), fig.config.settings.entries.length); // true 2
 * ```
 */
export function explore(fn: TestFunction2D, options: ExploreOptions = {}): InteractiveFigure {
  knownOptions("explore", options, keys);
  const known = exploreFunctions().find((f) => f.name === fn?.name);
  if (!known) {
    throw invalid(
      "function",
      fn?.name ?? fn,
      `explore() draws the records whose derivatives its browser bundle carries: ${
        exploreFunctions().map((f) => f.name).join(", ")
      }`,
    );
  }
  const {
    optimizers = defaults.optimizers,
    steps = defaults.steps,
    stepsMax = defaults.stepsMax,
    alphaRange = defaults.alphaRange,
    selected = 0,
    title = fn.name,
    caption = defaults.caption,
    width = defaults.width,
  } = options;
  number("steps", steps, { positive: true, integer: true });
  number("stepsMax", stepsMax, { positive: true, integer: true });
  number("width", width, { positive: true });
  if (!Array.isArray(optimizers) || optimizers.length === 0) {
    throw invalid("optimizers", optimizers, 'expected a non-empty list such as ["sgd", "adam"]');
  }
  if (
    !Array.isArray(alphaRange) || !(alphaRange[0] > 0) || !(alphaRange[1] > alphaRange[0])
  ) throw invalid("alphaRange", alphaRange, "expected [low, high] with 0 < low < high");
  const start = options.start ?? fn.start;
  if (!Array.isArray(start) || start.length !== 2 || !start.every(Number.isFinite)) {
    throw invalid("start", start, "expected [x, y]");
  }
  const entries = optimizers.map(contender);
  const names = entries.map((e) => e.name);
  if (new Set(names).size !== names.length) {
    throw invalid("optimizers", names, "give contenders of the same kind distinct names");
  }
  const domain = options.domain ?? fn.domain;
  const settings = { start: [start[0], start[1]] as [number, number], steps, entries };
  const runs = exploreRuns(fn, settings);

  const base = landscapeOptions(fn, { domain, fillOpacity: 0.45 });
  const ariaLabel = `Interactive trajectories on ${fn.name}. Default settings: ${
    describeRace(runs.map((r) => ({ name: r.entry.name, path: r.path, stop: r.stop })))
  }`;
  const fig = plot({ ...base, width, ariaLabel });
  const svg = fig.element as Element & { scale(name: string): Plot.Scale | undefined };
  const axis = (name: string) => {
    const s = svg.scale(name) as unknown as { domain: number[]; range: number[] };
    return {
      domain: [Number(s.domain[0]), Number(s.domain[1])] as [number, number],
      range: [Number(s.range[0]), Number(s.range[1])] as [number, number],
    };
  };
  const config: ExploreConfig = {
    fn: fn.name,
    x: axis("x"),
    y: axis("y"),
    settings,
    alphaSlider: [sliderFromAlpha(alphaRange[0]), sliderFromAlpha(alphaRange[1])],
    stepsMax: Math.max(stepsMax, steps),
    selected,
  };
  const layer = runsMarkup(
    runs.map((r) => ({ name: r.entry.name, color: r.entry.color, path: r.path, stop: r.stop })),
    config.x,
    config.y,
  );
  const plotHtml = fig.html.replace(/<\/svg>\s*$/, `${layer}</svg>`);
  const legend = entries.map((e) =>
    `<span><i style="background:${e.color}"></i>${escapeHtml(e.name)}</span>`
  ).join("");
  const html = `<div class="course-explore" data-config="${
    escapeHtml(JSON.stringify(config))
  }">${STYLE}<div class="explore-title">${
    escapeHtml(title)
  }</div><div class="explore-legend">${legend}</div><div class="explore-static">${plotHtml}</div><p class="explore-caption">${
    escapeHtml(caption)
  }</p></div>`;
  return new InteractiveFigure(html, ariaLabel, config);
}
