/**
 * `deno task release [--source notebooks/] [--out release/] [--timeout 60] [--jobs 2]`: writes the
 * student version of every course notebook that has exercises: solution regions replaced by
 * `// YOUR CODE HERE` and a `throw new Error("not implemented yet")` (indentation kept), hidden tests
 * removed, outputs cleared; and `checksums.json`, the SHA-256 of every graded and locked cell as
 * released.
 *
 * Before writing anything it executes both versions in the grading sandbox (the instructor version
 * as the grader runs a submission: values recorded in the kernel, verdicts from the replay, see
 * tools/grading/verdict.ts) and refuses to release (exit status 1, naming the notebook and cell)
 * when the instructor version fails a graded cell or the replay cannot check it, or when the
 * student version passes one (a test that passes on the stub tests nothing) or fails it with
 * anything but the stub's "not implemented yet" error (directly, or because a cell it depends on
 * raised it). See tools/grading/README.md.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { listNotebooks, pool, stem } from "./course.ts";
import {
  cellSource,
  hasSolution,
  isGraded,
  nbgrader,
  type Notebook,
  studentVersion,
} from "./exercises.ts";
import { ROOT, setup } from "./setup.ts";
import { isProtected, sha256Hex } from "./grading/assemble.ts";
import { runSandboxed, sandboxAvailable, type SandboxResult } from "./grading/sandbox.ts";
import { executeAndReplay, planReplay } from "./grading/verdict.ts";

/** The stub's error message, as thrown by the student version. */
export const STUB_MESSAGE = "not implemented yet";

/** Options of {@link release}. */
export interface ReleaseOptions {
  /** Folder of the instructor's notebooks (default: notebooks/). */
  source?: string;
  /** Output folder (default: release/). */
  out?: string;
  /** Per-cell timeout in seconds (default 60). */
  timeout?: number;
  /** Notebooks executed in parallel (default 2). */
  jobs?: number;
  /** Skip executing the two versions (not recommended). */
  noCheck?: boolean;
  log?: (line: string) => void;
}

/** One released notebook's checksums: grade_id → what was released. */
export type Checksums = Record<
  string,
  Record<string, { kind: "graded" | "locked"; points?: number; sha256: string }>
>;

/** The result of {@link release}. */
export interface ReleaseResult {
  /** Released notebook file names (empty when refused). */
  released: string[];
  /** Why the release was refused (empty when released). */
  problems: string[];
  checksums: Checksums;
}

/** True when a notebook has exercises (graded cells or solution regions). */
export function hasExercises(nb: Notebook): boolean {
  return nb.cells.some((c) => isGraded(c) || nbgrader(c)?.solution || hasSolution(cellSource(c)));
}

function firstLine(source: string): string {
  return (source.split("\n").map((l) => l.trim()).find((l) => l) ?? "").slice(0, 60);
}

function where(name: string, nb: Notebook, i: number): string {
  const id = nbgrader(nb.cells[i])?.grade_id;
  return `${name}: cell ${i + 1}${id ? ` ("${id}")` : ""} (${firstLine(cellSource(nb.cells[i]))})`;
}

/** Static checks of the markup; returns problems. */
export function checkMarkup(name: string, nb: Notebook): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  nb.cells.forEach((cell, i) => {
    const meta = nbgrader(cell);
    if (meta) {
      const id = meta.grade_id;
      if (typeof id !== "string" || id === "") {
        problems.push(`${where(name, nb, i)}: nbgrader metadata without a grade_id`);
      } else if (seen.has(id)) {
        problems.push(
          `${where(name, nb, i)}: grade_id "${id}" is also used by cell ${seen.get(id)! + 1}`,
        );
      } else seen.set(id, i);
      if (isGraded(cell) && !(typeof meta.points === "number" && meta.points > 0)) {
        problems.push(`${where(name, nb, i)}: a graded cell needs points > 0`);
      }
    }
  });
  try {
    studentVersion(nb);
  } catch (e) {
    problems.push(`${name}: ${(e as Error).message}`);
  }
  return problems;
}

