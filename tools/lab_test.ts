/**
 * The course in JupyterLab, as a lecturer uses it: `deno task lab` in headless Chromium runs every
 * notebook with Run › Run All Cells and the test looks at what a person sees. One JupyterLab for
 * the whole test, one browser page reused; every notebook's kernel is shut down after its run.
 *
 * Prints a table (cells, figures in JupyterLab and in the handout, seconds to run all) and keeps a
 * screenshot of each notebook's first figure in build/lab-screenshots/.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { BUILD_DIR, listNotebooks, stem } from "./course.ts";
import { builtCourse } from "./testing/course_build.ts";
import {
  cellOutputText,
  inspectNotebook,
  kernelDisplayName,
  labBrowser,
  type LabCell,
  notebookModel,
  openNotebook,
  runAllCells,
  runCell,
  shutdownKernel,
  startLab,
  stopLab,
  typeIntoCell,
} from "./testing/jupyterlab.ts";
import type { Notebook } from "./exercises.ts";
import { accessibleSvg } from "./handout/render.ts";
import { inlineSvgImages } from "../lib/plot/svg_image.ts";

const SCREENSHOTS = join(BUILD_DIR, "lab-screenshots");
/** Run All of one notebook may take this long before the test gives up (slowest is ~1 min). */
const RUN_ALL_TIMEOUT_MS = 8 * 60_000;

