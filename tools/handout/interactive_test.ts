/**
 * The interactive figures (`explore()` in lib/plot) in real headless Chromium: the browser bundle
 * computes exactly the library's iterates, and in a handout (the real renderer, its
 * Content-Security-Policy, no network) every kind of control, moved by real clicks and key
 * presses, redraws the trajectories the library computes for the new settings.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { beale, saddle } from "../../lib/functions/mod.ts";
import type { TestFunction2D } from "../../lib/functions/test_function.ts";
import { explore } from "../../lib/plot/explore.ts";
import type { ExploreConfig } from "../../lib/plot/explore_client.ts";
import {
  alphaFromSlider,
  EXPLORE_OPTIMIZERS,
  exploreRuns,
  type ExploreSettings,
  pathData,
  sliderFromAlpha,
  toPixel,
} from "../../lib/plot/explore_core.ts";
import type { Notebook } from "../exercises.ts";
import { offlineBrowser } from "./browser.ts";
import { renderNotebook, scriptHash } from "./render.ts";

/** A one-cell executed notebook whose output is `fig`, rendered as a handout page. */
async function handoutWith(fig: ReturnType<typeof explore>, dir: string): Promise<string> {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
    cells: [
      { cell_type: "markdown", id: "a", metadata: {}, source: "# Playground" },
      {
        cell_type: "code",
        id: "b",
        metadata: {},
        execution_count: 1,
        source: "explore(beale)",
        outputs: [{ output_type: "display_data", metadata: {}, data: fig.toMimeBundle() }],
      },
    ],
  } as unknown as Notebook;
  const { html, problems } = renderNotebook(nb, { edition: "instructor", stem: "99_play", dir });
  assert.deepEqual(problems, []);
  const file = `${dir}/99_play.html`;
  await Deno.writeTextFile(file, html);
  return file;
}

