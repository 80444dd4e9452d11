/**
 * `deno run -A bench/explore_redraw.ts [--interactions N] [--steps N]`: how long the interactive
 * figure (`explore()` in lib/plot) takes to redraw in headless Chromium. Eight optimizers race
 * 1,500 steps on Beale in a handout page (its CSP, no network); N real key presses (default 20)
 * alternately move the start point right and left with the arrow keys, so every press reruns all
 * eight runs. Prints one JSON line: the median and max of the figure's own redraw time (the runs,
 * the SVG markup and the DOM swap, `performance.now()` in the page) and of the time from the key
 * press to the next animation frame, the bundle's size and the page's size.
 *
 * The machines are shared and noisy: run it twice and read the medians.
 *
 * @module
 */

import { join } from "node:path";
import { beale } from "../lib/functions/mod.ts";
import { explore } from "../lib/plot/explore.ts";
import { offlineBrowser } from "../tools/handout/browser.ts";
import { renderNotebook } from "../tools/handout/render.ts";
import type { Notebook } from "../tools/exercises.ts";

function option(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(Deno.args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    throw new Error(`invalid ${name}: ${Deno.args[i + 1]} (expected a whole number > 0)`);
  }
  return v;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

if (import.meta.main) {
  const interactions = option("--interactions", 20);
  const steps = option("--steps", 1500);
  const fig = explore(beale, { steps });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{
      cell_type: "code",
      id: "a",
      metadata: {},
      execution_count: 1,
      source: "explore(beale)",
      outputs: [{ output_type: "display_data", metadata: {}, data: fig.toMimeBundle() }],
    }],
  } as unknown as Notebook;
  const dir = await Deno.makeTempDir({ prefix: "explore-bench-" });
  const file = join(dir, "bench.html");
  const { html } = renderNotebook(nb, { edition: "instructor", stem: "bench", dir });
  await Deno.writeTextFile(file, html);
  const browser = await offlineBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`file://${file}`);
    await page.waitForSelector(".course-explore[data-live]");
    await page.evaluate(() => {
      const w = globalThis as unknown as { t0: number; frames: number[] };
      w.frames = [];
      document.addEventListener("keydown", () => w.t0 = performance.now(), true);
      const root = document.querySelector(".course-explore")!;
      new MutationObserver(() =>
        requestAnimationFrame(() => w.frames.push(performance.now() - w.t0))
      ).observe(root, { attributes: true, attributeFilter: ["data-version"] });
    });
    await page.focus(".explore-live > svg");
    const skip = await page.evaluate(() =>
      (globalThis as unknown as { courseExplore: { timings: number[] } }).courseExplore.timings
        .length
    );
    for (let i = 0; i < interactions; i++) {
      const version = await page.getAttribute(".course-explore", "data-version");
      await page.keyboard.press(i % 2 ? "ArrowLeft" : "ArrowRight");
      await page.waitForFunction(
        (v) => document.querySelector(".course-explore")!.getAttribute("data-version") !== v,
        version,
      );
      await page.waitForTimeout(30);
    }
    const { timings, frames } = await page.evaluate(() => {
      const w = globalThis as unknown as {
        courseExplore: { timings: number[] };
        frames: number[];
      };
      return { timings: w.courseExplore.timings, frames: w.frames };
    });
    const redraws = timings.slice(skip);
    const round = (v: number) => Math.round(v * 10) / 10;
    console.log(JSON.stringify({
      workload: "explore-redraw",
      optimizers: fig.config.settings.entries.length,
      steps,
      interactions: redraws.length,
      redraw_ms_median: round(median(redraws)),
      redraw_ms_max: round(Math.max(...redraws)),
      to_frame_ms_median: round(median(frames)),
      to_frame_ms_max: round(Math.max(...frames)),
      bundle_kib: round(fig.script.length / 1024),
      page_kib: round(html.length / 1024),
    }));
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
}
