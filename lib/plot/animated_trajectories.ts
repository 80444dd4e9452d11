/**
 * Trajectories that replay themselves: each run's path is drawn step by step with a moving head,
 * over faint copies of the full paths, with a step counter; then it holds and loops. The motion is
 * SVG SMIL (`<animate>`) inside the SVG, so it plays in JupyterLab, in an HTML handout and in
 * headless Chromium without any JavaScript. One step of every run takes the same time, so fast
 * and slow optimizers can be compared by eye.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { document, Figure, plot } from "./figure.ts";
import { type LandscapeOptions, landscapeOptions, type Surface } from "./landscape.ts";
import { knownOptions, number, runColor, runLegend, withLegends } from "./options.ts";
import { describeRuns, markerKey, type Run2D, runPoints } from "./trajectories.ts";

/** Options of {@link animatedTrajectories}. */
export interface AnimationOptions {
  /** Seconds the replay of the longest run takes. */
  duration?: number;
  /** Seconds the final picture stays before the replay starts again. */
  hold?: number;
  /** Replay forever (true) or once and freeze (false). */
  loop?: boolean;
  /** At most this many frames (long runs are subsampled evenly; the last step is kept). */
  maxFrames?: number;
  /** Show a step counter in the corner. */
  counter?: boolean;
  /** Line width in pixels. */
  strokeWidth?: number;
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
  duration: 6,
  hold: 2,
  loop: true,
  maxFrames: 150,
  counter: true,
  strokeWidth: 2,
  width: 560,
  landscape: { fillOpacity: 0.45 },
} as const;

const keys = [
  "duration",
  "hold",
  "loop",
  "maxFrames",
  "counter",
  "strokeWidth",
  "landscape",
  "title",
  "width",
  "caption",
] as const;

const SVG_NS = "http://www.w3.org/2000/svg";
let nextClipId = 0;

