/**
 * Verdicts the student's code cannot reach. For a source notebook, {@link planReplay} prepares:
 *
 * - the graded cells as the student's kernel runs them while grading: the answers' names read
 *   through a recorder, the check calls reduced to the value they check (tools/grading/test_rewrite.ts);
 * - a replay module for a fresh Deno process: the notebook's imports, the instructor's own cells
 *   that define what the tests use besides the answers (found by name, only those), and each
 *   graded cell with the answers' names served from the kernel's record
 *   (tools/grading/replay_runtime.ts).
 *
 * {@link replayVerdicts} runs that module on one submission's records: the verdict of every graded
 * cell is decided there, by the library's checks, on values that are data.
 *
 * @module
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "../setup.ts";
import { cellSource, isGraded, nbgrader, type Notebook, type NotebookCell } from "../exercises.ts";
import { RECORD_MARK } from "./kernel_recorder.ts";
import { runSandboxed, type SandboxLimits, type SandboxResult } from "./sandbox.ts";
import { completedGraded } from "./score.ts";
import { type ReplayVerdict, RESULT_MARK } from "./replay_runtime.ts";
import {
  freeNames,
  importsOf,
  rewriteForKernel,
  rewriteForReplay,
  topLevelNames,
  withoutImports,
} from "./test_rewrite.ts";

export type { ReplayVerdict };

/** What the grader runs for a source notebook. */
export interface ReplayPlan {
  /** Names declared by the answer cells: the student's values. */
  answers: Set<string>;
  /** grade_id → the graded cell's source for the student's kernel. */
  kernelSources: Map<string, string>;
  /** The replay module's text. */
  module: string;
  /** Source indices of the instructor's cells the replay runs for context. */
  contextCells: number[];
  /** Why a graded cell cannot be replayed (empty when all can). */
  problems: string[];
}

/** Where the student's kernel imports the recorder from (mounted into the sandbox). */
export const RECORDER_URL: string = toUrl(join(ROOT, "tools", "grading", "kernel_recorder.ts"));
const RUNTIME_URL: string = toUrl(join(ROOT, "tools", "grading", "replay_runtime.ts"));
/** The kernel's working folder, against which the notebooks' relative imports resolve. */
const NOTEBOOKS_URL = toUrl(join(ROOT, "notebooks")) + "/";

function toUrl(path: string): string {
  return pathToFileURL(path).href;
}

function isAnswer(cell: NotebookCell): boolean {
  return cell.cell_type === "code" && nbgrader(cell)?.solution === true;
}

