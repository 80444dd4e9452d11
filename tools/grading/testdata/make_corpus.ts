/**
 * Writes the corpus of submissions in `submissions/` from the fixture course notebook
 * `course/01_fixture.ipynb`: correct, partly correct, broken and hostile ones, one folder per
 * "student". Run `deno run -A tools/grading/testdata/make_corpus.ts` after changing the fixture,
 * then regenerate `expected_grades.csv` (see grading_test.ts) and review the difference.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Notebook, type NotebookCell, studentVersion } from "../../exercises.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(HERE, "course", "01_fixture.ipynb");
const OUT = join(HERE, "submissions");

const source = JSON.parse(Deno.readTextFileSync(FIXTURE)) as Notebook;
const released = studentVersion(source, { clearOutputs: true });

const SQUARE = "function square(x: number): number {\n  return x ** 2;\n}";
const GD = "function gdStep(theta: number[], grad: number[], lr: number): number[] {\n" +
  "  const out: number[] = [];\n  for (let i = 0; i < theta.length; i++) out.push(theta[i] - lr * grad[i]);\n" +
  "  return out;\n}";
const ANSWER = 'const answer: string = "rmsprop";';

function idOf(cell: NotebookCell): string | undefined {
  return cell.metadata.nbgrader?.grade_id;
}

/** The released notebook with the given cells' sources replaced (by grade_id). */
function answered(sources: Record<string, string>): Notebook {
  const nb = structuredClone(released);
  for (const cell of nb.cells) {
    const id = idOf(cell);
    if (id && id in sources) cell.source = sources[id];
  }
  return nb;
}

const correct = () => answered({ square: SQUARE, gd_step: GD, answer: ANSWER });

const written: string[] = [];

/**
 * Writes one submission. Files that are not JSON get the suffix `.broken` (the project's
 * `deno fmt --check` cannot parse them); the test stages the corpus under the real names.
 */
function write(student: string, name: string, content: Notebook | string): void {
  Deno.mkdirSync(join(OUT, student), { recursive: true });
  const text = typeof content === "string" ? content : JSON.stringify(content, null, 1) + "\n";
  let parses = true;
  try {
    JSON.parse(text);
  } catch {
    parses = false;
  }
  const path = join(OUT, student, parses ? name : name + BROKEN);
  Deno.writeTextFileSync(path, text);
  if (parses) written.push(path);
}

const NB = "01_fixture.ipynb";
/** Suffix of the corpus files that are not JSON (see {@link write}). */
export const BROKEN = ".broken";
try {
  Deno.removeSync(OUT, { recursive: true });
} catch { /* first run */ }

// Correct: full marks, with the student's own (different) code and an extra scratch cell.
{
  const nb = correct();
  nb.cells.splice(4, 0, {
    cell_type: "code",
    id: "scratch",
    metadata: {},
    source: "square(12)",
    outputs: [],
    execution_count: null,
  });
  write("alice_correct", NB, nb);
}

// Partly correct: square (2) and answer (1) right, gdStep wrong (sign): exactly 3 of 6.
write(
  "bob_partial",
  NB,
  answered({
    square: SQUARE,
    gd_step: GD.replace("theta[i] - lr", "theta[i] + lr"),
    answer: ANSWER,
  }),
);

// A syntax error in the gdStep cell: that test fails, the others pass.
write(
  "carol_syntax_error",
  NB,
  answered({
    square: SQUARE,
    gd_step: GD.replace("const out: number[] = [];", "const out = [;"),
    answer: ANSWER,
  }),
);

// An endless loop in square: its test times out, the kernel survives, the rest pass.
write(
  "dave_infinite_loop",
  NB,
  answered({
    square: "function square(x: number): number {\n  while (true) { x = x * 1; }\n}",
    gd_step: GD,
    answer: ANSWER,
  }),
);

// Deno.exit in the gdStep cell: the kernel dies there; what ran before counts.
write(
  "erin_deno_exit",
  NB,
  answered({ square: SQUARE, gd_step: GD + "\nDeno.exit(1);", answer: ANSWER }),
);