async function sha256(file: string): Promise<string> {
  const bytes = await Deno.readFile(file);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

const cellText = (cell: { source: string | string[] }) =>
  Array.isArray(cell.source) ? cell.source.join("") : cell.source;

/** Outputs showing `fit`'s progress line (lib/train/fit.ts: "name: epoch e/E ▕…▏ …"). */
const PROGRESS = /: epoch \d+\/\d+ ▕/;

function progressOutputs(cells: LabCell[]): number {
  return cells.flatMap((c) => c.outputs).filter((o) => PROGRESS.test(o.text)).length;
}

/** Figures in the outputs of the cells tagged `timing` (counted as the handout counts figures). */
function timingCellFigures(executed: Notebook): number {
  let figures = 0;
  for (const cell of executed.cells) {
    if (!(cell.metadata?.tags ?? []).includes("timing")) continue;
    for (const o of (cell.outputs ?? []) as { data?: Record<string, string | string[]> }[]) {
      const html = o.data?.["text/html"] ?? o.data?.["image/svg+xml"];
      if (html === undefined) continue;
      const text = Array.isArray(html) ? html.join("") : html;
      figures += accessibleSvg(inlineSvgImages(text), "figure").figures;
    }
  }
  return figures;
}

/** The figures JupyterLab shows in a notebook: all must be visible, with a size. */
function checkFigures(name: string, cells: LabCell[]): number {
  let figures = 0;
  for (const cell of cells) {
    for (const f of cell.figures) {
      assert.ok(f.loaded, `${name} cell ${cell.index + 1}: figure "${f.label}" did not load`);
      assert.ok(
        f.width > 0 && f.height > 0,
        `${name} cell ${cell.index + 1}: figure "${f.label}" is ${f.width}×${f.height}`,
      );
      figures++;
    }
  }
  return figures;
}

Deno.test({
  name:
    "JupyterLab: every notebook runs with Run All on the Deno kernel, shows its figures, math and progress; saved notebooks keep their figures untrusted; the exercise loop works",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const started = performance.now();
    const only = Deno.env.get("LAB_TEST_ONLY"); // e.g. "03_momentum,09_optimizer_race" while debugging
    const notebooks = listNotebooks().filter((p) => !only || only.split(",").includes(stem(p)));
    assert.ok(notebooks.length >= (only ? 1 : 10), `${notebooks.length} notebooks`);
    const { handouts } = await builtCourse();
    await Deno.mkdir(SCREENSHOTS, { recursive: true });
    const before = Object.fromEntries(
      await Promise.all(notebooks.map(async (p) => [p, await sha256(p)] as const)),
    );
    const saved = await Deno.makeTempDir({ prefix: "course-lab-saved-" });
    const rows: string[] = [];
    const labFigures: Record<string, number> = {};
    const moved: string[] = [];

    const lab = await startLab({ exposeApp: true });
    const browser = await labBrowser(lab);
    try {
      const page = await browser.context.newPage();
      for (const path of notebooks) {
        const name = stem(path);
        const file = `${name}.ipynb`;
        const source = JSON.parse(await Deno.readTextFile(path)) as Notebook;
        await openNotebook(browser, lab, file, { page });
        assert.equal(await kernelDisplayName(page), "Deno", `${name}: the kernel shown`);
        const seconds = await runAllCells(page, { timeoutMs: RUN_ALL_TIMEOUT_MS });
        const cells = await inspectNotebook(page);
        assert.equal(cells.length, source.cells.length, `${name}: cells shown`);

        // No error output anywhere.
        for (const cell of cells) {
          assert.deepEqual(cell.errors, [], `${name} cell ${cell.index + 1} shows an error`);
        }
        // Every figure visible, as many as the handout has.
        const figures = checkFigures(name, cells);
        const handout = handouts[name];
        labFigures[name] = figures;
        // The handout leaves out the output of cells tagged `timing` (measured, not reproducible);
        // JupyterLab shows their figures too.
        const timingFigures = timingCellFigures(handout.executed);
        assert.equal(
          figures,
          handout.figures + timingFigures,
          `${name}: figures in JupyterLab vs the handout (${handout.figures}) and its timing cells (${timingFigures})`,
        );
        // Math rendered: formulas typeset, no raw TeX left in any markdown cell.
        let formulas = 0;
        for (const cell of cells.filter((c) => c.type === "markdown")) {
          assert.deepEqual(cell.rawTex, [], `${name} cell ${cell.index + 1}: raw TeX`);
          formulas += cell.formulas;
        }
        const withMath = source.cells.filter((c) =>
          c.cell_type === "markdown" && /\$[^$]+\$/.test(cellText(c))
        ).length;
        assert.ok(withMath === 0 || formulas >= withMath, `${name}: ${formulas} formulas shown`);
        // fit's progress line is updated in place: one output per display, as in the handout run.
        const progress = progressOutputs(cells);
        const expectedProgress = handout.executed.cells.flatMap((c) => c.outputs ?? [])
          .filter((o) => PROGRESS.test(JSON.stringify(o))).length;
        assert.equal(progress, expectedProgress, `${name}: progress outputs`);
        for (const cell of cells) {
          assert.ok(cell.outputs.length <= 25, `${name} cell ${cell.index + 1}: outputs pile up`);
        }
        // Outputs under the wrong cell (a kernel bug, reported, not failed: see the report).
        const expectedOutputs = handout.executed.cells.map((c) =>
          ((c.outputs ?? []) as { output_type: string }[]).length
        );
        const shifted = cells.filter((c, i) =>
          c.type === "code" && c.outputs.length !== expectedOutputs[i]
        );
        if (shifted.length) moved.push(`${name}: cells ${shifted.map((c) => c.index + 1)}`);

        // The first figure, for review.
        const first = page.locator(
          ".jp-OutputArea-output img[alt]:not([alt='']), .jp-OutputArea-output svg[aria-label]",
        ).first();
        if (figures > 0) {
          // The whole output: title, legend, plot and caption as a person sees them.
          const output = first.locator(
            "xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]",
          );
          await output.scrollIntoViewIfNeeded();
          await output.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
          await page.screenshot({ path: join(SCREENSHOTS, `${name}_view.png`) });
        }

        if (name.startsWith("01_")) await exerciseLoop(page, source);

        // What JupyterLab would save, kept to reopen untrusted below.
        const model = await notebookModel(page);
        await Deno.writeTextFile(join(saved, file), JSON.stringify(model, null, 1) + "\n");
        await shutdownKernel(lab, file);
        rows.push(
          `${name.padEnd(28)} ${
            String(cells.filter((c) => c.type === "code").length).padStart(5)
          } ` +
            `${String(figures).padStart(8)} ${
              `${handout.figures}${timingFigures ? ` + ${timingFigures}` : ""}`.padStart(16)
            } ` +
            `${seconds.toFixed(1).padStart(8)}`,
        );
      }
      assert.deepEqual(browser.blocked, [], "requests that tried to leave the machine");
    } finally {
      await stopLab(lab, browser);
    }

    // Every notebook, saved with its outputs and opened in another JupyterLab (untrusted: never
    // run there): the figures are still there.
    const other = await startLab({ rootDir: saved });
    const viewer = await labBrowser(other);
    try {
      const page = await viewer.context.newPage();
      for (const path of notebooks) {
        const name = stem(path);
        await openNotebook(viewer, other, `${name}.ipynb`, { page, waitForKernel: false });
        // Outputs render after the first cell shows: look again until all are there (bounded).
        let shown = 0;
        for (let tries = 0; tries < 30; tries++) {
          await page.waitForTimeout(500);
          // JupyterLab may still replace cells while it loads the notebook: then look again.
          const cells = await inspectNotebook(page).catch(() => undefined);
          if (!cells) continue;
          shown = checkFigures(`${name} (reopened)`, cells);
          if (shown >= labFigures[name]) break;
        }
        assert.equal(shown, labFigures[name], `${name} reopened: figures`);
        assert.match(other.log(), new RegExp(`Notebook ${name}\\.ipynb is not trusted`));
        if (name.startsWith("00_")) {
          await page.screenshot({ path: join(SCREENSHOTS, `${name}_reopened.png`) });
        }
      }
      assert.deepEqual(viewer.blocked, []);
    } finally {
      await stopLab(other, viewer);
      await Deno.remove(saved, { recursive: true });
    }

    for (const path of notebooks) {
      assert.equal(
        await sha256(path),
        before[path],
        `${path} was changed by opening it in JupyterLab`,
      );
    }
    console.log(
      `\nJupyterLab run (seconds = Run All until idle)\n${
        "notebook".padEnd(28)
      } cells  figures  handout(+timing)  seconds\n` +
        rows.join("\n") +
        `\noutputs under another cell than in the nbclient run (Deno kernel, late outputs): ${
          moved.length ? moved.join("; ") : "none"
        }\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  },
});

/** Notebook 01's exercise: a wrong answer shows the hint, the right one passes. */
async function exerciseLoop(page: import("playwright-core").Page, source: Notebook) {
  const solution = source.cells.findIndex((c) =>
    cellText(c).includes("function findDivergenceThreshold")
  );
  const check = source.cells.findIndex((c) =>
    cellText(c).includes('checkBetween("the divergence threshold')
  );
  assert.ok(solution > 0 && check > solution, "notebook 01 has the divergence exercise");
  const wrong = "const steep = quadratic(25);\nfunction findDivergenceThreshold(): number {\n" +
    "  return 0.5;\n}\n";
  await typeIntoCell(page, solution, wrong);
  await runCell(page, solution);
  await runCell(page, check);
  const failed = await cellOutputText(page, check);
  assert.match(failed, /✗ the divergence threshold of GD on quadratic\(25\)/);
  assert.match(failed, /Hint: the steep direction has curvature L = 25/);
  const right = "const steep = quadratic(25);\nfunction findDivergenceThreshold(): number {\n" +
    "  return 2 / 25;\n}\n";
  await typeIntoCell(page, solution, right);
  await runCell(page, solution);
  await runCell(page, check);
  const passed = await cellOutputText(page, check);
  assert.match(passed, /✓ the divergence threshold of GD on quadratic\(25\)/);
  assert.doesNotMatch(passed, /✗|Hint:/);
}