function el(name: string, attrs: Record<string, string | number>): Element {
  const e = document.createElementNS(SVG_NS, name) as unknown as Element;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

const r2 = (v: number) => String(Math.round(v * 100) / 100);

/**
 * A ready figure replaying the runs over the function's landscape with SVG animation: legend,
 * marker key, aria label as for {@link trajectories}.
 *
 * @example Two learning rates, replayed in 4 seconds
 * ```ts
 * import { animatedTrajectories } from "./animated_trajectories.ts";
 * const bowl = { name: "bowl", domain: [[-4, 4], [-2, 2]] as const, minima: [[0, 0]], value: ([x, y]: [number, number]) => (x * x + 10 * y * y) / 2 };
 * const gd = (alpha: number) => {
 *   const path = [[-3.5, 1.5]];
 *   for (let t = 0; t < 40; t++) {
 *     const [x, y] = path[path.length - 1];
 *     path.push([x - alpha * x, y - alpha * 10 * y]);
 *   }
 *   return path;
 * };
 * const fig = animatedTrajectories(bowl, [
 *   { name: "α = 0.05", path: gd(0.05) },
 *   { name: "α = 0.18", path: gd(0.18) },
 * ], { duration: 4 });
 * console.log(fig.html.includes("<animate")); // true
 * ```
 */
export function animatedTrajectories(
  fn: Surface,
  runs: readonly Run2D[],
  options: AnimationOptions = {},
): Figure {
  knownOptions("animatedTrajectories", options, keys);
  const {
    duration = defaults.duration,
    hold = defaults.hold,
    loop = defaults.loop,
    maxFrames = defaults.maxFrames,
    counter = defaults.counter,
    strokeWidth = defaults.strokeWidth,
    landscape = {},
    title = fn.name,
    width = defaults.width,
    caption = markerKey(runs),
  } = options;
  number("duration", duration, { positive: true });
  number("hold", hold, { nonNegative: true });
  number("maxFrames", maxFrames, { positive: true, integer: true });
  number("strokeWidth", strokeWidth, { positive: true });
  number("width", width, { positive: true });
  // describeRuns validates the runs (names, paths) before anything is drawn.
  const ariaLabel = `Animated trajectories on ${fn.name}. ${describeRuns(runs)}`;
  runLegend(runs);
  const points = runs.map(runPoints);

  // The static picture: landscape, faint full paths, start markers.
  const base = landscapeOptions(fn, { ...defaults.landscape, ...landscape });
  const ghosts: Plot.Markish[] = runs.flatMap((run, i) =>
    points[i].length === 0 ? [] : [
      Plot.line(points[i], {
        stroke: runColor(run, i),
        strokeOpacity: 0.3,
        strokeWidth: 1,
        clip: true,
      }),
      Plot.dot([points[i][0]], {
        r: 4.5,
        fill: "white",
        stroke: runColor(run, i),
        strokeWidth: 2,
        clip: true,
      }),
    ]
  );
  const fig = plot({
    ...base,
    marks: [...base.marks, ...ghosts],
    title,
    caption,
    width,
    ariaLabel,
  });
  const root = fig.element as Element & { scale(name: string): Plot.Scale | undefined };
  const svg = root.tagName.toLowerCase() === "svg"
    ? root
    : [...root.children].find((c) => c.tagName.toLowerCase() === "svg")!;
  const xs = root.scale("x")!, ys = root.scale("y")!;
  const [left, right] = xs.range as [number, number];
  const [bottom, top] = ys.range as [number, number];

  // Timing: frame j shows step frameStep(j); frames are evenly spaced over `duration`.
  const longest = Math.max(0, ...points.map((p) => p.length - 1));
  const frames = Math.min(longest + 1, maxFrames);
  const frameStep = (j: number) => frames === 1 ? 0 : Math.round(j * longest / (frames - 1));
  const total = duration + hold;
  const keyTime = (j: number) => frames === 1 ? 0 : (j / (frames - 1)) * duration / total;
  const timing = {
    dur: `${r2(total)}s`,
    begin: "0s",
    repeatCount: loop ? "indefinite" : "1",
    fill: "freeze",
  };
  const keyTimes = [...Array.from({ length: frames }, (_, j) => keyTime(j)), 1].map((t) =>
    t.toFixed(4)
  ).join(";");
  const animate = (attributeName: string, values: string[]) =>
    el("animate", {
      attributeName,
      values: [...values, values[values.length - 1]].join(";"),
      keyTimes,
      calcMode: "linear",
      ...timing,
    });

  const clipId = `plot-anim-${++nextClipId}`;
  const defs = el("defs", {});
  const clip = el("clipPath", { id: clipId });
  clip.appendChild(el("rect", { x: left, y: top, width: right - left, height: bottom - top }));
  defs.appendChild(clip);
  svg.appendChild(defs);
  const layer = el("g", { "clip-path": `url(#${clipId})`, "aria-hidden": "true" });
  svg.appendChild(layer);

  runs.forEach((run, i) => {
    const color = runColor(run, i);
    const px = points[i].map(([x, y]) => [xs.apply(x) as number, ys.apply(y) as number]);
    if (px.length === 0) return;
    const n = px.length - 1;
    const cum = [0];
    for (let k = 1; k <= n; k++) {
      cum.push(cum[k - 1] + Math.hypot(px[k][0] - px[k - 1][0], px[k][1] - px[k - 1][1]));
    }
    const length = cum[n];
    const at = (j: number) => Math.min(frameStep(j), n);
    const offsets = Array.from(
      { length: frames },
      (_, j) => length > 0 ? r2(1 - cum[at(j)] / length) : "0",
    );
    const d = "M" + px.map(([x, y]) => `${r2(x)},${r2(y)}`).join("L");
    for (
      const [stroke, widthPx, opacity] of [["white", strokeWidth + 2.5, 0.8], [
        color,
        strokeWidth,
        1,
      ]] as const
    ) {
      const trail = el("path", {
        d,
        fill: "none",
        stroke,
        "stroke-width": widthPx,
        "stroke-opacity": opacity,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
        pathLength: 1,
        "stroke-dasharray": "1 1",
        "stroke-dashoffset": offsets[0],
      });
      trail.appendChild(animate("stroke-dashoffset", offsets));
      layer.appendChild(trail);
    }
    // The moving head.
    const head = el("circle", {
      cx: r2(px[0][0]),
      cy: r2(px[0][1]),
      r: 4,
      fill: color,
      stroke: "white",
      "stroke-width": 1.5,
    });
    head.appendChild(animate("cx", Array.from({ length: frames }, (_, j) => r2(px[at(j)][0]))));
    head.appendChild(animate("cy", Array.from({ length: frames }, (_, j) => r2(px[at(j)][1]))));
    layer.appendChild(head);
    // The end marker appears when the run has finished.
    const done = Array.from({ length: frames }, (_, j) => j).find((j) => frameStep(j) >= n) ??
      frames - 1;
    const [ex, ey] = px[n];
    const diverged = run.stop?.reason === "diverged";
    const end = diverged
      ? el("path", {
        d: `M${r2(ex - 5)},${r2(ey - 5)}L${r2(ex + 5)},${r2(ey + 5)}M${r2(ex - 5)},${r2(ey + 5)}L${
          r2(ex + 5)
        },${r2(ey - 5)}`,
        stroke: color,
        "stroke-width": 2.5,
        opacity: done === 0 ? 1 : 0,
      })
      : el("circle", {
        cx: r2(ex),
        cy: r2(ey),
        r: 4.5,
        fill: color,
        stroke: "white",
        "stroke-width": 1.5,
        opacity: done === 0 ? 1 : 0,
      });
    if (done > 0) end.appendChild(discrete([0, 1], [0, keyTime(done)], timing));
    layer.appendChild(end);
  });

  if (counter && frames > 1) {
    const g = el("g", {
      "font-size": 12,
      "text-anchor": "end",
      "paint-order": "stroke",
      stroke: "white",
      "stroke-width": 3,
      fill: "black",
      "font-variant": "tabular-nums",
    });
    for (let j = 0; j < frames; j++) {
      const text = el("text", { x: right - 6, y: top + 16, opacity: j === 0 ? 1 : 0 });
      text.textContent = `step ${frameStep(j)}`;
      const [values, times] = j === 0
        ? [[1, 0], [0, keyTime(1)]]
        : j === frames - 1
        ? [[0, 1], [0, keyTime(j)]]
        : [[0, 1, 0], [0, keyTime(j), keyTime(j + 1)]];
      text.appendChild(discrete(values, times, timing));
      g.appendChild(text);
    }
    layer.appendChild(g);
  }
  return new Figure(withLegends(root, [runLegend(runs)]), ariaLabel);
}

function discrete(values: number[], times: number[], timing: Record<string, string>): Element {
  return el("animate", {
    attributeName: "opacity",
    values: values.join(";"),
    keyTimes: times.map((t) => t.toFixed(4)).join(";"),
    calcMode: "discrete",
    ...timing,
  });
}
