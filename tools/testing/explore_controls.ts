/**
 * Moves every kind of control of an interactive figure (`explore()` in lib/plot) with real clicks
 * and key presses, wherever the figure is shown (a handout, JupyterLab), and checks after each move
 * that the drawn trajectories are exactly the SVG paths the library computes in Deno for the new
 * settings. The figure's configuration is read from the page; the expected settings are worked
 * out here from what was pressed.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import type { ExploreConfig } from "../../lib/plot/explore_client.ts";
import {
  alphaFromSlider,
  EXPLORE_OPTIMIZERS,
  exploreFunctions,
  exploreRuns,
  type ExploreSettings,
  pathData,
  sliderFromAlpha,
  toPixel,
} from "../../lib/plot/explore_core.ts";

/** The d of every drawn run in the live figure, by run name. */
export function drawnPaths(figure: Locator): Promise<Record<string, string>> {
  return figure.locator(".explore-live svg.explore-runs g[data-run]").evaluateAll((gs) =>
    Object.fromEntries(
      gs.map((
        g,
      ) => [g.getAttribute("data-run"), g.querySelector(".explore-path")!.getAttribute("d")]),
    )
  );
}

/** The paths the library computes in Deno for these settings. */
export function expectedPaths(cfg: ExploreConfig, s: ExploreSettings): Record<string, string> {
  const fn = exploreFunctions().find((f) => f.name === cfg.fn)!;
  return Object.fromEntries(
    exploreRuns(fn, s).map((r) => [r.entry.name, pathData(r.path.map((p) => p.x), cfg.x, cfg.y)]),
  );
}

/** What {@link exerciseControls} did. */
export interface ControlsReport {
  /** Checks of the drawn paths against the library's, one per move. */
  checks: number;
  /** The labels of the controls, in Tab order. */
  labels: string[];
}

/**
 * Moves each kind of control of `figure` (a `.course-explore` element): the learning-rate slider,
 * the optimizer dropdown, ρ, ρ1 and ρ2 (when its contenders have them), the race checkbox, the
 * steps slider, a click and a drag on the plot, the arrow keys on the plot, Tab through the
 * controls and reset. The figure must race at least two contenders, the first without ρ1.
 */