interface Outputs {
  output_type?: string;
  ename?: string;
  evalue?: string;
}

function errorOf(result: SandboxResult, i: number): string | undefined {
  const outs = (result.notebook?.cells[i]?.outputs ?? []) as Outputs[];
  const e = outs.find((o) => o.output_type === "error");
  return e ? `${e.ename ?? "Error"}: ${e.evalue ?? ""}`.trim() : undefined;
}

function ranOk(result: SandboxResult, i: number): boolean {
  return (result.report.finished ?? []).includes(i) && errorOf(result, i) === undefined;
}

function runProblem(name: string, which: string, result: SandboxResult): string | undefined {
  const r = result.report;
  const why = result.failure ?? r.executor_error ?? r.input_error ??
    (r.kernel_died ? `the kernel died (${r.kernel_died})` : undefined);
  return why ? `${name}: the ${which} version could not be executed: ${why}` : undefined;
}

/** Checks one notebook by executing both versions; returns problems. */
export async function checkNotebook(
  name: string,
  nb: Notebook,
  student: Notebook,
  { timeout = 60 }: { timeout?: number } = {},
): Promise<string[]> {
  const instructor = structuredClone(nb);
  for (const c of instructor.cells) {
    if (c.cell_type === "code") {
      c.outputs = [];
      c.execution_count = null;
    }
  }
  // The instructor version runs as the grader runs a submission: values recorded in the kernel,
  // every graded cell decided by the replay outside it (tools/grading/verdict.ts).
  const plan = planReplay(nb);
  const problems: string[] = plan.problems.map((p) =>
    `${name}: the grader cannot check this outside the student's kernel: ${p}`
  );
  const gradedAt = new Map<string, number>();
  nb.cells.forEach((c, i) => {
    const id = nbgrader(c)?.grade_id;
    if (isGraded(c) && id) gradedAt.set(id, i);
  });
  const dir = await Deno.makeTempDir({ prefix: "release-replay-" });
  const replayModule = join(dir, "replay.ts");
  await Deno.writeTextFile(replayModule, plan.module);
  const [{ result: ran, replay }, stub] = await Promise.all([
    executeAndReplay(plan, instructor, gradedAt, name, { timeout, replayModule }),
    runSandboxed(JSON.stringify(student), name, { timeout }),
  ]).finally(() => Deno.remove(dir, { recursive: true }).catch(() => {}));
  const graded = nb.cells.flatMap((c, i) => (isGraded(c) ? [i] : []));
  const p1 = runProblem(name, "instructor", ran);
  if (p1) problems.push(p1);
  for (const [id, i] of gradedAt) {
    const verdict = "verdicts" in replay ? replay.verdicts.get(id) : undefined;
    if (!ranOk(ran, i) || verdict?.status !== "pass") {
      const why = errorOf(ran, i) ??
        (verdict?.status === "fail" ? `${verdict.ename}: ${verdict.evalue}` : undefined) ??
        ("error" in replay ? replay.error : "it did not run to the end");
      problems.push(`${where(name, nb, i)}: the instructor version fails this graded cell: ${why}`);
    }
  }
  const p2 = stub.failure ?? stub.report.executor_error;
  if (p2) problems.push(`${name}: the student version could not be executed: ${p2}`);
  for (const i of graded) {
    const err = errorOf(stub, i);
    if (ranOk(stub, i)) {
      problems.push(
        `${where(name, nb, i)}: this graded cell passes on the student version (the stub), ` +
          "so it tests nothing the student writes",
      );
    } else if (err && !err.includes(STUB_MESSAGE)) {
      // A failure is fine when a cell before it raised the stub's error (a dependency).
      const before = student.cells.slice(0, i).some((_, j) =>
        (errorOf(stub, j) ?? "").includes(STUB_MESSAGE)
      );
      if (!before) {
        problems.push(
          `${where(name, nb, i)}: on the student version this graded cell fails with "${err}", ` +
            `not with the stub's "${STUB_MESSAGE}"`,
        );
      }
    } else if (!err) {
      problems.push(
        `${where(name, nb, i)}: on the student version this graded cell did not run to the end` +
          (stub.report.kernel_died ? " (the kernel died)" : ""),
      );
    }
  }
  return problems;
}