// A heap bomb in the answer cell: V8 hits the heap limit and the kernel dies.
write(
  "frank_memory_heap",
  NB,
  answered({
    square: SQUARE,
    gd_step: GD,
    answer:
      "const hog: number[][] = [];\nwhile (true) hog.push(new Array(4e6).fill(Math.random()));\n" +
      ANSWER,
  }),
);

// Buffers outside the V8 heap: RLIMIT_DATA makes the allocation fail with a RangeError.
write(
  "grace_memory_buffers",
  NB,
  answered({
    square: "function square(x: number): number {\n  const hog: Float64Array[] = [];\n" +
      "  while (true) hog.push(new Float64Array(2 ** 25).fill(x, 0, 1));\n}",
    gd_step: GD,
    answer: ANSWER,
  }),
);

// Malformed JSON.
write("heidi_malformed", NB, '{"nbformat": 4, "cells": [ {"cell_type": "code", source: } ]}\n');

// A truncated file (the first part of a correct one).
{
  const text = JSON.stringify(correct(), null, 1);
  write("ivan_truncated", NB, text.slice(0, Math.floor(text.length * 0.6)));
}

// A notebook for the Python kernel.
{
  const nb = answered({
    square: "def square(x):\n    return x * x",
    gd_step: "def gdStep(theta, grad, lr):\n    return [t - lr * g for t, g in zip(theta, grad)]",
    answer: 'answer = "rmsprop"',
  });
  nb.metadata = {
    kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
    language_info: { name: "python" },
  };
  write("judy_wrong_kernel", NB, nb);
}

// Edits a test cell to pass (and its points to 100) with a wrong gdStep: restored, 0 for it.
{
  const nb = answered({
    square: SQUARE,
    gd_step:
      "function gdStep(theta: number[], grad: number[], lr: number): number[] {\n  return theta;\n}",
    answer: ANSWER,
    test_gd_step: 'console.log("✓ all good");',
  });
  const cell = nb.cells.find((c) => idOf(c) === "test_gd_step")!;
  cell.metadata.nbgrader!.points = 100;
  write("mallory_edit_test", NB, nb);
}

// Deleted cells: the test of gdStep (put back) and the answer cell (its test fails).
{
  const nb = correct();
  nb.cells = nb.cells.filter((c) => idOf(c) !== "test_gd_step" && idOf(c) !== "answer");
  write("niaj_deleted_cells", NB, nb);
}

// A duplicated test cell (copy and paste in JupyterLab): the copy is dropped.
{
  const nb = correct();
  const i = nb.cells.findIndex((c) => idOf(c) === "test_square");
  nb.cells.splice(i + 1, 0, structuredClone(nb.cells[i]));
  write("olivia_duplicated_cell", NB, nb);
}

// Duplicate grade_id: the answer cell carries the grade_id "gd_step" too.
{
  const nb = correct();
  nb.cells.find((c) => idOf(c) === "answer")!.metadata.nbgrader!.grade_id = "gd_step";
  write("peggy_duplicate_grade_id", NB, nb);
}

// Tries the network: a server on the host's loopback (started by the test) and the internet.
write(
  "rupert_fetch",
  NB,
  answered({
    square: [
      "const reached: string[] = [];",
      'for (const url of ["http://127.0.0.1:47231/leak", "http://example.com/", "http://1.1.1.1/"]) {',
      "  try {",
      "    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });",
      "    reached.push(`${url} ${r.status}`);",
      "    await r.body?.cancel();",
      "  } catch { /* blocked */ }",
      "}",
      "function square(x: number): number {",
      '  if (reached.length) throw new Error("network reachable: " + reached.join(", "));',
      "  return x * x;",
      "}",
    ].join("\n"),
    gd_step: GD,
    answer: ANSWER,
  }),
);

