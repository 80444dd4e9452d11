/**
 * What the course's tools share: the notebook list in course order and a function that executes one
 * notebook on a fresh Deno kernel through tools/execute_notebook.py (nbclient).
 *
 * @module
 */

import { basename, join } from "node:path";
import { jupyterEnv, PYTHON, ROOT } from "./setup.ts";

/** Folder of the course notebooks. */
export const NOTEBOOKS_DIR: string = join(ROOT, "notebooks");
/** Where executed notebooks and their reports go. */
export const BUILD_DIR: string = join(ROOT, "build");

/** The course notebooks (`NN_name.ipynb`), in course order. */
export function listNotebooks(dir: string = NOTEBOOKS_DIR): string[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && /^\d\d_.*\.ipynb$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/** One failing cell, as the executor reports it. */
export interface CellError {
  notebook: string;
  /** 1-based index over all cells, markdown included (as JupyterLab counts them). */
  cell: number;
  first_line: string;
  ename: string;
  evalue: string;
}

/** The executor's JSON report. */
export interface ExecutionReport {
  notebook: string;
  ok: boolean;
  seconds?: number;
  code_cells?: number;
  outputs?: number;
  late_outputs_recovered?: number;
  barrier_failures?: number[];
  errors?: CellError[];
  kernel_died?: string | null;
  input_error?: string;
}

/** Options for {@link executeNotebook}. */
export interface ExecuteOptions {
  /** Where to write the executed notebook (default: nowhere). */
  out?: string;
  /** Per-cell timeout in seconds (default 60). */
  timeout?: number;
  /** Stop at the first failing cell. */
  stopOnError?: boolean;
}

/** Executes a notebook on a fresh kernel and returns the executor's report (never throws for cell errors). */
export async function executeNotebook(
  path: string,
  { out, timeout = 60, stopOnError = false }: ExecuteOptions = {},
): Promise<ExecutionReport & { stderr: string; code: number }> {
  const report = await Deno.makeTempFile({ prefix: "nbreport-", suffix: ".json" });
  try {
    const args = [join(ROOT, "tools", "execute_notebook.py"), path, "--report", report];
    args.push("--timeout", String(timeout));
    if (out) args.push("--out", out);
    if (stopOnError) args.push("--stop-on-error");
    const result = await new Deno.Command(PYTHON, {
      args,
      env: jupyterEnv(),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    let parsed: ExecutionReport;
    try {
      parsed = JSON.parse(await Deno.readTextFile(report));
    } catch {
      parsed = {
        notebook: path,
        ok: false,
        input_error: `the executor failed: ${stderr.slice(-2000)}`,
      };
    }
    return { ...parsed, stderr, code: result.code };
  } finally {
    await Deno.remove(report).catch(() => {});
  }
}

/** `01_gradient_descent.ipynb` → `01_gradient_descent`. */
export function stem(path: string): string {
  return basename(path).replace(/\.ipynb$/, "");
}

/** Runs async jobs with at most `limit` at a time, keeping input order in the results. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  job: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