function absoluteImport(text: string): string {
  return text.replace(
    /(from\s+|import\s+)(["'])(\.{1,2}\/[^"']*)\2/g,
    (_m, kw, q, spec) => `${kw}${q}${new URL(spec, NOTEBOOKS_URL).href}${q}`,
  );
}

/** Prepares the kernel's and the replay's versions of a source notebook's graded cells. */
export function planReplay(source: Notebook): ReplayPlan {
  const cells = source.cells;
  const code = cells.map((c) => (c.cell_type === "code" ? cellSource(c) : null));
  const answers = new Set<string>();
  cells.forEach((c, i) => {
    if (isAnswer(c)) topLevelNames(code[i]!).forEach((n) => answers.add(n));
  });
  const imports = new Map<string, string[]>();
  code.forEach((src) => {
    for (const imp of src ? importsOf(src) : []) imports.set(absoluteImport(imp.text), imp.names);
  });
  const imported = new Set([...imports.values()].flat());
  const declaredAt = code.map((src) => (src ? new Set(topLevelNames(src)) : new Set<string>()));
  const problems: string[] = [];
  const context = new Set<number>();
  const resolve = (names: string[], before: number, what: string) => {
    for (const name of names) {
      if (answers.has(name) || imported.has(name)) continue;
      let j = before - 1;
      while (j >= 0 && !declaredAt[j].has(name)) j--;
      if (j < 0) continue; // a global (Math, console, Deno, …)
      if (isGraded(cells[j])) {
        problems.push(`${what} uses ${name}, declared in the graded cell ${j + 1}`);
        continue;
      }
      if (context.has(j)) continue;
      context.add(j);
      const uses = freeNames(code[j]!);
      const fromAnswers = uses.filter((n) => answers.has(n));
      if (fromAnswers.length) {
        problems.push(
          `${what} needs cell ${j + 1}, which uses the answer(s) ${fromAnswers.join(", ")}`,
        );
      }
      resolve(uses, j, `cell ${j + 1}`);
    }
  };
  const kernelSources = new Map<string, string>();
  const tests: string[] = [];
  cells.forEach((cell, i) => {
    const id = nbgrader(cell)?.grade_id;
    if (!isGraded(cell) || !id) return;
    const src = code[i]!;
    resolve(freeNames(src), i, `the graded cell ${i + 1} ("${id}")`);
    const k = i;
    kernelSources.set(
      id,
      `import { recorder as __gradeRecorder${k} } from ${JSON.stringify(RECORDER_URL)};\n` +
        `const __gradeRec${k} = __gradeRecorder${k}();\n` +
        rewriteForKernel(src, answers, `__gradeRec${k}`),
    );
    for (const imp of importsOf(src)) imports.set(absoluteImport(imp.text), imp.names);
    tests.push(
      `__tests[${JSON.stringify(id)}] = async (__rec: __Replay) => {\n` +
        `${rewriteForReplay(withoutImports(src), answers, "__rec")}\n};`,
    );
  });
  const contextCells = [...context].sort((a, b) => a - b);
  const seen = new Map<string, number>();
  for (const j of contextCells) {
    for (const name of declaredAt[j]) {
      if (seen.has(name)) {
        problems.push(`cells ${seen.get(name)! + 1} and ${j + 1} both declare ${name}`);
      }
      seen.set(name, j);
    }
  }
  const module = [
    `import { type Replay as __Replay, runReplay as __runReplay } from ${
      JSON.stringify(RUNTIME_URL)
    };`,
    ...imports.keys(),
    ...contextCells.map((j) => `// cell ${j + 1}\n${withoutImports(code[j]!)}`),
    "const __tests: Record<string, (rec: __Replay) => Promise<void>> = {};",
    ...tests,
    "await __runReplay(__tests);",
    "",
  ].join("\n");
  return { answers, kernelSources, module, contextCells, problems };
}

/** The record lines of a graded cell's outputs, and the outputs without them. */
export function takeRecords(cell: NotebookCell): unknown[] {
  const events: unknown[] = [];
  for (const out of (cell.outputs ?? []) as { output_type?: string; text?: string | string[] }[]) {
    if (out.output_type !== "stream") continue;
    const text = [out.text ?? ""].flat().join("");
    if (!text.includes(RECORD_MARK)) continue;
    const kept: string[] = [];
    for (const line of text.split("\n")) {
      const at = line.indexOf(RECORD_MARK);
      if (at < 0) {
        kept.push(line);
        continue;
      }
      try {
        events.push(JSON.parse(line.slice(at + RECORD_MARK.length)));
      } catch { /* a damaged line: the replay will not find what it needs */ }
      if (at > 0) kept.push(line.slice(0, at));
    }
    out.text = kept.join("\n");
  }
  return events;
}

/** Verdicts of the replay, or why there are none. */
export type ReplayOutcome = { verdicts: Map<string, ReplayVerdict> } | { error: string };

function denoDir(): string | undefined {
  const explicit = Deno.env.get("DENO_DIR");
  if (explicit) return explicit;
  const home = Deno.env.get("HOME");
  return home ? join(home, ".cache", "deno") : undefined;
}

/**
 * Runs the replay module (written to `modulePath`) on the records of the given graded cells in a
 * fresh Deno process that may read the project and nothing else may do: no writes, no network, no
 * subprocesses.
 */
export async function replayVerdicts(
  modulePath: string,
  records: Map<string, unknown[]>,
  { seconds = 120, heapMb = 1024 }: { seconds?: number; heapMb?: number } = {},
): Promise<ReplayOutcome> {
  if (records.size === 0) return { verdicts: new Map() };
  const reads = [ROOT, denoDir()].filter((p): p is string => !!p);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--config=${join(ROOT, "deno.json")}`,
      `--lock=${join(ROOT, "deno.lock")}`,
      "--no-prompt",
      "--quiet",
      `--allow-read=${reads.join(",")}`,
      `--v8-flags=--max-old-space-size=${heapMb}`,
      modulePath,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, seconds * 1000);
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(JSON.stringify({ cells: Object.fromEntries(records) })),
  )
    .catch(() => {});
  await writer.close().catch(() => {});
  const out = await child.output().catch(() => undefined);
  clearTimeout(timer);
  const stdout = out ? new TextDecoder().decode(out.stdout) : "";
  const at = stdout.lastIndexOf(`\n${RESULT_MARK}`);
  if (!out || at < 0) {
    const err = out ? new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3) : [];
    return {
      error: `the grader's own check of the values failed (${
        out?.success === false && out.signal === "SIGKILL"
          ? `stopped after ${seconds} s`
          : err.join(" | ") || "no result"
      })`,
    };
  }
  const parsed = JSON.parse(stdout.slice(at + RESULT_MARK.length + 1).split("\n")[0]) as Record<
    string,
    ReplayVerdict
  >;
  return { verdicts: new Map(Object.entries(parsed)) };
}

/**
 * Executes a notebook for grading: its graded cells (at `gradedAt`, as in the source) are swapped
 * for their recording versions, the notebook runs in the sandbox, the record lines are taken out of
 * the outputs (the cells get their own sources back), and the replay decides every graded cell
 * that ran to its end in the kernel.
 */
export async function executeAndReplay(
  plan: ReplayPlan,
  notebook: Notebook,
  gradedAt: Map<string, number>,
  name: string,
  limits: SandboxLimits & { timeout: number; replayModule: string },
): Promise<{ result: SandboxResult; replay: ReplayOutcome }> {
  const sources = new Map<number, NotebookCell["source"]>();
  for (const [id, at] of gradedAt) {
    const kernelSource = plan.kernelSources.get(id);
    if (kernelSource === undefined) continue;
    sources.set(at, notebook.cells[at].source);
    notebook.cells[at].source = kernelSource;
  }
  const result = await runSandboxed(JSON.stringify(notebook), name, limits);
  for (const [at, source] of sources) notebook.cells[at].source = source;
  const records = new Map<string, unknown[]>();
  for (const [id, at] of gradedAt) {
    const cell = result.notebook?.cells[at];
    if (cell && sources.has(at)) cell.source = sources.get(at)!;
    records.set(id, cell ? takeRecords(cell) : []);
  }
  const decide = new Map(completedGraded(gradedAt, result).map((id) => [id, records.get(id)!]));
  const replay = await replayVerdicts(limits.replayModule, decide, {
    seconds: limits.timeout * (gradedAt.size + 1) + 30,
  });
  return { result, replay };
}