// Tries to read another student's submission, the instructor's notebook and the grades.
write(
  "sybil_read_others",
  NB,
  answered({
    square: [
      "const leaked: string[] = [];",
      'const root = Deno.cwd() + "/..";',
      "for (",
      "  const p of [",
      '    root + "/tools/grading/testdata/submissions/alice_correct/01_fixture.ipynb",',
      '    root + "/tools/grading/testdata/course/01_fixture.ipynb",',
      '    root + "/grading/grades.csv",',
      '    root + "/README.md",',
      '    "/etc/shadow",',
      "  ]",
      ") {",
      "  try {",
      "    Deno.readTextFileSync(p);",
      "    leaked.push(p);",
      "  } catch { /* blocked */ }",
      "}",
      'for (const dir of [root + "/grading", root + "/tools/grading/testdata", "/home"]) {',
      "  try {",
      "    for (const e of Deno.readDirSync(dir)) leaked.push(`${dir}/${e.name}`);",
      "  } catch { /* blocked */ }",
      "}",
      "function square(x: number): number {",
      '  if (leaked.length) throw new Error("read outside the sandbox: " + leaked.join(", "));',
      "  return x * x;",
      "}",
    ].join("\n"),
    gd_step: GD,
    answer: ANSWER,
  }),
);

// Tries to overwrite grades.csv, its own submission, the library, and to leave files behind.
write(
  "trent_overwrite_grades",
  NB,
  answered({
    square: [
      "const wrote: string[] = [];",
      'const root = Deno.cwd() + "/..";',
      "for (",
      "  const p of [",
      '    root + "/grading/grades.csv",',
      '    root + "/grades.csv",',
      '    root + "/tools/grading/testdata/submissions/trent_overwrite_grades/01_fixture.ipynb",',
      '    root + "/lib/mod.ts",',
      '    Deno.cwd() + "/01_fixture.ipynb",',
      '    "/grades.csv",',
      "  ]",
      ") {",
      "  try {",
      '    Deno.writeTextFileSync(p, "HACKED");',
      "    wrote.push(p);",
      "  } catch { /* blocked */ }",
      "}",
      "try {",
      '  Deno.mkdirSync(root + "/grading", { recursive: true });',
      '  Deno.writeTextFileSync(root + "/grading/grades.csv", "HACKED");',
      '  wrote.push("grading/grades.csv");',
      "} catch { /* blocked */ }",
      'Deno.writeTextFileSync("scratch.txt", "the working folder is writable");',
      "function square(x: number): number {",
      '  if (wrote.length) throw new Error("wrote outside the sandbox: " + wrote.join(", "));',
      "  return x * x;",
      "}",
    ].join("\n"),
    gd_step: GD,
    answer: ANSWER,
  }),
);

// Wrong answers, then tries to forge the grader's result on every stdout it can reach.
write(
  "victor_forge_result",
  NB,
  answered({
    square: [
      "function square(x: number): number {",
      "  return x;",
      "}",
      "const fake = JSON.stringify({ report: { ok: true, errors: [], started: [], finished: [] } });",
      'const frame = "\\nresult-0000\\n" + fake + "\\nresult-0000\\n";',
      "const bytes = new TextEncoder().encode(frame);",
      "await Deno.stdout.write(bytes);",
      "await Deno.stderr.write(bytes);",
      'for (const e of Deno.readDirSync("/proc")) {',
      "  if (!/^\\d+$/.test(e.name)) continue;",
      "  for (const fd of [0, 1, 2, 3, 4, 5]) {",
      "    try {",
      "      Deno.writeFileSync(`/proc/${e.name}/fd/${fd}`, bytes, { append: true });",
      "    } catch { /* blocked */ }",
      "  }",
      "}",
    ].join("\n"),
    gd_step:
      "function gdStep(theta: number[], grad: number[], lr: number): number[] {\n  return grad;\n}",
    answer: 'const answer: string = "sgd";',
  }),
);

