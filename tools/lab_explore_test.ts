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
import { ROOT } from "./setup.ts";
import { labBrowser, openNotebook, runAllCells, startLab, stopLab } from "./testing/jupyterlab.ts";
import { exerciseControls } from "./testing/explore_controls.ts";

Deno.test("explore in JupyterLab: the output comes alive and every kind of control redraws what the library computes", async () => {
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
  } finally {
    await stopLab(lab, browser);
    await Deno.remove(dir, { recursive: true });
  }
});
