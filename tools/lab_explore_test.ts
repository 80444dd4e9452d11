/**
 * The interactive figure in JupyterLab, as a lecturer meets it: a notebook that calls `explore()`
 * runs on the course's Deno kernel in the real JupyterLab, in headless Chromium (the driver of
 * tools/testing/jupyterlab.ts); the output's script brings the figure to life, and every kind of
 * control, moved by real clicks and key presses, redraws exactly what the library computes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { quadratic } from "../lib/functions/mod.ts";
import { explore } from "../lib/plot/explore.ts";
import { ROOT } from "./setup.ts";
import { labBrowser, openNotebook, runAllCells, startLab, stopLab } from "./testing/jupyterlab.ts";
import { exerciseControls } from "./testing/explore_controls.ts";

Deno.test("explore in JupyterLab: the output comes alive, every kind of control redraws what the library computes, and a saved notebook shows the static figure until trusted", async () => {
  // Inside the project, so the kernel finds deno.json (the npm imports) walking up from the notebook.
  await Deno.mkdir(join(ROOT, "build"), { recursive: true });
  const dir = await Deno.makeTempDir({ dir: join(ROOT, "build"), prefix: "lab-explore-" });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "deno", display_name: "Deno", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: [{
      cell_type: "code",
      id: "explore-cell",
      metadata: {},
      execution_count: null,
      outputs: [],
      source: [
        'import { explore, quadratic } from "../../lib/mod.ts";\n',
        "explore(quadratic(100), {\n",
        '  optimizers: [{ kind: "momentum", alpha: 0.005, rho: 0.9 }, "nesterov", "adam"],\n',
        "  steps: 150,\n",
        "});\n",
      ],
    }],
  };
  await Deno.writeTextFile(join(dir, "explore.ipynb"), JSON.stringify(notebook, null, 1));
  // The same notebook as it is saved after a run: the figure's output in the file.
  const output = explore(quadratic(100), {
    optimizers: [{ kind: "momentum", alpha: 0.005, rho: 0.9 }, "nesterov", "adam"],
    steps: 150,
  }).toMimeBundle();
  notebook.cells[0].execution_count = 1 as unknown as null;
  notebook.cells[0].outputs = [
    { output_type: "display_data", metadata: {}, data: output },
  ] as unknown as [];
  await Deno.writeTextFile(join(dir, "saved.ipynb"), JSON.stringify(notebook, null, 1));
  const lab = await startLab({ rootDir: dir });
  const browser = await labBrowser(lab);
  try {
    const page = await openNotebook(browser, lab, "explore.ipynb");
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const seconds = await runAllCells(page);
    const figure = page.locator(".jp-OutputArea-output .course-explore");
    await figure.locator(".explore-live").waitFor({ timeout: 30_000 });
    const { checks } = await exerciseControls(page, figure);
    console.log(`ran in ${seconds.toFixed(1)} s; ${checks} redraws checked against the library`);
    // JupyterLab's own debugger extension reports "No active debugger session" on some starts.
    assert.deepEqual(errors.filter((e) => !/debugger session/.test(e)), []);
    assert.equal(await figure.getAttribute("data-error"), null);
    await page.close();

    // A notebook saved with the figure's output and opened again is untrusted: JupyterLab drops
    // the script and the figure shows its static image. Trusting it brings the figure back to life.
    const saved = await openNotebook(browser, lab, "saved.ipynb");
    const again = saved.locator(".jp-OutputArea-output .course-explore");
    await again.locator(".explore-static img").waitFor({ timeout: 30_000 });
    assert.ok(await again.locator(".explore-static img").isVisible(), "the static image shows");
    assert.equal(await again.locator(".explore-live").count(), 0, "no script ran untrusted");
    await saved.locator(".jp-Notebook").click({ position: { x: 5, y: 5 } });
    await saved.keyboard.press("Control+Shift+C");
    await saved.keyboard.type("Trust Notebook");
    await saved.keyboard.press("Enter");
    await saved.getByRole("button", { name: "Trust" }).click();
    const trusted = saved.locator(".jp-OutputArea-output .course-explore");
    await trusted.locator(".explore-live").waitFor({ timeout: 30_000 });
    const after = await exerciseControls(saved, trusted);
    console.log(`saved and trusted: ${after.checks} redraws checked`);
  } finally {
    await stopLab(lab, browser);
    await Deno.remove(dir, { recursive: true });
  }
});
