/**
 * `deno task build`: executes every notebook on a fresh Deno kernel and writes its HTML handout.
 *
 * Executed notebooks go to build/executed/, the executor's reports to build/reports/, handouts to
 * handouts/. A failing notebook is named with its cell; the others are still built; the exit code
 * is non-zero when anything failed.
 *
 * Usage: deno task build [NN_name ...]
 *
 * @module
 */

import { join } from "node:path";
import {
  BUILD_DIR,
  executeNotebook,
  type ExecutionReport,
  listNotebooks,
  pool,
  stem,
} from "./course.ts";
import { jupyterEnv, PYTHON, ROOT, setup } from "./setup.ts";

/** What a build did: failures and each notebook's execution report, by stem. */
export interface BuildResult {
  failed: number;
  reports: Record<string, ExecutionReport>;
  seconds: number;
}

/** Builds the notebooks (all, or those whose stem is listed). */
export async function build(only: string[] = []): Promise<BuildResult> {
  await setup();
  const notebooks = listNotebooks().filter((p) => only.length === 0 || only.includes(stem(p)));
  if (notebooks.length === 0) throw new Error(`No notebook matches ${only.join(", ")}`);
  for (const dir of ["executed", "reports"]) {
    await Deno.mkdir(join(BUILD_DIR, dir), { recursive: true });
  }
  const outDir = join(ROOT, "handouts");
  await Deno.mkdir(outDir, { recursive: true });
  const started = performance.now();
  const results = await pool(notebooks, 2, async (path) => {
    const executed = join(BUILD_DIR, "executed", `${stem(path)}.ipynb`);
    const report = await executeNotebook(path, { out: executed });
    const { stderr: _stderr, code: _code, ...clean } = report;
    await Deno.writeTextFile(
      join(BUILD_DIR, "reports", `${stem(path)}.json`),
      JSON.stringify(clean, null, 1) + "\n",
    );
    let exported = false;
    if (!report.input_error && !report.kernel_died) {
      const out = await new Deno.Command(PYTHON, {
        args: ["-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", outDir, executed],
        env: jupyterEnv(),
        stdout: "piped",
        stderr: "piped",
      }).output();
      exported = out.success;
      if (!out.success) console.error(new TextDecoder().decode(out.stderr));
    }
    const status = report.ok && exported ? "ok" : "FAILED";
    console.error(`build: ${stem(path)} ${status} (${report.seconds ?? "?"} s)`);
    for (const e of report.errors ?? []) {
      console.error(
        `  ${stem(path)}: cell ${e.cell} (${e.first_line.slice(0, 60)}): ${e.ename}: ${e.evalue}`,
      );
    }
    if (report.input_error) console.error(`  ${report.input_error}`);
    if (report.kernel_died) console.error(`  the kernel died: ${report.kernel_died}`);
    return { stem: stem(path), ok: report.ok && exported, report: clean as ExecutionReport };
  });
  const failed = results.filter((r) => !r.ok).length;
  const seconds = (performance.now() - started) / 1000;
  console.error(
    `build: ${results.length - failed} of ${results.length} notebooks built in ${
      seconds.toFixed(1)
    } s` +
      (failed ? `; ${failed} failed` : ""),
  );
  return { failed, seconds, reports: Object.fromEntries(results.map((r) => [r.stem, r.report])) };
}

if (import.meta.main) {
  const { failed } = await build(Deno.args.filter((a) => !a.startsWith("--")));
  Deno.exit(failed ? 1 : 0);
}
