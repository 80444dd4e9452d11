import assert from "node:assert/strict";
import { join } from "node:path";
import { executeNotebook } from "./course.ts";
import { ROOT, setup } from "./setup.ts";
import { shouldDisplay } from "./testing/expect_output.ts";

await setup();

function notebook(cells: string[], kernel = "deno"): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language: "typescript" } },
    cells: cells.map((source, i) => ({
      id: `c${i}`,
      cell_type: "code",
      metadata: {},
      execution_count: null,
      outputs: [],
      source,
    })),
  });
}

async function scratch(name: string, text: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "nbexec-" });
  const path = join(dir, name);
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test("executeNotebook() stops a runaway cell at the timeout and goes on with the next cells", async () => {
  const path = await scratch(
    "runaway.ipynb",
    notebook(["let n = 1;", "while (true) {}", "n + 41"]),
  );
  const out = path.replace(".ipynb", ".out.ipynb");
  const started = performance.now();
  const report = await executeNotebook(path, { out, timeout: 3 });
  assert.ok(performance.now() - started < 60_000, "the run must not hang");
  assert.equal(report.ok, false);
  assert.equal(report.code, 1);
  assert.equal(report.errors?.length, 1);
  const [err] = report.errors!;
  assert.equal(err.cell, 2);
  assert.equal(err.first_line, "while (true) {}");
  assert.equal(err.ename, "CellTimeoutError");
  assert.match(err.evalue, /longer than 3 s/);
  assert.match(report.stderr, /runaway\.ipynb: cell 2 \(while \(true\) \{\}\): CellTimeoutError/);
  // The kernel survived the interrupt: the cell after the loop still saw `n`.
  const executed = JSON.parse(await Deno.readTextFile(out));
  assert.equal([executed.cells[2].outputs[0].data["text/plain"]].flat().join(""), "42");
});

Deno.test("executeNotebook() reports a failing cell with its number, first line, error name and message", async () => {
  const path = await scratch(
    "fails.ipynb",
    notebook([
      "// setting up\nconst a = 1;",
      'a + 1;\nthrow new RangeError("alpha must be positive");',
      "a",
    ]),
  );
  const report = await executeNotebook(path, { timeout: 30 });
  assert.equal(report.code, 1);
  assert.deepEqual(
    report.errors?.map(({ cell, first_line, ename, evalue }) => ({
      cell,
      first_line,
      ename,
      evalue,
    })),
    [
      { cell: 2, first_line: "a + 1;", ename: "RangeError", evalue: "alpha must be positive" },
    ],
  );
});

Deno.test("executeNotebook() refuses a malformed notebook and one for another kernel, clearly", async () => {
  const broken = await scratch("broken.ipynb", notebook(["1"]).slice(0, 40));
  const r1 = await executeNotebook(broken);
  assert.equal(r1.code, 2);
  assert.match(r1.input_error ?? "", /broken\.ipynb: not a readable notebook/);
  const python = await scratch("python.ipynb", notebook(["1"], "python3"));
  const r2 = await executeNotebook(python);
  assert.equal(r2.code, 2);
  assert.match(r2.input_error ?? "", /kernelspec is 'python3', expected 'deno'/);
});

Deno.test("executeNotebook() never modifies the notebook it reads", async () => {
  const text = notebook(["1 + 1", "console.log('x')"]);
  const path = await scratch("readonly.ipynb", text);
  await executeNotebook(path, { out: path.replace(".ipynb", ".out.ipynb") });
  assert.equal(await Deno.readTextFile(path), text);
});

const fixture = join(ROOT, "tools", "testdata", "many_outputs.ipynb");
const course01 = join(ROOT, "notebooks", "01_gradient_descent.ipynb");

type Output = { output_type: string; data?: Record<string, unknown>; text?: string | string[] };

function outputSignature(path: string): string[] {
  const nb = JSON.parse(Deno.readTextFileSync(path));
  return nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code").map((
    c: { outputs: Output[] },
  ) =>
    c.outputs.map((o) => `${o.output_type}:${Object.keys(o.data ?? {}).sort().join("+")}`).join(",")
  );
}

for (
  const [label, path, expected] of [["the many-outputs fixture", fixture, 35], [
    "notebook 01",
    course01,
    0,
  ]] as const
) {
  Deno.test(`executeNotebook() loses no output of ${label} in 20 runs in a row`, async () => {
    const source = JSON.parse(await Deno.readTextFile(path));
    const mustShow = source.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { source: string[] | string; metadata: { tags?: string[] } }) =>
        shouldDisplay(Array.isArray(c.source) ? c.source.join("") : c.source, c.metadata.tags)
      );
    const out = await Deno.makeTempFile({ suffix: ".ipynb" });
    let first: string[] | undefined;
    let recovered = 0;
    for (let run = 1; run <= 20; run++) {
      const report = await executeNotebook(path, { out });
      assert.ok(report.ok, `run ${run}: ${JSON.stringify(report.errors ?? report.input_error)}`);
      assert.deepEqual(report.barrier_failures, [], `run ${run}: a barrier timed out`);
      recovered += report.late_outputs_recovered ?? 0;
      const sig = outputSignature(out);
      sig.forEach((s, i) =>
        assert.ok(!mustShow[i] || s !== "", `run ${run}: code cell ${i + 1} lost its output`)
      );
      if (expected) assert.equal(report.outputs, expected, `run ${run}: output count`);
      first ??= sig;
      assert.deepEqual(sig, first, `run ${run}: outputs differ from run 1`);
    }
    console.log(
      `${label}: 20 runs, identical outputs; late outputs recovered by the barrier: ${recovered}`,
    );
  });
}

Deno.test("executeNotebook() reports a syntax error, which the kernel sends without a message", async () => {
  const path = await scratch("syntax.ipynb", notebook(["1", "const = 5", "2"]));
  const report = await executeNotebook(path, { timeout: 30 });
  assert.equal(report.code, 1);
  assert.equal(report.errors?.length, 1);
  assert.equal(report.errors![0].cell, 2);
  assert.match(
    report.errors![0].evalue,
    /Execution failed \(the kernel gives no message for a syntax error/,
  );
});
