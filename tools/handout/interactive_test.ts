/**
 * The interactive figures (`explore()` in lib/plot) in real headless Chromium: the browser bundle
 * computes exactly the library's iterates, and in a handout (the real renderer, its
 * Content-Security-Policy, no network) every kind of control, moved by real clicks and key
 * presses, redraws the trajectories the library computes for the new settings.
 *
 * @module
 */

import assert from "node:assert/strict";
import { beale, saddle } from "../../lib/functions/mod.ts";
import type { TestFunction2D } from "../../lib/functions/test_function.ts";
import { explore } from "../../lib/plot/explore.ts";
import {
  EXPLORE_OPTIMIZERS,
  exploreRuns,
  type ExploreSettings,
} from "../../lib/plot/explore_core.ts";
import type { Notebook } from "../exercises.ts";
import { offlineBrowser } from "./browser.ts";
import { renderNotebook, scriptHash } from "./render.ts";
import { exerciseControls } from "../testing/explore_controls.ts";

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
    // Any attempt to compile code (eval, new Function) would break the policy: count them.
    await page.evaluate(() => {
      const w = globalThis as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener(
        "securitypolicyviolation",
        (e) => w.violations.push(e.violatedDirective),
      );
    });
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
    assert.deepEqual(
      await page.evaluate(() => (globalThis as unknown as { violations: string[] }).violations),
      [],
    );
    assert.deepEqual(browser.blocked, []);
    console.log(`${iterates} iterates equal; bundle ${(js.length / 1024).toFixed(1)} KiB`);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("explore in a handout: every kind of control, moved by real clicks and keys, redraws what the library computes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "explore-handout-" });
  const browser = await offlineBrowser({ width: 900, height: 1000 });
  try {
    const fig = explore(beale, {
      optimizers: ["sgd", { kind: "momentum", alpha: 0.001, rho: 0.9 }, "adam"],
      steps: 200,
    });
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`file://${await handoutWith(fig, dir)}`);
    const { checks } = await exerciseControls(page, page.locator(".course-explore"));
    console.log(`${checks} redraws checked against the library`);
    // Printing shows the static figure of the default settings, not the live one or the controls.
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator(".explore-static > svg").isVisible(), true);
    assert.equal(await page.locator(".explore-live > svg").isVisible(), false);
    assert.equal(await page.locator(".explore-controls").isVisible(), false);
    assert.deepEqual(errors, []);
    assert.deepEqual(browser.blocked, []);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
