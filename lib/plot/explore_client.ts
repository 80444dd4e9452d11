/**
 * The browser side of {@link explore} (`explore.ts`): bundled with the optimizers, the test
 * functions and their derivatives into one script (`explore_bundle.ts`), it finds every
 * interactive figure on the page, adds its controls and reruns the race whenever one moves.
 *
 * The page may not compile code at run time (the handouts' Content-Security-Policy allows only
 * the course's own script), so the compiled derivatives arrive precompiled: the bundle's entry
 * passes the kernels `compileValueAndGrad` wrote in Deno, and {@link withKernels} puts them in
 * the records, where `minimize` finds them. Same code, same numbers, bit for bit.
 *
 * @module
 */

import type { TestFunction2D } from "../functions/test_function.ts";
import {
  alphaFromSlider,
  type AxisMap,
  describeRace,
  EXPLORE_OPTIMIZERS,
  type ExploreEntry,
  exploreFunctions,
  type ExploreHyper,
  exploreRuns,
  type ExploreSettings,
  fromPixel,
  runsMarkup,
  sliderFromAlpha,
} from "./explore_core.ts";

/** A compiled kernel: reads the inputs `X`, writes the gradient into `G`, returns the value. */
export type Kernel = (X: ArrayLike<number>, G: number[]) => number;

/** The configuration {@link explore} writes into the figure's `data-config`. */
export interface ExploreConfig {
  /** The test function's name (a record of `exploreFunctions()`). */
  fn: string;
  /** The plot's axes: data window and pixels. */
  x: AxisMap;
  y: AxisMap;
  /** The default settings (what the static figure shows). */
  settings: ExploreSettings;
  /** The learning-rate slider's range (slider positions, see `sliderFromAlpha`). */
  alphaSlider: [number, number];
  /** The largest step budget the steps slider offers. */
  stepsMax: number;
  /** The contender the controls show first. */
  selected: number;
}

/**
 * A record whose value-and-gradient and Hessian-vector product are precompiled kernels (the same
 * JavaScript the record compiles for itself in Deno).
 *
 * @example
 * ```ts
 * import { compileValueAndGrad, type Tensor } from "../autodiff/mod.ts";
 * import { beale } from "../functions/mod.ts";
 * import { withKernels } from "./explore_client.ts";
 * const c = compileValueAndGrad((p: Tensor) => beale.f(p), [0.5, 0.5]);
 * const fn = withKernels(beale, c.into, c.into);
 * console.log(fn.valueAndGrad([1, 1.5])[1]); // [34.5, 92.5]
 * ```
 */
export function withKernels(fn: TestFunction2D, vg: Kernel, hv: Kernel): TestFunction2D {
  const valueAndGrad = (p: readonly number[]): [number, number[]] => {
    const G = new Array<number>(2);
    const v = vg(p, G);
    return [v, G];
  };
  return {
    ...fn,
    valueAndGrad,
    grad: (p) => {
      const g = valueAndGrad(p)[1];
      return [g[0], g[1]];
    },
    hvp: (p, v) => {
      const out = new Array<number>(4);
      hv([p[0], p[1], v[0], v[1]], out);
      return out.slice(0, 2);
    },
  };
}

/** What the bundle puts on `globalThis.courseExplore` (for the tests and the curious). */
export interface ExploreGlobal {
  /** The iterates of every switched-on run for these settings, as the figure computes them. */
  runs(fn: string, settings: ExploreSettings): number[][][];
  /** Redraw times in milliseconds, most recent last. */
  timings: number[];
  /** Mounts every figure on the page not mounted yet. */
  mountAll(): void;
}

const HYPER_LABEL: Record<ExploreHyper, string> = { rho: "ρ", rho1: "ρ1", rho2: "ρ2" };
/** Slider positions of each hyperparameter: value = position / scale. */
const HYPER_SLIDER: Record<ExploreHyper, { min: number; max: number; scale: number }> = {
  rho: { min: 0, max: 99, scale: 100 },
  rho1: { min: 0, max: 99, scale: 100 },
  rho2: { min: 900, max: 999, scale: 1000 },
};

const round2 = (v: number) => Math.round(v * 100) / 100 + 0;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A labelled slider: `<label>name <input type=range> <output></label>`. */
function slider(name: string, min: number, max: number, step: number, value: number) {
  const label = element("label", { class: "explore-slider" });
  const span = element("span", {}, name);
  const input = element("input", {
    type: "range",
    min: String(min),
    max: String(max),
    step: String(step),
    "aria-label": name,
  });
  input.value = String(value);
  const output = element("output", { "aria-live": "off" });
  label.append(span, " ", input, " ", output);
  return { label, input, output };
}

