/**
 * Tests of `release` and `grade`: the markup and restoring logic (fast), the sandbox itself (shell
 * probes), the release checks on the fixture course, and the whole grader on the corpus of hostile
 * and broken submissions in testdata/submissions against testdata/expected_grades.csv.
 *
 * Set UPDATE_EXPECTED=1 to rewrite expected_grades.csv from a run (then review the diff).
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cellSource, type Notebook, type NotebookCell, studentVersion } from "../exercises.ts";
import { ROOT, setup } from "../setup.ts";
import { release } from "../release.ts";
import {
  assemble,
  cellHashesOf,
  InvalidSubmission,
  parseSubmission,
  sha256Hex,
} from "./assemble.ts";
import { gradeAll } from "./grader.ts";
import { feedbackPage, toCsv } from "./report.ts";
import { BWRAP, sandboxArgs } from "./sandbox.ts";

await setup();

const HERE = dirname(fileURLToPath(import.meta.url));
const COURSE = join(HERE, "testdata", "course");
const CORPUS = join(HERE, "testdata", "submissions");
const EXPECTED = join(HERE, "testdata", "expected_grades.csv");
const NB = "01_fixture.ipynb";
const FIXTURE = JSON.parse(Deno.readTextFileSync(join(COURSE, "01_fixture.ipynb"))) as Notebook;
const enc = (s: string) => new TextEncoder().encode(s);

function byId(nb: Notebook, id: string): NotebookCell {
  const cell = nb.cells.find((c) => c.metadata.nbgrader?.grade_id === id);
  assert.ok(cell, `no cell ${id}`);
  return cell;
}

// ---------------------------------------------------------------- reading and restoring (fast)

Deno.test("parseSubmission() says clearly why a file is not a gradable notebook", () => {
  const good = JSON.stringify(FIXTURE);
  const cases: [string, RegExp][] = [
    ["", /empty/],
    ['{"cells": [ oops', /not valid JSON/],
    [good.slice(0, good.length / 2), /truncated/],
    ["[1, 2]", /not a notebook/],
    ['{"nbformat": 3, "cells": []}', /format 4/],
    [
      JSON.stringify({ ...FIXTURE, metadata: { kernelspec: { name: "python3" } } }),
      /kernel "python3", not "deno"/,
    ],
    [JSON.stringify({ ...FIXTURE, cells: [{ cell_type: "code" }] }), /cell 1 is not a valid/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseSubmission(enc(text)), (e: Error) => {
      assert.ok(e instanceof InvalidSubmission);
      assert.match(e.message, message);
      return true;
    });
  }
  assert.equal(parseSubmission(enc(good)).cells.length, FIXTURE.cells.length);
});

Deno.test("assemble() restores tests (hidden ones too), keeps answers, reports what was changed", () => {
  const sub = structuredClone(FIXTURE);
  byId(sub, "square").source = "function square(x: number) { return x * x; }";
  byId(sub, "test_square").source = "// all good";
  sub.cells = sub.cells.filter((c) => c.metadata.nbgrader?.grade_id !== "test_gd_step");
  const copy = structuredClone(byId(sub, "test_answer"));
  sub.cells.push(copy);
  sub.cells.push({ cell_type: "code", metadata: { nbgrader: { grade_id: "mine" } }, source: "1" });
  const { notebook, notices, gradedAt } = assemble(FIXTURE, sub);
  const src = (id: string) => cellSource(notebook.cells[gradedAt.get(id)!]);
  assert.match(src("test_square"), /BEGIN HIDDEN TESTS/);
  assert.match(src("test_square"), /square\(-1\.5\)/);
  assert.equal(
    cellSource(byId(notebook, "square")),
    "function square(x: number) { return x * x; }",
  );
  // The deleted test is back right after the answer it tests.
  assert.equal(
    gradedAt.get("test_gd_step")! - 1,
    notebook.cells.indexOf(byId(notebook, "gd_step")),
  );
  assert.deepEqual(notices.map((n) => [n.kind, n.gradeId]), [
    ["tampered", "test_square"],
    ["duplicate", "test_answer"],
    ["unknown-cell", "mine"],
    ["deleted", "test_gd_step"],
  ]);
  // The duplicate of a read-only cell is gone; every cell has a fresh unique id.
  assert.equal(
    notebook.cells.filter((c) => c.metadata.nbgrader?.grade_id === "test_answer").length,
    1,
  );
  assert.equal(new Set(notebook.cells.map((c) => c.id)).size, notebook.cells.length);
});

Deno.test("assemble() does not blame the student for a test the instructor edited after the release", async () => {
  const sub = studentVersion(FIXTURE);
  const edited = structuredClone(FIXTURE);
  byId(edited, "test_square").source = cellSource(byId(edited, "test_square")).replace(
    "(3)",
    "(4)",
  );
  const releasedSums = { test_square: await sha256Hex('checkClose("square(3)", square(3), 9);') };
  const cellHashes = await cellHashesOf(sub);
  assert.deepEqual(assemble(edited, sub, { releasedSums, cellHashes }).notices, []);
  assert.deepEqual(assemble(edited, sub).notices.map((n) => n.kind), ["tampered"]);
  byId(sub, "test_square").source = "// changed";
  assert.deepEqual(
    assemble(edited, sub, { releasedSums, cellHashes: await cellHashesOf(sub) }).notices.map((n) =>
      n.kind
    ),
    ["tampered"],
  );
});

Deno.test("grades.csv quotes, flattens and defuses messages; the feedback page escapes them", () => {
  const csv = toCsv([{
    student: "=cmd",
    notebook: "n.ipynb",
    grade_id: "t",
    points: 0,
    max_points: 1,
    status: "fail",
    message: 'Error: "quoted", with comma\nand <b>newline</b>',
  }]);
  assert.equal(
    csv.split("\n")[1],
    `'=cmd,n.ipynb,t,0,1,fail,"Error: ""quoted"", with comma and <b>newline</b>"`,
  );
  const html = feedbackPage("<script>", [{
    student: "<script>",
    notebook: "n.ipynb",
    notices: [],
    results: [{
      gradeId: "t",
      points: 0,
      maxPoints: 1,
      status: "fail",
      message: "<img src=x onerror=alert(1)>",
    }],
  }]);
  assert.ok(!html.includes("<script>") && !html.includes("<img"));
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
});

// ---------------------------------------------------------------- the sandbox (shell probes)

Deno.test("the sandbox has no network, no host files beyond the course's, and a throw-away scratch", async () => {
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (server.addr as Deno.NetAddr).port;
  let connections = 0;
  (async () => {
    for await (const conn of server) {
      connections++;
      conn.close();
    }
  })();
  const secret = await Deno.makeTempDir({ prefix: "grading-secret-" });
  await Deno.writeTextFile(join(secret, "grades.csv"), "secret");
  const probe = [
    `python3 -c "import socket; socket.create_connection(('127.0.0.1', ${port}), 2)" >/dev/null 2>&1 && echo NET-OPEN || echo net-blocked`,
    `cat ${secret}/grades.csv >/dev/null 2>&1 && echo READ-SECRET || echo secret-hidden`,
    `ls ${
      join(ROOT, "tools", "grading", "testdata")
    } >/dev/null 2>&1 && echo SEES-CORPUS || echo corpus-hidden`,
    `echo x > ${join(ROOT, "lib", "HACKED")} 2>/dev/null && echo WROTE-LIB || echo lib-readonly`,
    `echo x > /HACKED 2>/dev/null && echo WROTE-ROOT || echo root-readonly`,
    `echo x > scratch.txt && echo scratch-writable`,
    `echo x > /tmp/t && echo tmp-writable`,
    `grep -q '^CapEff:\\s*0*$' /proc/self/status && echo no-caps || echo HAS-CAPS`,
    `grep -q '^NoNewPrivs:\\s*1$' /proc/self/status && echo no-new-privs || echo NEW-PRIVS`,
    // As root, the sandboxed processes run as nobody, with a bounded number of tasks.
    Deno.uid() === 0
      ? `[ "$(id -u)" = 65534 ] && grep -q '^Max processes *2048 ' /proc/self/limits && echo nobody-nproc || echo ROOT-OR-NO-NPROC`
      : "echo nobody-nproc",
  ].join("\n");
  const out = await new Deno.Command(BWRAP, {
    args: sandboxArgs(["/bin/sh", "-c", probe]),
    stdout: "piped",
  }).output();
  server.close();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  assert.deepEqual(lines, [
    "net-blocked",
    "secret-hidden",
    "corpus-hidden",
    "lib-readonly",
    "root-readonly",
    "scratch-writable",
    "tmp-writable",
    "no-caps",
    "no-new-privs",
    "nobody-nproc",
  ]);
  assert.equal(connections, 0);
  await assertMissing(join(ROOT, "lib", "HACKED"));
  await Deno.remove(secret, { recursive: true });
});

async function assertMissing(path: string): Promise<void> {
  await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound, `${path} must not exist`);
}

// ---------------------------------------------------------------- release

Deno.test("release writes student versions and checksums, and refuses broken tests naming the cell", async () => {
  const out = await Deno.makeTempDir({ prefix: "release-" });
  const broken = await Deno.makeTempDir({ prefix: "release-broken-" });
  const bad = structuredClone(FIXTURE);
  // A test that passes on the stub, and a solution that fails its own test.
  bad.cells.push({
    cell_type: "code",
    id: "trivial",
    metadata: { nbgrader: { grade_id: "test_trivial", grade: true, locked: true, points: 1 } },
    source: 'checkEqual("one is one", 1, 1);',
    outputs: [],
    execution_count: null,
  });
  byId(bad, "gd_step").source = cellSource(byId(bad, "gd_step")).replace("t - lr", "t + lr");
  await Deno.writeTextFile(join(broken, "01_fixture.ipynb"), JSON.stringify(bad));
  const [ok, refused] = await Promise.all([
    release({ source: COURSE, out, timeout: 30, log: () => {} }),
    release({ source: broken, out: join(broken, "release"), timeout: 30, log: () => {} }),
  ]);

  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.released, ["01_fixture.ipynb"]);
  const student = JSON.parse(await Deno.readTextFile(join(out, "01_fixture.ipynb"))) as Notebook;
  assert.equal(
    cellSource(byId(student, "square")),
    'function square(x: number): number {\n  // YOUR CODE HERE\n  throw new Error("not implemented yet");\n}',
  );
  assert.ok(!JSON.stringify(student).includes("HIDDEN"), "hidden tests removed");
  assert.ok(!JSON.stringify(student).includes("x * x"), "solutions removed");
  assert.ok(student.cells.every((c) => c.cell_type !== "code" || c.outputs?.length === 0));
  const sums = JSON.parse(await Deno.readTextFile(join(out, "checksums.json")));
  assert.deepEqual(Object.keys(sums["01_fixture.ipynb"]), [
    "intro",
    "imports",
    "test_square",
    "test_gd_step",
    "test_answer",
  ]);
  assert.equal(
    sums["01_fixture.ipynb"].test_square.sha256,
    await sha256Hex(cellSource(byId(student, "test_square"))),
  );

  assert.deepEqual(refused.released, []);
  await assertMissing(join(broken, "release"));
  assert.equal(refused.problems.length, 2, refused.problems.join("\n"));
  assert.match(
    refused.problems[0],
    /01_fixture\.ipynb: cell 8 \("test_gd_step"\).*the instructor version fails this graded cell: CheckError/,
  );
  assert.match(
    refused.problems[1],
    /01_fixture\.ipynb: cell 12 \("test_trivial"\).*passes on the student version/,
  );
  await Deno.remove(out, { recursive: true });
  await Deno.remove(broken, { recursive: true });
});

// ---------------------------------------------------------------- the corpus

/** Copies the corpus to a scratch folder, giving the `.broken` files their real names. */
async function stage(students?: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "submissions-" });
  for (const s of Deno.readDirSync(CORPUS)) {
    if (!s.isDirectory || (students && !students.includes(s.name))) continue;
    await Deno.mkdir(join(dir, s.name));
    for (const f of Deno.readDirSync(join(CORPUS, s.name))) {
      const from = join(CORPUS, s.name, f.name);
      const to = join(dir, s.name, f.name.replace(/\.broken$/, ""));
      if (f.isSymlink) await Deno.symlink(await Deno.readLink(from), to);
      else await Deno.copyFile(from, to);
    }
  }
  if (!students || students.includes("xavier_symlink")) {
    // A link to another student's submission instead of a file: never followed.
    await Deno.mkdir(join(dir, "xavier_symlink"));
    await Deno.symlink("../alice_correct/01_fixture.ipynb", join(dir, "xavier_symlink", NB));
  }
  return dir;
}

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const s of Deno.readDirSync(dir)) {
    for (const f of Deno.readDirSync(join(dir, s.name))) {
      const path = join(dir, s.name, f.name);
      out[`${s.name}/${f.name}`] = f.isSymlink
        ? `link to ${await Deno.readLink(path)}`
        : await sha256Hex(await Deno.readFile(path));
    }
  }
  return out;
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory) out.push(...await listFiles(join(dir, e.name), `${prefix}${e.name}/`));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

