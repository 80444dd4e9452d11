/**
 * `deno task build`: executes every notebook on a fresh Deno kernel and writes its HTML handouts.
 *
 * Executed notebooks go to build/executed/, the executor's reports to build/reports/. Each notebook
 * gets two self-contained handouts (tools/handout/): `handouts/instructor/NN_name.html` (everything)
 * and `handouts/student/NN_name.html` (the student version of tools/exercises.ts), plus an
 * `index.html` per edition and `handouts/index.html` linking both. With `--pdf` every handout is
 * also printed to PDF (A4) beside its HTML by headless Chromium.
 *
 * Handouts are reproducible: building twice gives the same bytes. A code cell whose output is a
 * measurement (wall-clock time) is tagged `timing`; its handout shows a note in place of the
 * measured output.
 *
 * A failing notebook is named with its cell; the others are still built; the exit code is non-zero
 * when anything failed.
 *
 * Usage: deno task build [--pdf] [NN_name ...]
 *
 * @module
 */

import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import {
  BUILD_DIR,
  executeNotebook,
  type ExecutionReport,
  listNotebooks,
  pool,
  stem,
} from "./course.ts";
import type { Notebook } from "./exercises.ts";
import { setup } from "./setup.ts";
import {
  type Edition,
  type IndexEntry,
  notebookGoal,
  notebookTitle,
  type PageLink,
  renderIndex,
  renderNotebook,
  renderTopIndex,
} from "./handout/render.ts";

/** Where the handouts go. */
export const HANDOUTS_DIR: string = join(dirname(BUILD_DIR), "handouts");
/** The two editions, each in its own folder of {@link HANDOUTS_DIR}. */
export const EDITIONS: Edition[] = ["instructor", "student"];

/** One notebook's handouts: paths, sizes and what the renderer found wrong. */
export interface HandoutInfo {
  instructor: string;
  student: string;
  bytes: Record<Edition, number>;
  figures: number;
  formulas: number;
  problems: string[];
  /** The notebook as it was read for this build (others may edit it meanwhile). */
  source: Notebook;
  /** The executed notebook the handouts were rendered from. */
  executed: Notebook;
  /** The handouts' text, as written. */
  html: Record<Edition, string>;
}

/** What a build did: failures and each notebook's execution report, by stem. */
export interface BuildResult {
  failed: number;
  reports: Record<string, ExecutionReport>;
  seconds: number;
  /** The handouts written, by stem. */
  handouts: Record<string, HandoutInfo>;
  /** PDFs written (with `pdf: true`). */
  pdfs: string[];
}

/** Options of {@link build}. */
export interface BuildOptions {
  /** Also print every handout to PDF. */
  pdf?: boolean;
  /** Where to write the handouts (default {@link HANDOUTS_DIR}). */
  outDir?: string;
  /** Where the notebooks are (default notebooks/). */
  notebooksDir?: string;
  /** Where executed notebooks and reports go (default build/). */
  buildDir?: string;
}

interface Source {
  path: string;
  stem: string;
  notebook: Notebook;
}

function readNotebook(path: string): Notebook {
  return JSON.parse(Deno.readTextFileSync(path)) as Notebook;
}

function pageLink(sources: Source[], i: number): PageLink | undefined {
  const s = sources[i];
  return s && { href: `${s.stem}.html`, title: notebookTitle(s.notebook, s.stem) };
}

/** Writes a file only when its bytes change (keeps mtimes of unchanged handouts). */
async function writeIfChanged(path: string, text: string): Promise<void> {
  try {
    if ((await Deno.readTextFile(path)) === text) return;
  } catch { /* missing */ }
  await Deno.writeTextFile(path, text);
}

/**
 * Renders both editions of one executed notebook into `outDir`. Returns what was written; the
 * renderer's problems (bad TeX, an image it cannot embed) name the cell.
 */
