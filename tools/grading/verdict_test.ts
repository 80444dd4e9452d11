/**
 * Tests of the verdicts decided outside the student's kernel (fast: no kernel, no sandbox): the
 * value codec, the two rewrites of a graded cell, the replay of a record, and the replay process
 * itself on hand-written records (honest, wrong, forged and malformed ones). The whole path through
 * the kernel is tested by the corpus in grading_test.ts.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Notebook } from "../exercises.ts";
import { decode, encode, UnreplayableValue } from "./values.ts";
import {
  freeNames,
  rewriteForKernel,
  rewriteForReplay,
  topLevelNames,
  withoutComments,
} from "./test_rewrite.ts";
import { RecordMismatch, Replay } from "./replay_runtime.ts";
import { planReplay, replayVerdicts, takeRecords } from "./verdict.ts";
import { RECORD_MARK, recorder } from "./kernel_recorder.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = JSON.parse(
  Deno.readTextFileSync(join(HERE, "testdata", "course", "01_fixture.ipynb")),
) as Notebook;

Deno.test("values: plain data round-trips exactly, NaN, ±Infinity, −0 and typed arrays included", () => {
  const value = {
    a: [1, -0, NaN, Infinity, -Infinity, 0.1 + 0.2],
    f: new Float64Array([1.5, -2]),
    s: "x",
    n: null,
    u: undefined,
    nested: { deep: [[true]] },
  };
  const back = decode(JSON.parse(JSON.stringify(encode(value)))) as typeof value;
  assert.deepEqual(back, value);
  assert.ok(Object.is(back.a[1], -0));
  assert.ok(back.f instanceof Float64Array);
});

Deno.test("values: what comes back is data: no getters, proxies, toJSON or prototypes survive", () => {
  let reads = 0;
  const tricky = {
    get x() {
      return ++reads;
    },
    toJSON: () => "rmsprop",
  };
  const proxy = new Proxy({}, { ownKeys: () => [], get: () => "anything" });
  const back = decode(encode({ tricky, proxy })) as Record<string, Record<string, unknown>>;
  assert.equal(back.tricky.x, 1);
  assert.equal(back.tricky.x, 1, "a getter was read once and became a number");
  assert.throws(() => JSON.stringify(back.tricky), UnreplayableValue);
  assert.deepEqual(back.proxy, {});
  // A record that tries to set a prototype gets an own property called __proto__, nothing more.
  const polluted = decode({
    $: "obj",
    v: [["__proto__", { $: "obj", v: [["polluted", true]] }]],
  }) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(polluted), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  for (
    const bad of [{ $: "eval", v: "1" }, { $: "obj", v: [[1, 2]] }, { $: "Float64Array", v: ["x"] }]
  ) {
    assert.throws(() => decode(bad), UnreplayableValue);
  }
});

Deno.test("test_rewrite: the kernel's version keeps only the checked values, the replay's the whole test", () => {
  const test = [
    "const mine = gdStep([1, 2], [0.5, -1], 0.1);",
    'checkClose("one step", mine, [0.95, 2.1], { tol: 1e-9, hint: "θ − α·g" });',
    'checkEqual("the optimizer", answer, "rmsprop");',
    "const o = { answer, gdStep: 1 }; o.gdStep;",
    "function local(gdStep: number) { return gdStep; }",
  ].join("\n");
  const answers = new Set(["gdStep", "answer"]);
  const kernel = rewriteForKernel(test, answers, "R");
  assert.ok(!kernel.includes("0.95") && !kernel.includes("rmsprop") && !kernel.includes("hint"));
  assert.match(kernel, /void \(mine\);/);
  assert.match(kernel, /void \(R\.get\("answer", \(\) => answer\)\);/);
  assert.match(kernel, /const o = \{ answer: R\.get\("answer", \(\) => answer\), gdStep: 1 \}/);
  const replay = rewriteForReplay(test, answers, "R");
  assert.match(replay, /R\.get\("gdStep"\)\(\[1, 2\], \[0\.5, -1\], 0\.1\)/);
  assert.match(replay, /checkClose\("one step", mine, \[0\.95, 2\.1\]/);
  assert.match(replay, /function local\(gdStep: number\) \{ return gdStep; \}/, "locals untouched");
  assert.deepEqual(topLevelNames("const { a, b: [c] } = f(); function g() {}"), ["a", "c", "g"]);
  assert.deepEqual(freeNames("const x: Tensor = f(y); x.z;").sort(), ["f", "y"]);
});

Deno.test("Replay serves the record in order and rejects anything that does not fit", () => {
  const events: unknown[] = [];
  const rec = recorder();
  const log = console.log;
  console.log = (line: string) => void events.push(JSON.parse(line.slice(RECORD_MARK.length)));
  try {
    const square = rec.get("square", () => (x: number) => x * x) as (x: number) => number;
    square(3);
    assert.throws(() =>
      rec.get("missing", () => {
        throw new ReferenceError("missing is not defined");
      })
    );
  } finally {
    console.log = log;
  }
  const replay = new Replay(events);
  assert.equal((replay.get("square") as (x: number) => number)(3), 9);
  assert.throws(() => replay.get("missing"), {
    name: "ReferenceError",
    message: "missing is not defined",
  });
  assert.throws(() => replay.get("square"), RecordMismatch, "the record has run out");
  // The same record does not fit another input, nor another name.
  assert.throws(
    () => (new Replay(events).get("square") as (x: number) => number)(4),
    RecordMismatch,
  );
  assert.throws(() => new Replay(events).get("cube"), RecordMismatch);
});

Deno.test("planReplay: the kernel never gets the hidden tests' expected values; every course notebook can be replayed", () => {
  const plan = planReplay(FIXTURE);
  const kernel = [...plan.kernelSources.values()].join("\n");
  for (const expected of ["2.25", "-0.5, -1, -0.5", "rmsprop", "[0.95, 2.1]"]) {
    assert.ok(!kernel.includes(expected), `the kernel's cells hold ${expected}`);
    assert.ok(plan.module.includes(expected), `the replay lacks ${expected}`);
  }
  assert.ok(kernel.includes("-1.5") && kernel.includes("[0, 0, 1], [1, 2, 3], 0.5"), "inputs kept");
  assert.ok(!kernel.includes("HIDDEN"), "comments removed");
  assert.equal(
    withoutComments('const a = "// not a comment"; // a comment\n/* b */ const c = `/* ${a} */`;'),
    'const a = "// not a comment";  \n  const c = `/* ${a} */`;',
  );
  const notebooks = join(HERE, "..", "..", "notebooks");
  for (const f of [...Deno.readDirSync(notebooks)].filter((e) => e.name.endsWith(".ipynb"))) {
    const nb = JSON.parse(Deno.readTextFileSync(join(notebooks, f.name))) as Notebook;
    assert.deepEqual(planReplay(nb).problems, [], f.name);
  }
});