/** The checksums of a released notebook's graded and locked cells. */
export async function checksumsOf(student: Notebook): Promise<Checksums[string]> {
  const out: Checksums[string] = {};
  for (const cell of student.cells) {
    const meta = nbgrader(cell);
    if (!meta?.grade_id || !isProtected(cell)) continue;
    out[meta.grade_id] = {
      kind: isGraded(cell) ? "graded" : "locked",
      ...(isGraded(cell) ? { points: meta.points ?? 0 } : {}),
      sha256: await sha256Hex(cellSource(cell)),
    };
  }
  return out;
}

/** Checks every notebook with exercises and, when all is well, writes the release. */
export async function release(options: ReleaseOptions = {}): Promise<ReleaseResult> {
  const {
    source = join(ROOT, "notebooks"),
    out = join(ROOT, "release"),
    timeout = 60,
    jobs = 2,
    noCheck = false,
    log = (l: string) => console.error(l),
  } = options;
  if (!noCheck) {
    const unavailable = await sandboxAvailable();
    if (unavailable) throw new Error(`cannot check the release: ${unavailable}`);
  }
  const notebooks = listNotebooks(source).map((path) => ({
    name: `${stem(path)}.ipynb`,
    nb: JSON.parse(Deno.readTextFileSync(path)) as Notebook,
  })).filter(({ nb }) => hasExercises(nb));
  const problems: string[] = [];
  const students = new Map<string, Notebook>();
  for (const { name, nb } of notebooks) {
    const markup = checkMarkup(name, nb);
    problems.push(...markup);
    if (!markup.length) students.set(name, studentVersion(nb, { clearOutputs: true }));
  }
  if (!noCheck) {
    const checked = await pool(
      notebooks.filter(({ name }) => students.has(name)),
      jobs,
      async ({ name, nb }) => {
        const t0 = performance.now();
        const found = await checkNotebook(name, nb, students.get(name)!, { timeout });
        log(
          `release: checked ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s): ${
            found.length ? `${found.length} problem(s)` : "ok"
          }`,
        );
        return found;
      },
    );
    problems.push(...checked.flat());
  }
  const checksums: Checksums = {};
  if (problems.length) return { released: [], problems, checksums };
  await Deno.mkdir(out, { recursive: true });
  for (const e of Deno.readDirSync(out)) {
    if (e.isFile && (e.name.endsWith(".ipynb") || e.name === "checksums.json")) {
      await Deno.remove(join(out, e.name));
    }
  }
  for (const [name, student] of students) {
    checksums[name] = await checksumsOf(student);
    await Deno.writeTextFile(join(out, name), JSON.stringify(student, null, 1) + "\n");
  }
  await Deno.writeTextFile(
    join(out, "checksums.json"),
    JSON.stringify(checksums, null, 2) + "\n",
  );
  return { released: [...students.keys()], problems, checksums };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      source: { type: "string", default: join(ROOT, "notebooks") },
      out: { type: "string", default: join(ROOT, "release") },
      timeout: { type: "string", default: "60" },
      jobs: { type: "string", default: "2" },
      "no-check": { type: "boolean", default: false },
    },
  });
  await setup();
  const result = await release({
    source: resolve(values.source),
    out: resolve(values.out),
    timeout: Number(values.timeout) || 60,
    jobs: Math.max(1, Number(values.jobs) || 2),
    noCheck: values["no-check"],
  });
  if (result.problems.length) {
    console.error(`release: refused, nothing written:`);
    for (const p of result.problems) console.error(`  ${p}`);
    Deno.exit(1);
  }
  if (!result.released.length) {
    console.error(`release: no notebook in ${values.source} has exercises; nothing to release`);
  } else {
    console.error(
      `release: wrote ${result.released.join(", ")} and checksums.json to ${resolve(values.out)}`,
    );
  }
}
