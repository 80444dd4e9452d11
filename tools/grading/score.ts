/**
 * Scores an executed notebook: a graded cell earns its points when it ran without an error output,
 * and nothing otherwise. Says why for every cell that earned nothing.
 *
 * @module
 */

import { cellSource } from "../exercises.ts";
import { heapMb, type SandboxResult } from "./sandbox.ts";

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

/** Scores the graded cells (in source order) of an executed notebook. */
export function score(
  graded: { gradeId: string; points: number }[],
  gradedAt: Map<string, number>,
  result: SandboxResult,
  { memoryMb, heapMb: heap }: { memoryMb: number; heapMb?: number },
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
    if (error) {
      const ename = error.ename ?? "Error";
      const evalue = (error.evalue ?? "").replace(ANSI, "");
      return {
        ...base,
        points: 0,
        status: ename === "CellTimeoutError" ? "timeout" : "fail",
        message: `${ename}: ${evalue}`.trim(),
        output: printed,
      };
    }
    return { ...base, points: g.points, status: "pass", message: "", output: printed };
  });
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