// A small heap so that the heap bomb hits it in well under the timeout even on a busy machine.
const GRADE_OPTIONS = { source: COURSE, timeout: 10, memoryMb: 2048, heapMb: 128, log: () => {} };

Deno.test("grade: the corpus of broken and hostile submissions gets exactly the expected grades.csv", async () => {
  const subs = await stage();
  const before = await hashes(subs);
  const out = await Deno.makeTempDir({ prefix: "grading-" });
  // The loopback server rupert_fetch tries to reach.
  let hits = 0;
  let server: Deno.HttpServer | undefined;
  try {
    server = Deno.serve({ hostname: "127.0.0.1", port: 47231, onListen() {} }, () => {
      hits++;
      return new Response("leaked");
    });
  } catch { /* port taken: the fetch still must fail, the grade says so */ }
  const run = await gradeAll(subs, { ...GRADE_OPTIONS, out, jobs: 2 });
  await server?.shutdown();

  if (Deno.env.get("UPDATE_EXPECTED")) await Deno.writeTextFile(EXPECTED, run.csv);
  const expected = await Deno.readTextFile(EXPECTED);
  const got = run.csv.split("\n");
  expected.split("\n").forEach((line, i) => assert.equal(got[i], line, `grades.csv line ${i + 1}`));
  assert.equal(run.csv, expected);
  assert.equal(await Deno.readTextFile(join(out, "grades.csv")), expected);

  // The red team: every attack leaves exactly the honest square() (2 points); no forged test passes.
  const redTeam = run.grades.filter((g) => g.student.startsWith("redteam_"));
  assert.ok(redTeam.length >= 8, "the red-team submissions are in the corpus");
  for (const g of redTeam) {
    const byTest = Object.fromEntries(g.results.map((r) => [r.gradeId, r]));
    assert.deepEqual(
      [byTest.test_square.status, byTest.test_gd_step.points, byTest.test_answer.points],
      ["pass", 0, 0],
      `${g.student}: ${JSON.stringify(g.results)}`,
    );
  }

  // Nothing was modified, nothing escaped the sandbox.
  assert.deepEqual(run.modified, []);
  assert.deepEqual(await hashes(subs), before);
  assert.equal(hits, 0, "no request reached the host's loopback");
  const students = Object.keys(before).map((k) => k.split("/")[0]);
  assert.deepEqual(
    await listFiles(out),
    ["grades.csv", ...[...new Set(students)].map((s) => `feedback/${s}.html`)].sort(),
  );
  for (const f of await listFiles(out)) {
    assert.ok(!(await Deno.readTextFile(join(out, f))).includes("HACKED"), f);
  }
  await assertMissing(join(ROOT, "grades.csv"));
  await assertMissing(join(ROOT, "HACKED"));

  // Feedback pages: every test with its result and message.
  const alice = await Deno.readTextFile(join(out, "feedback", "alice_correct.html"));
  assert.match(alice, /Total: <strong>6 \/ 6<\/strong>/);
  const bob = await Deno.readTextFile(join(out, "feedback", "bob_partial.html"));
  assert.match(bob, /Total: <strong>3 \/ 6<\/strong>/);
  assert.match(bob, /test_gd_step<\/code><\/td><td>✗ failed/);
  assert.match(bob, /expected \[0\.95, 2\.1\], got \[1\.05, 1\.9\]/);
  const carol = await Deno.readTextFile(join(out, "feedback", "carol_syntax_error.html"));
  assert.match(carol, /Errors in your cells.*<code>gd_step<\/code>.*Execution failed/s);
  const mallory = await Deno.readTextFile(join(out, "feedback", "mallory_edit_test.html"));
  assert.match(mallory, /<strong>tampered<\/strong>: cell 8 \(&quot;test_gd_step&quot;\)/);

  await Deno.remove(subs, { recursive: true });
  await Deno.remove(out, { recursive: true });
});

