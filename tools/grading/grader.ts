/**
 * Grades a folder of submissions (one folder per student, holding their .ipynb files) against the
 * instructor's source notebooks: restore, execute in the sandbox, score, write `grades.csv` and
 * the feedback pages. Submissions are read once into memory and never written; their SHA-256 is
 * checked again at the end.
 *
 * @module
 */

import { basename, join } from "node:path";
import { NOTEBOOKS_DIR, pool } from "../course.ts";
import { ROOT } from "../setup.ts";
import type { Notebook } from "../exercises.ts";
import {
  assemble,
  cellHashesOf,
  gradedCells,
  InvalidSubmission,
  parseSubmission,
  sha256Hex,
} from "./assemble.ts";
import { feedbackPage, type NotebookGrade, rows, toCsv } from "./report.ts";
import { sandboxAvailable } from "./sandbox.ts";
import { otherErrors, score } from "./score.ts";
import { executeAndReplay, planReplay, type ReplayPlan } from "./verdict.ts";

/** Options of {@link gradeAll}. */
export interface GradeOptions {
  /** Folder of the instructor's notebooks (default: the course's notebooks/). */
  source?: string;
  /** Output folder (grades.csv, feedback/). */
  out: string;
  /** Parallel notebook executions (default 1). */
  jobs?: number;
  /** Per-cell timeout in seconds (default 30). */
  timeout?: number;
  /** Memory limit per process in MiB (default 3072). */
  memoryMb?: number;
  /** V8 heap limit in MiB (default: a quarter of memoryMb). */
  heapMb?: number;
  /**
   * release/checksums.json of the release the students worked on: a read-only cell that matches
   * its recorded checksum is not reported as changed even if the source was edited since.
   * Default: `<project>/release/checksums.json` when grading the course's notebooks/ and it exists.
   */
  checksums?: string;
  /** Progress lines go here (default: stderr). */
  log?: (line: string) => void;
}

/** A source notebook with exercises. */
export interface SourceNotebook {
  name: string;
  notebook: Notebook;
  graded: { gradeId: string; points: number; index: number }[];
  /** How its graded cells run in the kernel and in the replay (see verdict.ts). */
  plan: ReplayPlan;
}

/** The source notebooks that have graded cells, by file name. */
export function loadSources(dir: string): SourceNotebook[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => e.name)
    .sort()
    .flatMap((name) => {
      const notebook = JSON.parse(Deno.readTextFileSync(join(dir, name))) as Notebook;
      const graded = gradedCells(notebook);
      return graded.length ? [{ name, notebook, graded, plan: planReplay(notebook) }] : [];
    });
}

interface Job {
  student: string;
  source: SourceNotebook;
  path?: string;
}

/** The result of a grading run. */
export interface GradeRun {
  grades: NotebookGrade[];
  csv: string;
  /** Submissions whose bytes changed during grading (must be empty). */
  modified: string[];
  seconds: number;
}