/** Adds the controls to one figure and wires them to the race. */
function mount(root: HTMLElement, fns: Map<string, TestFunction2D>, timings: number[]): void {
  root.setAttribute("data-live", "true");
  // Keys pressed on the controls are the figure's: JupyterLab must not take them as shortcuts.
  root.addEventListener("keydown", (e) => e.stopPropagation());
  const cfg = JSON.parse(root.getAttribute("data-config")!) as ExploreConfig;
  const fn = fns.get(cfg.fn);
  if (!fn) throw new Error(`interactive figure: unknown function ${cfg.fn}`);
  const settings: ExploreSettings = structuredClone(cfg.settings);
  const staticBox = root.querySelector<HTMLElement>(".explore-static")!;
  const live = staticBox.cloneNode(true) as HTMLElement;
  live.className = "explore-live";
  // In a notebook the static SVG arrives as a data-URI image (lib/plot/svg_image.ts): the live
  // figure needs the SVG itself.
  const image = live.querySelector<HTMLImageElement>("img[data-inline-svg]");
  if (image) {
    const base64 = image.src.slice(image.src.indexOf(",") + 1);
    live.innerHTML = new TextDecoder().decode(
      Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
    );
  }
  staticBox.querySelector("svg, img")?.setAttribute("aria-hidden", "true");
  staticBox.after(live);
  const plotSvg = live.querySelector("svg") as SVGSVGElement;
  plotSvg.setAttribute("tabindex", "0");
  plotSvg.setAttribute("focusable", "true");
  const title = plotSvg.getAttribute("aria-label") ?? fn.name;
  plotSvg.setAttribute(
    "aria-label",
    `${title}. Start point: click or drag on the plot, or use the arrow keys.`,
  );
  plotSvg.style.cursor = "crosshair";
  plotSvg.style.touchAction = "none";

  // The controls.
  const controls = element("div", { class: "explore-controls" });
  let selected = Math.min(Math.max(0, cfg.selected), settings.entries.length - 1);
  const picker = element("label", { class: "explore-picker" });
  const select = element("select", { "aria-label": "optimizer" });
  settings.entries.forEach((e, i) =>
    select.append(element("option", { value: String(i) }, e.name))
  );
  select.value = String(selected);
  picker.append(element("span", {}, "optimizer"), " ", select);
  const raceLabel = element("label", { class: "explore-race" });
  const race = element("input", { type: "checkbox", "aria-label": "race it" });
  raceLabel.append(race, " race it");
  const alpha = slider(
    "learning rate α (log scale)",
    cfg.alphaSlider[0],
    cfg.alphaSlider[1],
    1,
    0,
  );
  const hypers = (Object.keys(HYPER_SLIDER) as ExploreHyper[]).map((k) => {
    const s = HYPER_SLIDER[k];
    return { key: k, ...slider(HYPER_LABEL[k], s.min, s.max, 1, s.min) };
  });
  const steps = slider("steps", 10, cfg.stepsMax, 10, settings.steps);
  const startOut = element("output", { class: "explore-start" });
  const startLabel = element("span", { class: "explore-start-label" }, "start ");
  startLabel.append(startOut);
  const reset = element("button", { type: "button" }, "reset");
  const status = element("p", { class: "explore-status", "aria-live": "polite" });
  controls.append(
    ...(settings.entries.length > 1 ? [picker] : []),
    raceLabel,
    alpha.label,
    ...hypers.map((h) => h.label),
    steps.label,
    startLabel,
    reset,
  );
  live.after(controls);
  controls.after(status);

  const entry = (): ExploreEntry => settings.entries[selected];
  /** Shows the selected contender's settings in the controls. */
  const sync = () => {
    const e = entry();
    const spec = EXPLORE_OPTIMIZERS[e.kind];
    race.checked = e.on;
    alpha.input.value = String(sliderFromAlpha(e.alpha));
    alpha.output.textContent = `${e.alpha}`;
    for (const h of hypers) {
      const has = h.key in spec.hyper;
      h.label.hidden = !has;
      if (has) {
        const v = e[h.key] ?? spec.hyper[h.key]!;
        h.input.value = String(Math.round(v * HYPER_SLIDER[h.key].scale));
        h.output.textContent = String(v);
      }
    }
    steps.output.textContent = String(settings.steps);
    startOut.textContent = `(${settings.start[0]}, ${settings.start[1]})`;
  };
  let runsEl = live.querySelector("svg.explore-runs")!;
  const redraw = () => {
    const t0 = performance.now();
    const runs = exploreRuns(fn, settings);
    const markup = runsMarkup(
      runs.map((r) => ({ name: r.entry.name, color: r.entry.color, path: r.path, stop: r.stop })),
      cfg.x,
      cfg.y,
    );
    runsEl.insertAdjacentHTML("afterend", markup);
    const next = runsEl.nextElementSibling!;
    runsEl.remove();
    runsEl = next;
    timings.push(performance.now() - t0);
    status.textContent = describeRace(
      runs.map((r) => ({ name: r.entry.name, path: r.path, stop: r.stop })),
    );
    sync();
    root.setAttribute("data-version", String(Number(root.getAttribute("data-version") ?? 0) + 1));
  };

  select.addEventListener("change", () => {
    selected = Number(select.value);
    sync();
  });
  race.addEventListener("change", () => {
    entry().on = race.checked;
    redraw();
  });
  alpha.input.addEventListener("input", () => {
    entry().alpha = alphaFromSlider(Number(alpha.input.value));
    redraw();
  });
  for (const h of hypers) {
    h.input.addEventListener("input", () => {
      entry()[h.key] = Number(h.input.value) / HYPER_SLIDER[h.key].scale;
      redraw();
    });
  }
  steps.input.addEventListener("input", () => {
    settings.steps = Number(steps.input.value);
    redraw();
  });
  reset.addEventListener("click", () => {
    Object.assign(settings, structuredClone(cfg.settings));
    redraw();
  });

  // The start point: click or drag on the plot, or the arrow keys.
  const [[x0, x1], [y0, y1]] = [cfg.x.domain, cfg.y.domain];
  const clamp = (v: number, a: number, b: number) => Math.min(Math.max(v, a), b);
  const setStart = (x: number, y: number) => {
    settings.start = [round2(clamp(x, x0, x1)), round2(clamp(y, y0, y1))];
  };
  const fromEvent = (e: PointerEvent) => {
    const ctm = plotSvg.getScreenCTM();
    if (!ctm) return;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    setStart(fromPixel(cfg.x, p.x), fromPixel(cfg.y, p.y));
  };
  let dragging = false, pending = false;
  plotSvg.addEventListener("pointerdown", (e) => {
    dragging = true;
    plotSvg.setPointerCapture?.(e.pointerId);
    fromEvent(e);
    redraw();
  });
  plotSvg.addEventListener("pointermove", (e) => {
    if (!dragging) return;
    fromEvent(e);
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      redraw();
    });
  });
  const stop = () => dragging = false;
  plotSvg.addEventListener("pointerup", stop);
  plotSvg.addEventListener("pointercancel", stop);
  const nudge = [+((x1 - x0) / 50).toPrecision(1), +((y1 - y0) / 50).toPrecision(1)];
  plotSvg.addEventListener("keydown", (e) => {
    const move: Record<string, [number, number]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, 1],
      ArrowDown: [0, -1],
    };
    const m = move[e.key];
    if (!m) return;
    e.preventDefault();
    setStart(settings.start[0] + m[0] * nudge[0], settings.start[1] + m[1] * nudge[1]);
    redraw();
  });
  redraw();
}