Deno.test("grade: --jobs 2 writes exactly what a serial run writes", async () => {
  const subs = await stage([
    "bob_partial",
    "erin_deno_exit",
    "heidi_malformed",
    "walter_wrong_name",
  ]);
  const [serial, parallel] = [
    await Deno.makeTempDir({ prefix: "grading-serial-" }),
    await Deno.makeTempDir({ prefix: "grading-parallel-" }),
  ];
  await gradeAll(subs, { ...GRADE_OPTIONS, out: serial, jobs: 1 });
  await gradeAll(subs, { ...GRADE_OPTIONS, out: parallel, jobs: 2 });
  const files = await listFiles(serial);
  assert.deepEqual(await listFiles(parallel), files);
  for (const f of files) {
    assert.equal(
      await Deno.readTextFile(join(parallel, f)),
      await Deno.readTextFile(join(serial, f)),
      f,
    );
  }
  // The same rows as in the corpus run.
  const expected = (await Deno.readTextFile(EXPECTED)).split("\n").filter((l) =>
    /^(student|bob_partial|erin_deno_exit|heidi_malformed|walter_wrong_name),/.test(l)
  );
  assert.deepEqual(
    (await Deno.readTextFile(join(serial, "grades.csv"))).trim().split("\n"),
    expected,
  );
  for (const d of [subs, serial, parallel]) await Deno.remove(d, { recursive: true });
});