Deno.test("explore's browser bundle computes bit for bit the library's iterates for every optimizer on Beale and the saddle", async () => {
  const dir = await Deno.makeTempDir({ prefix: "explore-bundle-" });
  const browser = await offlineBrowser();
  try {
    const fig = explore(beale, { optimizers: ["adam"] });
    const js = fig.script;
    // A page with the handouts' policy: no eval, only this script.
    const file = `${dir}/bundle.html`;
    await Deno.writeTextFile(
      file,
      `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${
        scriptHash(js)
      }"></head><body><script>${js}</script></body></html>`,
    );
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`file://${file}`);
    const cases: [TestFunction2D, [number, number], number][] = [
      [beale, [1, 1.5], 1500],
      [beale, [-2.3, 2.9], 400],
      [saddle, [-1.5, 0.01], 300],
      [saddle, [1.2, -0.3], 300],
    ];
    let iterates = 0;
    for (const [fn, start, steps] of cases) {
      for (const kind of Object.keys(EXPLORE_OPTIMIZERS)) {
        const settings: ExploreSettings = {
          start,
          steps,
          entries: [{
            kind,
            alpha: EXPLORE_OPTIMIZERS[kind].alpha,
            on: true,
            name: kind,
            color: "red",
          }],
        };
        const expected = exploreRuns(fn, settings).map((r) => r.path.map((p) => p.x));
        const got = await page.evaluate(
          ([name, s]) =>
            (globalThis as unknown as {
              courseExplore: { runs(n: string, s: unknown): number[][][] };
            }).courseExplore.runs(name, s),
          [fn.name, settings] as const,
        );
        assert.ok(expected[0].length > 1, `${fn.name}/${kind}: the run has no steps`);
        // deepStrictEqual compares numbers with Object.is: bit for bit (and -0 ≠ 0).
        assert.deepStrictEqual(got, expected, `${fn.name} from ${start}, ${kind}`);
        iterates += expected[0].length;
      }
    }
    assert.deepEqual(errors, []);
    assert.deepEqual(browser.blocked, []);
    console.log(`${iterates} iterates equal; bundle ${(js.length / 1024).toFixed(1)} KiB`);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** The d of every drawn run in the live figure, by run name. */
function drawnPaths(page: Page): Promise<Record<string, string>> {
  return page.$$eval(
    ".explore-live svg.explore-runs g[data-run]",
    (gs) =>
      Object.fromEntries(
        gs.map((
          g,
        ) => [g.getAttribute("data-run"), g.querySelector(".explore-path")!.getAttribute("d")]),
      ),
  );
}

/** The paths the library computes in Deno for these settings. */
function expectedPaths(fn: TestFunction2D, cfg: ExploreConfig, s: ExploreSettings) {
  return Object.fromEntries(
    exploreRuns(fn, s).map((r) => [r.entry.name, pathData(r.path.map((p) => p.x), cfg.x, cfg.y)]),
  );
}

/** Runs `action` and waits until the figure has redrawn. */
async function redrawn(page: Page, action: () => Promise<unknown>): Promise<void> {
  const before = await page.getAttribute(".course-explore", "data-version");
  await action();
  await page.waitForFunction(
    (v) => document.querySelector(".course-explore")!.getAttribute("data-version") !== v,
    before,
  );
}

Deno.test("explore in a handout: every control, moved by real clicks and keys, redraws what the library computes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "explore-handout-" });
  const browser = await offlineBrowser({ width: 900, height: 1000 });
  try {
    const fig = explore(beale, {
      optimizers: ["sgd", { kind: "momentum", alpha: 0.001, rho: 0.9 }, "adam"],
      steps: 200,
    });
    const cfg = fig.config;
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`file://${await handoutWith(fig, dir)}`);
    await page.waitForSelector(".course-explore[data-live]");
    const s: ExploreSettings = structuredClone(cfg.settings);
    const check = async (what: string) =>
      assert.deepEqual(await drawnPaths(page), expectedPaths(beale, cfg, s), what);
    await check("the default settings");
    const before = await drawnPaths(page);
    // The static figure of the default settings is kept (for print) and shows the same runs.
    const staticD = await page.$$eval(
      ".explore-static .explore-path",
      (ps) => ps.map((p) => p.getAttribute("d")),
    );
    assert.deepEqual(staticD, Object.values(before));

    // Every control has a label and is reached with Tab, in order.
    const labels = await page.$$eval(
      ".explore-controls input, .explore-controls select, .explore-controls button",
      (els) =>
        els.filter((e) => !(e.closest("[hidden]"))).map((e) =>
          (e.closest("label")?.textContent ?? e.textContent ?? "").trim()
        ),
    );
    assert.ok(labels.every((l) => l.length > 0), `unlabelled controls: ${labels}`);
    await page.focus(".explore-live svg");
    const reached: string[] = [];
    for (let i = 0; i < labels.length; i++) {
      await page.keyboard.press("Tab");
      reached.push(
        await page.evaluate(() =>
          (document.activeElement?.closest("label")?.textContent ??
            document.activeElement?.textContent ?? "").trim()
        ),
      );
    }
    assert.deepEqual(reached, labels);

    // The learning rate of GD: three key presses up the log slider.
    const alpha = page.getByRole("slider", { name: "learning rate α (log scale)", exact: true });
    await alpha.focus();
    for (let i = 0; i < 3; i++) await redrawn(page, () => page.keyboard.press("ArrowRight"));
    s.entries[0].alpha = alphaFromSlider(sliderFromAlpha(cfg.settings.entries[0].alpha) + 3);
    await check("α of GD moved up three notches");
    assert.notDeepEqual(await drawnPaths(page), before);

    // The dropdown: momentum; its ρ slider, one notch down.
    await page.getByRole("combobox", { name: "optimizer" }).selectOption({ label: "momentum" });
    const rho = page.getByRole("slider", { name: "ρ", exact: true });
    await rho.focus();
    await redrawn(page, () => page.keyboard.press("ArrowLeft"));
    s.entries[1].rho = 0.89;
    await check("ρ of momentum 0.89");

    // Adam: ρ1 and ρ2, and switch it out of the race and back.
    await page.getByRole("combobox", { name: "optimizer" }).selectOption({ label: "Adam" });
    await page.getByRole("slider", { name: "ρ1", exact: true }).focus();
    await redrawn(page, () => page.keyboard.press("ArrowLeft"));
    s.entries[2].rho1 = 0.89;
    await page.getByRole("slider", { name: "ρ2", exact: true }).focus();
    await redrawn(page, () => page.keyboard.press("ArrowLeft"));
    s.entries[2].rho2 = 0.998;
    await check("Adam's ρ1 0.89, ρ2 0.998");
    await redrawn(page, () => page.getByRole("checkbox", { name: "race it" }).click());
    s.entries[2].on = false;
    await check("Adam out of the race");
    assert.equal(Object.keys(await drawnPaths(page)).length, 2);
    await redrawn(page, () => page.getByRole("checkbox", { name: "race it" }).click());
    s.entries[2].on = true;

    // The step budget.
    await page.getByRole("slider", { name: "steps", exact: true }).focus();
    await redrawn(page, () => page.keyboard.press("ArrowRight"));
    s.steps += 10;
    await check("steps + 10");

    // A click on the plot moves the start there (to the nearest 0.01).
    const svg = page.locator(".explore-live > svg");
    const box = (await svg.boundingBox())!;
    const width = Number(await svg.getAttribute("width"));
    const k = box.width / width;
    const target = [2, -1];
    const at = (x: number, y: number) =>
      [box.x + toPixel(cfg.x, x) * k, box.y + toPixel(cfg.y, y) * k] as const;
    await redrawn(page, () => page.mouse.click(...at(target[0], target[1])));
    const started = JSON.parse(
      (await page.textContent(".explore-start"))!.replace("(", "[").replace(")", "]"),
    ) as [number, number];
    const pixel = (cfg.x.domain[1] - cfg.x.domain[0]) / Math.abs(cfg.x.range[1] - cfg.x.range[0]);
    assert.ok(
      Math.hypot(started[0] - target[0], started[1] - target[1]) < 2 * pixel / k + 0.01,
      `clicked at ${target}, the start moved to ${started}`,
    );
    s.start = started;
    await check(`start ${started} after a click`);

    // A drag: the start follows the pointer.
    await page.mouse.move(...at(-1, 2));
    await page.mouse.down();
    await page.mouse.move(...at(-0.5, 2.5), { steps: 4 });
    await redrawn(page, () => page.mouse.move(...at(0.5, 3)));
    await page.mouse.up();
    await page.waitForFunction(() => true);
    await page.waitForTimeout(50);
    const dragged = JSON.parse(
      (await page.textContent(".explore-start"))!.replace("(", "[").replace(")", "]"),
    ) as [number, number];
    assert.ok(Math.hypot(dragged[0] - 0.5, dragged[1] - 3) < 2 * pixel / k + 0.01, `${dragged}`);
    s.start = dragged;
    await check(`start ${dragged} after a drag`);

    // The arrow keys on the plot nudge the start by a fiftieth of the window (0.2 on Beale).
    await svg.focus();
    await redrawn(page, () => page.keyboard.press("ArrowDown"));
    await redrawn(page, () => page.keyboard.press("ArrowLeft"));
    s.start = [
      Math.round((dragged[0] - 0.2) * 100) / 100,
      Math.round((dragged[1] - 0.2) * 100) / 100,
    ];
    await check(`start ${s.start} after two arrow keys`);

    // Reset: back to the defaults.
    await redrawn(page, () => page.getByRole("button", { name: "reset" }).click());
    assert.deepEqual(await drawnPaths(page), before);
    assert.deepEqual(errors, []);
    assert.deepEqual(browser.blocked, []);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