/**
 * Mounts every interactive figure of the page (and the one just before the running script, which
 * JupyterLab may not have attached to the page yet), and sets `globalThis.courseExplore`.
 *
 * @example In a browser page holding the figures and this bundle
 * ```ts ignore
 * start({ Beale: [vg, hvp] });
 * ```
 */
export function start(kernels: Record<string, [Kernel, Kernel]>): void {
  const fns = new Map<string, TestFunction2D>();
  for (const f of exploreFunctions()) {
    const k = kernels[f.name];
    fns.set(f.name, k ? withKernels(f, k[0], k[1]) : f);
  }
  const g = globalThis as unknown as { courseExplore?: ExploreGlobal };
  const timings = g.courseExplore?.timings ?? [];
  const current = document.currentScript?.previousElementSibling;
  const mountAll = () => {
    const roots = [...document.querySelectorAll<HTMLElement>(".course-explore:not([data-live])")];
    if (current instanceof HTMLElement && current.matches(".course-explore:not([data-live])")) {
      if (!roots.includes(current)) roots.push(current);
    }
    for (const root of roots) {
      try {
        mount(root, fns, timings);
      } catch (err) {
        root.setAttribute("data-error", String(err));
        console.error(err);
      }
    }
  };
  g.courseExplore = {
    runs: (name, settings) => {
      const fn = fns.get(name);
      if (!fn) throw new Error(`unknown function ${name}`);
      return exploreRuns(fn, settings).map((r) => r.path.map((p) => p.x));
    },
    timings,
    mountAll,
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else mountAll();
}