/** grade_id → sha256 per notebook, from release/checksums.json (empty when absent). */
function readChecksums(path?: string): Record<string, Record<string, string>> {
  if (!path) return {};
  let data: Record<string, Record<string, { sha256?: string }>>;
  try {
    data = JSON.parse(Deno.readTextFileSync(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return {};
    throw new Error(`${path}: not readable as the release's checksums (${(e as Error).message})`);
  }
  return Object.fromEntries(
    Object.entries(data).map(([nb, cells]) => [
      nb,
      Object.fromEntries(
        Object.entries(cells).flatMap(([id, c]) => (c?.sha256 ? [[id, c.sha256]] : [])),
      ),
    ]),
  );
}

function sanitizeName(s: string): string {
  return s.replace(/[^\w.@-]+/g, "_").replace(/^\.+/, "_") || "_";
}

async function gradeOne(
  job: Job,
  bytes: Uint8Array | undefined,
  opts: Required<Pick<GradeOptions, "timeout" | "memoryMb">> & {
    heapMb?: number;
    releasedSums?: Record<string, string>;
    /** The source's replay module, written to a file. */
    replayModule: string;
  },
): Promise<NotebookGrade> {
  const { student, source } = job;
  const base = { student, notebook: source.name, notices: [] };
  const zero = (status: "missing" | "invalid", message: string): NotebookGrade => ({
    ...base,
    problem: message,
    results: source.graded.map((g) => ({
      gradeId: g.gradeId,
      points: 0,
      maxPoints: g.points,
      status,
      message,
    })),
  });
  if (!bytes) return zero("missing", `${source.name} was not submitted`);
  let submission: Notebook;
  try {
    const kernel = (source.notebook.metadata as { kernelspec?: { name?: string } }).kernelspec
      ?.name ?? "deno";
    submission = parseSubmission(bytes, kernel);
  } catch (e) {
    if (e instanceof InvalidSubmission) return zero("invalid", `not graded: ${e.message}`);
    throw e;
  }
  const { notebook, notices, gradedAt } = assemble(source.notebook, submission, {
    releasedSums: opts.releasedSums,
    cellHashes: await cellHashesOf(submission),
  });
  const { result, replay } = await executeAndReplay(
    source.plan,
    notebook,
    gradedAt,
    source.name,
    opts,
  );
  return {
    ...base,
    notices,
    results: score(source.graded, gradedAt, result, opts, replay),
    cellErrors: otherErrors(result, new Set(gradedAt.values())),
  };
}

/** Grades every student folder in `submissions`; writes grades.csv and feedback/ into `out`. */
export async function gradeAll(submissions: string, options: GradeOptions): Promise<GradeRun> {
  const started = performance.now();
  const {
    source = NOTEBOOKS_DIR,
    out,
    jobs = 1,
    timeout = 30,
    memoryMb = 3072,
    heapMb,
    checksums = source === NOTEBOOKS_DIR ? join(ROOT, "release", "checksums.json") : undefined,
    log = (l: string) => console.error(l),
  } = options;
  const unavailable = await sandboxAvailable();
  if (unavailable) throw new Error(`cannot grade safely: ${unavailable}`);
  const sources = loadSources(source);
  const recorded = readChecksums(checksums);
  if (sources.length === 0) throw new Error(`no notebook with graded cells in ${source}`);
  const students = [...Deno.readDirSync(submissions)]
    .filter((e) => e.isDirectory && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  // Read every submission once, hashing it; nothing else reads them.
  const files = new Map<string, { bytes: Uint8Array; hash: string }>();
  const extra: NotebookGrade[] = [];
  const jobList: Job[] = [];
  for (const student of students) {
    const dir = join(submissions, student);
    const entries = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".ipynb"));
    const names = entries.filter((e) => e.isFile).map((e) => e.name).sort();
    // A link could point at another student's work or the grades: never followed.
    for (const name of entries.filter((e) => !e.isFile).map((e) => e.name).sort()) {
      extra.push({
        student,
        notebook: name,
        results: [],
        notices: [{
          gradeId: "",
          kind: "unknown-cell",
          message: `${name} is not a regular file (a link or a folder); it was not read`,
        }],
      });
    }
    for (const name of names) {
      const path = join(dir, name);
      const bytes = await Deno.readFile(path);
      files.set(path, { bytes, hash: await sha256Hex(bytes) });
      if (!sources.some((s) => s.name === name)) {
        extra.push({
          student,
          notebook: name,
          results: [],
          notices: [{
            gradeId: "",
            kind: "unknown-cell",
            message: `${name} does not match any course notebook (${
              sources.map((s) => s.name).join(", ")
            }); it was not graded`,
          }],
        });
      }
    }
    for (const src of sources) {
      const path = join(dir, src.name);
      jobList.push({ student, source: src, path: files.has(path) ? path : undefined });
    }
  }
  // The replay modules (trusted code only: the library, the instructor's cells, the tests).
  const replayDir = await Deno.makeTempDir({ prefix: "grade-replay-" });
  const modules = new Map<string, string>();
  for (const src of sources) {
    if (src.plan.problems.length) {
      throw new Error(
        `${src.name}: the grader cannot check these graded cells outside the student's kernel: ` +
          src.plan.problems.join("; "),
      );
    }
    const path = join(replayDir, `${src.name.replace(/\.ipynb$/, "")}.replay.ts`);
    await Deno.writeTextFile(path, src.plan.module);
    modules.set(src.name, path);
  }
  let done = 0;
  const grades = await pool(jobList, Math.max(1, jobs), async (job) => {
    const t0 = performance.now();
    const g = await gradeOne(job, job.path ? files.get(job.path)!.bytes : undefined, {
      timeout,
      memoryMb,
      heapMb,
      releasedSums: recorded[job.source.name],
      replayModule: modules.get(job.source.name)!,
    });
    done++;
    const got = g.results.reduce((s, r) => s + r.points, 0);
    const max = g.results.reduce((s, r) => s + r.maxPoints, 0);
    log(
      `grade: [${done}/${jobList.length}] ${job.student}/${job.source.name}: ${got}/${max} ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    return g;
  });
  await Deno.remove(replayDir, { recursive: true }).catch(() => {});
  // Unknown notebooks are listed after the graded ones of the same student.
  const all: NotebookGrade[] = [];
  for (const student of students) {
    all.push(...grades.filter((g) => g.student === student));
    all.push(...extra.filter((g) => g.student === student));
  }
  const csv = toCsv(all.flatMap(rows));
  await Deno.mkdir(join(out, "feedback"), { recursive: true });
  await Deno.writeTextFile(join(out, "grades.csv"), csv);
  for (const student of students) {
    await Deno.writeTextFile(
      join(out, "feedback", `${sanitizeName(student)}.html`),
      feedbackPage(student, all.filter((g) => g.student === student)),
    );
  }
  const modified: string[] = [];
  for (const [path, { hash }] of files) {
    const now = await Deno.readFile(path).then(sha256Hex).catch(() => "gone");
    if (now !== hash) modified.push(path);
  }
  if (modified.length) {
    log(`grade: WARNING: submissions changed during grading: ${modified.map((p) => basename(p))}`);
  }
  return { grades: all, csv, modified, seconds: (performance.now() - started) / 1000 };
}