export async function writeHandouts(
  executed: Notebook,
  source: Source,
  sources: Source[],
  outDir: string,
): Promise<HandoutInfo> {
  const i = sources.findIndex((s) => s.stem === source.stem);
  const info = {
    bytes: {},
    html: {},
    figures: 0,
    formulas: 0,
    problems: [],
  } as unknown as HandoutInfo;
  for (const edition of EDITIONS) {
    const out = renderNotebook(executed, {
      edition,
      stem: source.stem,
      dir: dirname(source.path),
      prev: pageLink(sources, i - 1),
      next: pageLink(sources, i + 1),
    });
    const path = join(outDir, edition, `${source.stem}.html`);
    await writeIfChanged(path, out.html);
    info[edition] = path;
    info.html[edition] = out.html;
    info.bytes[edition] = new TextEncoder().encode(out.html).length;
    if (edition === "instructor") {
      info.figures = out.figures;
      info.formulas = out.formulas;
      info.problems = out.problems;
    }
  }
  return info;
}

async function writeIndexes(sources: Source[], outDir: string): Promise<void> {
  const entries = (edition: Edition): IndexEntry[] =>
    sources.map((s) => ({
      href: `${s.stem}.html`,
      title: notebookTitle(s.notebook, s.stem),
      goal: notebookGoal(s.notebook),
      built: existsSync(join(outDir, edition, `${s.stem}.html`)),
    }));
  for (const edition of EDITIONS) {
    await writeIfChanged(
      join(outDir, edition, "index.html"),
      renderIndex(entries(edition), edition),
    );
  }
  await writeIfChanged(join(outDir, "index.html"), renderTopIndex(entries("instructor")));
}

/** Removes handouts of notebooks that no longer exist (and nbconvert's old `handouts/NN.html`). */
async function removeStale(sources: Source[], outDir: string): Promise<void> {
  const keep = new Set(sources.map((s) => s.stem));
  for (const dir of [outDir, ...EDITIONS.map((e) => join(outDir, e))]) {
    for (const entry of Deno.readDirSync(dir)) {
      const m = entry.name.match(/^(\d\d_.*)\.(html|pdf)$/);
      if (entry.isFile && m && (dir === outDir || !keep.has(m[1]))) {
        await Deno.remove(join(dir, entry.name));
      }
    }
  }
}

/** Prints handouts to A4 PDFs (beside each HTML) with headless Chromium, network cut. */
export async function printPdfs(htmlFiles: string[]): Promise<string[]> {
  const { offlineBrowser } = await import("./handout/browser.ts");
  const browser = await offlineBrowser();
  try {
    // Two pages at a time: printing is mostly Chromium's work, on two cores.
    return await pool(htmlFiles, 2, async (html) => {
      const page = await browser.context.newPage();
      try {
        await page.goto(`file://${html}`, { waitUntil: "load" });
        await page.evaluate(() => document.fonts.ready);
        // Animated figures (SMIL) print their final picture, not whatever frame is showing.
        await page.evaluate(() => {
          for (const svg of document.querySelectorAll("svg")) {
            const animation = svg.querySelector("animate, animateMotion, animateTransform, set");
            if (!animation || svg.parentElement?.closest("svg")) continue;
            const dur = parseFloat(animation.getAttribute("dur") ?? "0") || 0;
            svg.pauseAnimations();
            svg.setCurrentTime(Math.max(0, dur - 0.01));
          }
        });
        await page.emulateMedia({ media: "print" });
        const pdf = html.replace(/\.html$/, ".pdf");
        await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true, format: "A4" });
        return pdf;
      } finally {
        await page.close();
      }
    });
  } finally {
    await browser.close();
  }
}