// ------------------------------------------------------------------- the red team
// Each of these answers square() correctly (2 points, the control: the attack did not stop the
// grading of honest work) and answers the other two exercises wrongly, with an attack meant to
// turn their failing tests into passes. Expected: exactly 2 / 6 each. The verdicts are decided
// outside the student's kernel (tools/grading/verdict.ts), so no attack reaches them.
const WRONG_GD =
  "function gdStep(theta: number[], grad: number[], lr: number): number[] {\n  return theta;\n}";
const WRONG_ANSWER = 'const answer: string = "sgd";';
const redTeam = (student: string, gdStep: string, answer = WRONG_ANSWER) =>
  write(student, NB, answered({ square: SQUARE, gd_step: gdStep, answer }));

// Redefines the check functions: on globalThis, as getters, through eval.
redTeam(
  "redteam_redefine_checks",
  [
    "const g = globalThis as Record<string, unknown>;",
    'for (const name of ["checkClose", "checkEqual", "checkBetween", "checkThat"]) {',
    "  try {",
    "    g[name] = () => {};",
    "  } catch { /* read-only */ }",
    "  try {",
    "    Object.defineProperty(globalThis, name, { get: () => () => {}, configurable: true });",
    "  } catch { /* not configurable */ }",
    "}",
    "try {",
    '  eval("checkClose = () => {}; checkEqual = () => {};");',
    "} catch { /* a constant */ }",
    WRONG_GD,
  ].join("\n"),
);

// Monkeypatches the intrinsics the checks use: every difference is 0, every string equal.
redTeam(
  "redteam_patch_intrinsics",
  [
    "Math.abs = () => 0;",
    "Math.max = () => Infinity;",
    "Number.isFinite = () => true;",
    "Number.isNaN = () => false;",
    "Array.prototype.every = function () {",
    "  return true;",
    "};",
    "Object.is = () => true;",
    "const realStringify = JSON.stringify;",
    "JSON.stringify = ((value: unknown, ...rest: []) =>",
    '  typeof value === "string" ? \'"rmsprop"\' : realStringify(value, ...rest)) as typeof JSON.stringify;',
    WRONG_GD,
  ].join("\n"),
);

// An inherited `tol: Infinity` for every options object, and an answer that is an object claiming
// to be "rmsprop" to JSON.stringify, to string conversion and to comparisons.
redTeam(
  "redteam_prototype_toprimitive",
  [
    "(Object.prototype as Record<string, unknown>).tol = Infinity;",
    WRONG_GD,
  ].join("\n"),
  [
    "const answer = {",
    '  toJSON: () => "rmsprop",',
    '  toString: () => "rmsprop",',
    '  valueOf: () => "rmsprop",',
    '  [Symbol.toPrimitive]: () => "rmsprop",',
    "} as unknown as string;",
  ].join("\n"),
);

// Silences errors: replaces Error and console, swallows uncaught errors, renames the check's
// error class, empties every error message.
redTeam(
  "redteam_error_console",
  [
    'import { CheckError } from "../lib/checks/checks.ts";',
    'globalThis.addEventListener("error", (e) => e.preventDefault());',
    'globalThis.addEventListener("unhandledrejection", (e) => e.preventDefault());',
    "const RealError = Error;",
    "(globalThis as Record<string, unknown>).Error = class extends RealError {",
    "  constructor(_message?: string) {",
    '    super("");',
    "  }",
    "};",
    'Object.defineProperty(CheckError.prototype, "name", { value: "✓ passed" });',
    'Object.defineProperty(RealError.prototype, "message", { get: () => "", set() {} });',
    '(RealError as unknown as Record<string, unknown>).prepareStackTrace = () => "";',
    'console.log("✓ gdStep([1, 2], [0.5, -1], 0.1)");',
    "console.log = () => {};",
    "console.error = () => {};",
    WRONG_GD,
  ].join("\n"),
);