export async function exerciseControls(page: Page, figure: Locator): Promise<ControlsReport> {
  await figure.locator(".explore-live").waitFor();
  const cfg = JSON.parse((await figure.getAttribute("data-config"))!) as ExploreConfig;
  const s: ExploreSettings = structuredClone(cfg.settings);
  let checks = 0;
  const check = async (what: string) => {
    assert.deepEqual(await drawnPaths(figure), expectedPaths(cfg, s), what);
    checks++;
  };
  /** Runs `action` and waits until the figure has redrawn. */
  const redrawn = async (action: () => Promise<unknown>) => {
    const before = await figure.getAttribute("data-version");
    await action();
    await figure.evaluate(
      (el, v) =>
        new Promise<void>((resolve) => {
          const poll = () =>
            el.getAttribute("data-version") !== v ? resolve() : setTimeout(poll, 10);
          poll();
        }),
      before,
    );
  };
  const slider = (name: string) => figure.getByRole("slider", { name, exact: true });
  const picker = figure.getByRole("combobox", { name: "optimizer" });
  const select = (i: number) => picker.selectOption({ label: s.entries[i].name });

  await check("the default settings");
  const before = await drawnPaths(figure);
  assert.ok(Object.keys(before).length >= 2, "the figure should race at least two optimizers");
  // The static figure of the default settings is kept (for print and without JavaScript).
  const staticD = await figure.locator(".explore-static").evaluate((box) => {
    // Inline SVG in a handout; a data-URI image of it in a notebook (lib/plot/svg_image.ts).
    const img = box.querySelector("img");
    const svg = img
      ? new DOMParser().parseFromString(
        new TextDecoder().decode(
          Uint8Array.from(atob(img.src.slice(img.src.indexOf(",") + 1)), (c) => c.charCodeAt(0)),
        ),
        "image/svg+xml",
      )
      : box;
    return [...svg.querySelectorAll(".explore-path")].map((p) => p.getAttribute("d"));
  });
  assert.deepEqual(staticD, Object.values(before), "the static figure shows the default runs");

  // Every control has a label and is reached with Tab, in order, after the plot.
  const labels = await figure.locator(
    ".explore-controls input, .explore-controls select, .explore-controls button",
  ).evaluateAll((els) =>
    els.filter((e) => !e.closest("[hidden]")).map((e) =>
      e.getAttribute("aria-label") ?? e.textContent?.trim() ?? ""
    )
  );
  assert.ok(labels.every((l) => l.length > 0), `unlabelled controls: ${labels}`);
  const svg = figure.locator(".explore-live > svg");
  await svg.focus();
  const reached: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    await page.keyboard.press("Tab");
    reached.push(
      await page.evaluate(() =>
        document.activeElement?.getAttribute("aria-label") ??
          document.activeElement?.textContent?.trim() ?? ""
      ),
    );
  }
  assert.deepEqual(reached, labels, "Tab reaches every control in order");

  // The learning rate of the first contender: three notches up the log slider.
  await select(0);
  await slider("learning rate α (log scale)").focus();
  for (let i = 0; i < 3; i++) await redrawn(() => page.keyboard.press("ArrowRight"));
  s.entries[0].alpha = alphaFromSlider(sliderFromAlpha(cfg.settings.entries[0].alpha) + 3);
  await check("α of the first contender three notches up");
  assert.notDeepEqual(await drawnPaths(figure), before);

  // Each hyperparameter slider, one notch down, on the first contender that has it.
  const notch = { rho: 0.01, rho1: 0.01, rho2: 0.001 } as const;
  for (const key of ["rho", "rho1", "rho2"] as const) {
    const i = s.entries.findIndex((e) => key in EXPLORE_OPTIMIZERS[e.kind].hyper);
    if (i < 0) continue;
    await select(i);
    await slider({ rho: "ρ", rho1: "ρ1", rho2: "ρ2" }[key]).focus();
    await redrawn(() => page.keyboard.press("ArrowLeft"));
    const v = s.entries[i][key] ?? EXPLORE_OPTIMIZERS[s.entries[i].kind].hyper[key]!;
    const scale = 1 / notch[key];
    s.entries[i][key] = (Math.round(v * scale) - 1) / scale;
    await check(`${key} of ${s.entries[i].name} one notch down`);
  }

  // Switch the last contender out of the race (a click on its checkbox) and back.
  const last = s.entries.length - 1;
  await select(last);
  const race = figure.getByRole("checkbox", { name: "race it" });
  await redrawn(() => race.click());
  s.entries[last].on = false;
  await check(`${s.entries[last].name} out of the race`);
  await redrawn(() => race.click());
  s.entries[last].on = true;

  // The step budget.
  await slider("steps").focus();
  await redrawn(() => page.keyboard.press("ArrowRight"));
  s.steps += 10;
  await check("steps + 10");

  // A click on the plot moves the start there (to the nearest 0.01).
  await svg.scrollIntoViewIfNeeded();
  const box = (await svg.boundingBox())!;
  const k = box.width / Number(await svg.getAttribute("width"));
  const [[x0, x1], [y0, y1]] = [cfg.x.domain, cfg.y.domain];
  const at = (fx: number, fy: number) => {
    const x = x0 + fx * (x1 - x0), y = y0 + fy * (y1 - y0);
    return {
      data: [x, y],
      page: [box.x + toPixel(cfg.x, x) * k, box.y + toPixel(cfg.y, y) * k] as [number, number],
    };
  };
  const pixel = Math.max(
    (x1 - x0) / Math.abs(cfg.x.range[1] - cfg.x.range[0]),
    (y1 - y0) / Math.abs(cfg.y.range[1] - cfg.y.range[0]),
  ) / k;
  const startShown = async () =>
    JSON.parse(
      (await figure.locator(".explore-start").textContent())!.replace("(", "[").replace(")", "]"),
    ) as [number, number];
  const near = (a: number[], b: number[]) =>
    Math.hypot(a[0] - b[0], a[1] - b[1]) < 2 * pixel + 0.01;
  const click = at(0.7, 0.3);
  await redrawn(() => page.mouse.click(...click.page));
  s.start = await startShown();
  assert.ok(near(s.start, click.data), `clicked at ${click.data}, the start moved to ${s.start}`);
  await check(`start ${s.start} after a click`);

  // A drag: the start follows the pointer.
  const [from, via, to] = [at(0.3, 0.7), at(0.35, 0.75), at(0.4, 0.8)];
  await page.mouse.move(...from.page);
  await page.mouse.down();
  await page.mouse.move(...via.page, { steps: 3 });
  await redrawn(() => page.mouse.move(...to.page));
  await page.mouse.up();
  await page.waitForTimeout(100);
  s.start = await startShown();
  assert.ok(near(s.start, to.data), `dragged to ${to.data}, the start moved to ${s.start}`);
  await check(`start ${s.start} after a drag`);

  // The arrow keys on the plot nudge the start by a fiftieth of the window.
  await svg.focus();
  await redrawn(() => page.keyboard.press("ArrowDown"));
  await redrawn(() => page.keyboard.press("ArrowLeft"));
  const nudge = [+((x1 - x0) / 50).toPrecision(1), +((y1 - y0) / 50).toPrecision(1)];
  const round2 = (v: number) => Math.round(v * 100) / 100;
  s.start = [round2(s.start[0] - nudge[0]), round2(s.start[1] - nudge[1])];
  await check(`start ${s.start} after two arrow keys`);

  // Reset: back to the defaults.
  await redrawn(() => figure.getByRole("button", { name: "reset" }).click());
  assert.deepEqual(await drawnPaths(figure), before, "reset restores the default runs");
  return { checks: checks + 1, labels };
}