Deno.test("replayVerdicts: honest records pass; wrong, forged and malformed ones fail", async () => {
  const plan = planReplay(FIXTURE);
  const dir = await Deno.makeTempDir({ prefix: "replay-test-" });
  const module = join(dir, "fixture.replay.ts");
  await Deno.writeTextFile(module, plan.module);
  const fn = { $: "fn" };
  const calls = (name: string, ...pairs: [unknown[], unknown][]) =>
    pairs.flatMap(([args, result], id) => [
      { k: "get", n: name, v: fn },
      { k: "call", n: name, id, a: encode(args) },
      { k: "ret", id, v: encode(result) },
    ]);
  const honest = new Map<string, unknown[]>([
    ["test_square", calls("square", [[3], 9], [[-1.5], 2.25])],
    [
      "test_gd_step",
      calls("gdStep", [[[1, 2], [0.5, -1], 0.1], [0.95, 2.1]], [
        [[0, 0, 1], [1, 2, 3], 0.5],
        [-0.5, -1, -0.5],
      ]),
    ],
    ["test_answer", [{ k: "get", n: "answer", v: "rmsprop" }]],
  ]);
  const ok = await replayVerdicts(module, honest);
  assert.ok("verdicts" in ok, JSON.stringify(ok));
  for (const id of honest.keys()) assert.equal(ok.verdicts.get(id)?.status, "pass", id);
  assert.match(ok.verdicts.get("test_square")!.output, /✓ square\(3\) \(exact\)/);

  const forged = new Map<string, unknown[]>([
    // The visible answer for every call: the hidden test catches it.
    [
      "test_gd_step",
      calls("gdStep", [[[1, 2], [0.5, -1], 0.1], [0.95, 2.1]], [
        [[0, 0, 1], [1, 2, 3], 0.5],
        [0.95, 2.1],
      ]),
    ],
    // A result for other inputs than the test's.
    ["test_square", calls("square", [[4], 9], [[-1.5], 2.25])],
    // An object that claims to be "rmsprop", a prototype, a tag the codec does not know.
    ["test_answer", [{ k: "get", n: "answer", v: { $: "obj", v: [["toJSON", fn]] } }]],
  ]);
  const no = await replayVerdicts(module, forged);
  assert.ok("verdicts" in no);
  assert.match(no.verdicts.get("test_gd_step")!.evalue!, /gdStep on three parameters/);
  assert.equal(no.verdicts.get("test_square")!.ename, "RecordMismatch");
  assert.equal(no.verdicts.get("test_answer")!.ename, "UnreplayableValue");
  for (const v of no.verdicts.values()) assert.equal(v.status, "fail");

  const junk = await replayVerdicts(
    module,
    new Map([["test_answer", [
      { k: "get", n: "answer", v: { $: "js", v: "Deno.exit()" } },
      7,
      null,
    ]]]),
  );
  assert.ok("verdicts" in junk);
  assert.equal(junk.verdicts.get("test_answer")!.status, "fail");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("takeRecords() takes the record lines out of a cell's printed output", () => {
  const cell = {
    cell_type: "code" as const,
    metadata: {},
    source: "",
    outputs: [{
      output_type: "stream",
      name: "stdout",
      text: `hello\n${RECORD_MARK}{"k":"get","n":"a","v":1}\n${RECORD_MARK}not json\nbye\n`,
    }],
  };
  assert.deepEqual(takeRecords(cell), [{ k: "get", n: "a", v: 1 }]);
  assert.equal((cell.outputs[0] as { text: string }).text, "hello\nbye\n");
});
