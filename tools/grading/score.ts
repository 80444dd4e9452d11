/**
 * Scores an executed notebook: a graded cell earns its points when it ran without an error output,
 * and nothing otherwise. Says why for every cell that earned nothing.
 *
 * @module
 */

import { cellSource } from "../exercises.ts";
import { heapMb, type SandboxResult } from "./sandbox.ts";
import type { ReplayOutcome } from "./verdict.ts";

/** One graded cell's result. */
export interface CellResult {
  gradeId: string;
  points: number;
  maxPoints: number;
  /** `pass` · `fail` · `timeout` · `crash` (the kernel died in it) · `not-run` · `error` · `invalid` · `missing`. */
  status: "pass" | "fail" | "timeout" | "crash" | "not-run" | "error" | "invalid" | "missing";
  message: string;
  /** What the cell printed (for the feedback page). */
  output?: string;
}

interface Output {
  output_type?: string;
  ename?: string;
  evalue?: string;
  text?: string | string[];
  name?: string;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

function firstLine(source: string): string {
  return source.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
}

/**
 * Scores the graded cells (in source order) of an executed notebook. The kernel's run says only
 * whether a cell ran to its end (`timeout`, `crash`, `not-run` earn nothing); whether a cell that
 * ran passes is the replay's verdict (`replay`, see verdict.ts), never the kernel's.
 */
export function score(
  graded: { gradeId: string; points: number }[],
  gradedAt: Map<string, number>,
  result: SandboxResult,
  { memoryMb, heapMb: heap }: { memoryMb: number; heapMb?: number },
  replay: ReplayOutcome,
): CellResult[] {
  const { report, notebook, failure } = result;
  const problem = failure ?? report.executor_error ?? report.input_error;
  if (problem || !notebook) {
    return graded.map((g) => ({
      gradeId: g.gradeId,
      points: 0,
      maxPoints: g.points,
      status: "error",
      message: `the notebook could not be graded: ${problem ?? "no executed notebook came back"}`,
    }));
  }
  // Where the kernel died: the last code cell that started but never finished.
  let diedAt = -1;
  const finished = new Set(report.finished ?? []);
  if (report.kernel_died) {
    for (const i of report.started ?? []) {
      if (notebook.cells[i]?.cell_type === "code" && !finished.has(i)) diedAt = i;
    }
  }
  const cause = report.memory_exhausted
    ? `the kernel ran out of memory (heap limit ${heap ?? heapMb(memoryMb)} MiB)`
    : "the kernel died (Deno.exit(), a crash, or memory exhaustion)";
  const where = diedAt >= 0
    ? ` in cell ${diedAt + 1} (${firstLine(cellSource(notebook.cells[diedAt])).slice(0, 60)})`
    : "";
  return graded.map((g) => {
    const base = { gradeId: g.gradeId, maxPoints: g.points };
    const at = gradedAt.get(g.gradeId);
    if (at === undefined) {
      return { ...base, points: 0, status: "error", message: "the graded cell is missing" };
    }
    const cell = notebook.cells[at];
    const outputs = (cell?.outputs ?? []) as Output[];
    const printed = outputs.filter((o) => o.output_type === "stream")
      .map((o) => [o.text ?? ""].flat().join("")).join("").replace(ANSI, "");
    const error = outputs.find((o) => o.output_type === "error");
    if (!error && report.kernel_died && !finished.has(at)) {
      return at === diedAt
        ? { ...base, points: 0, status: "crash", message: `${cause} in this cell`, output: printed }
        : { ...base, points: 0, status: "not-run", message: `not run: ${cause}${where}` };
    }
    if (error?.ename === "CellTimeoutError") {
      return {
        ...base,
        points: 0,
        status: "timeout",
        message: `${error.ename}: ${(error.evalue ?? "").replace(ANSI, "")}`.trim(),
        output: printed,
      };
    }
    if ("error" in replay) {
      return { ...base, points: 0, status: "error", message: replay.error, output: printed };
    }
    const verdict = replay.verdicts.get(g.gradeId);
    if (!verdict) {
      return {
        ...base,
        points: 0,
        status: "error",
        message: "the grader's own check of the values gave no verdict for this cell",
        output: printed,
      };
    }
    if (verdict.status === "pass") {
      return { ...base, points: g.points, status: "pass", message: "", output: verdict.output };
    }
    return {
      ...base,
      points: 0,
      status: "fail",
      message: `${verdict.ename ?? "Error"}: ${verdict.evalue ?? ""}`.trim(),
      output: verdict.output,
    };
  });
}

/** The graded cells that ran to their end in the kernel (the ones the replay decides). */
export function completedGraded(
  gradedAt: Map<string, number>,
  result: SandboxResult,
): string[] {
  const { report, notebook, failure } = result;
  if (failure || report.executor_error || report.input_error || !notebook) return [];
  const finished = new Set(report.finished ?? []);
  return [...gradedAt].filter(([_, at]) => {
    const outputs = (notebook.cells[at]?.outputs ?? []) as Output[];
    const error = outputs.find((o) => o.output_type === "error");
    if (error?.ename === "CellTimeoutError") return false;
    return !!error || !report.kernel_died || finished.has(at);
  }).map(([id]) => id);
}

/** An error in a cell that is not graded (an answer or the student's own cell), for the feedback page. */
export interface CellError {
  gradeId?: string;
  firstLine: string;
  message: string;
}

/** The errors of the cells that are not graded, in notebook order. */
export function otherErrors(result: SandboxResult, graded: Set<number>): CellError[] {
  return (result.notebook?.cells ?? []).flatMap((cell, i) => {
    if (graded.has(i) || cell.cell_type !== "code") return [];
    const error = ((cell.outputs ?? []) as Output[]).find((o) => o.output_type === "error");
    if (!error) return [];
    return [{
      gradeId: cell.metadata?.nbgrader?.grade_id,
      firstLine: firstLine(cellSource(cell)).slice(0, 80),
      message: `${error.ename ?? "Error"}: ${(error.evalue ?? "").replace(ANSI, "")}`.trim(),
    }];
  });
}