/** Builds the notebooks (all, or those whose stem is listed). */
export async function build(
  only: string[] = [],
  { pdf = false, outDir = HANDOUTS_DIR, notebooksDir, buildDir = BUILD_DIR }: BuildOptions = {},
): Promise<BuildResult> {
  await setup();
  const sources: Source[] = listNotebooks(notebooksDir).map((path) => ({
    path,
    stem: stem(path),
    notebook: readNotebook(path),
  }));
  const selected = sources.filter((s) => only.length === 0 || only.includes(s.stem));
  if (selected.length === 0) throw new Error(`No notebook matches ${only.join(", ")}`);
  for (const dir of ["executed", "reports"]) {
    await Deno.mkdir(join(buildDir, dir), { recursive: true });
  }
  for (const edition of EDITIONS) await Deno.mkdir(join(outDir, edition), { recursive: true });
  await removeStale(sources, outDir);
  const started = performance.now();
  const results = await pool(selected, 2, async (source) => {
    const executed = join(buildDir, "executed", `${source.stem}.ipynb`);
    await Deno.remove(executed).catch(() => {});
    const report = await executeNotebook(source.path, { out: executed });
    const { stderr: _stderr, code: _code, ...clean } = report;
    await Deno.writeTextFile(
      join(buildDir, "reports", `${source.stem}.json`),
      JSON.stringify(clean, null, 1) + "\n",
    );
    let handout: HandoutInfo | undefined;
    let renderError: string | undefined;
    for (const edition of EDITIONS) {
      await Deno.remove(join(outDir, edition, `${source.stem}.html`)).catch(() => {});
    }
    if (existsSync(executed)) {
      try {
        const ran = readNotebook(executed);
        handout = await writeHandouts(ran, source, sources, outDir);
        handout.source = source.notebook;
        handout.executed = ran;
      } catch (e) {
        renderError = e instanceof Error ? e.message : String(e);
      }
    }
    const ok = report.ok && !!handout && handout.problems.length === 0;
    const sizes = handout
      ? `, ${EDITIONS.map((e) => `${e} ${(handout!.bytes[e] / 1024).toFixed(0)} KiB`).join(", ")}`
      : "";
    console.error(
      `build: ${source.stem} ${ok ? "ok" : "FAILED"} (${report.seconds ?? "?"} s${sizes})`,
    );
    for (const e of report.errors ?? []) {
      console.error(
        `  ${source.stem}: cell ${e.cell} (${e.first_line.slice(0, 60)}): ${e.ename}: ${e.evalue}`,
      );
    }
    for (const p of handout?.problems ?? []) console.error(`  ${source.stem}: ${p}`);
    if (renderError) console.error(`  ${source.stem}: the handout failed: ${renderError}`);
    if (report.input_error) console.error(`  ${report.input_error}`);
    if (report.kernel_died) console.error(`  the kernel died: ${report.kernel_died}`);
    return { stem: source.stem, ok, report: clean as ExecutionReport, handout };
  });
  await writeIndexes(sources, outDir);
  let pdfs: string[] = [];
  if (pdf) {
    const files = results.flatMap((r) => r.handout ? EDITIONS.map((e) => r.handout![e]) : []);
    pdfs = await printPdfs(files);
    console.error(`build: ${pdfs.length} PDFs written`);
  }
  const failed = results.filter((r) => !r.ok).length;
  const seconds = (performance.now() - started) / 1000;
  console.error(
    `build: ${results.length - failed} of ${results.length} notebooks built in ${
      seconds.toFixed(1)
    } s` +
      (failed ? `; ${failed} failed` : ""),
  );
  return {
    failed,
    seconds,
    reports: Object.fromEntries(results.map((r) => [r.stem, r.report])),
    handouts: Object.fromEntries(
      results.filter((r) => r.handout).map((r) => [r.stem, r.handout!]),
    ),
    pdfs,
  };
}

if (import.meta.main) {
  const { failed } = await build(Deno.args.filter((a) => !a.startsWith("--")), {
    pdf: Deno.args.includes("--pdf"),
  });
  Deno.exit(failed ? 1 : 0);
}