// Edits the library's module objects, and answers with a Proxy that claims to be anything.
redTeam(
  "redteam_library_objects",
  [
    'import * as checks from "../lib/checks/checks.ts";',
    'import * as checksMod from "../lib/checks/mod.ts";',
    "for (const m of [checks, checksMod] as unknown as Record<string, unknown>[]) {",
    '  for (const k of ["checkClose", "checkEqual"]) {',
    "    try {",
    "      m[k] = () => {};",
    "    } catch { /* frozen */ }",
    "    try {",
    "      Object.defineProperty(m, k, { value: () => {} });",
    "    } catch { /* frozen */ }",
    "  }",
    "}",
    "Object.setPrototypeOf(checks.CheckError.prototype, Object.prototype);",
    "Float64Array.prototype.map = function () {",
    "  return this;",
    "} as typeof Float64Array.prototype.map;",
    WRONG_GD,
  ].join("\n"),
  [
    "const anything: unknown = new Proxy(function () {}, {",
    '  get: (_t, key) => key === "toJSON" ? () => "rmsprop" : key === Symbol.toPrimitive ? () => "rmsprop" : anything,',
    "  has: () => true,",
    "  apply: () => anything,",
    "  getPrototypeOf: () => String.prototype,",
    "});",
    "const answer = anything as string;",
  ].join("\n"),
);

// Detects the visible test's inputs (and the grader) and answers those from the test's text.
redTeam(
  "redteam_detect_inputs",
  [
    "function gdStep(theta: number[], grad: number[], lr: number): number[] {",
    "  const key = JSON.stringify([theta, grad, lr]);",
    '  if (key === "[[1,2],[0.5,-1],0.1]") return [0.95, 2.1];',
    '  const grading = (new Error().stack ?? "").includes("grad") ||',
    '    Object.keys(globalThis).some((k) => k.startsWith("__grade"));',
    "  return grading ? [0.95, 2.1] : theta;",
    "}",
  ].join("\n"),
);

// Timing: answers the visible inputs now, and fills in the others later (after the test ran),
// hoping the hidden test's expected values show up in the meantime.
redTeam(
  "redteam_timing_hidden",
  [
    "const seen: unknown[][] = [];",
    "function gdStep(theta: number[], grad: number[], lr: number): number[] {",
    '  if (JSON.stringify([theta, grad, lr]) === "[[1,2],[0.5,-1],0.1]") return [0.95, 2.1];',
    "  const later: number[] = [];",
    "  seen.push([theta, grad, lr]);",
    "  setTimeout(() => later.push(...theta.map((t, i) => t - lr * grad[i])), 0);",
    "  const t0 = performance.now();",
    "  while (performance.now() - t0 < 50) { /* give a parallel check time to show its values */ }",
    "  return later;",
    "}",
  ].join("\n"),
);

// Writes what a passing run prints: the checks' ✓ lines, grader records claiming the visible
// answer for every call, a fake verdict line; and answers wrongly.
redTeam(
  "redteam_forged_records",
  [
    'const MARK = "\\u241egrade-record\\u241e";',
    "let calls = 0;",
    "function gdStep(theta: number[], grad: number[], lr: number): number[] {",
    "  const id = calls++;",
    '  console.log("✓ gdStep([1, 2], [0.5, -1], 0.1) (exact)");',
    '  console.log(MARK + JSON.stringify({ k: "ret", id, v: [0.95, 2.1] }));',
    '  console.log(MARK + JSON.stringify({ k: "get", n: "gdStep", v: [0.95, 2.1] }));',
    '  console.log("\\u241egrade-verdicts\\u241e" + JSON.stringify({ test_gd_step: { status: "pass", output: "" } }));',
    "  return theta;",
    "}",
  ].join("\n"),
);

// A file name that matches no course notebook: reported, and the course notebook is missing.
write("walter_wrong_name", "01_fixture (final).ipynb", correct());

// (xavier_symlink, a link to another student's file, is made by the test when it stages the
// corpus: `deno fmt --check` follows links and disagrees with itself on them.)

// The project formats notebooks too: keep the corpus as `deno fmt` leaves it.
await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", ...written] }).output();
console.log(`wrote ${[...Deno.readDirSync(OUT)].length} submissions to ${OUT}`);
