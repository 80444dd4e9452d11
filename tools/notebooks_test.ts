import assert from "node:assert/strict";
import { join } from "node:path";
import { BUILD_DIR, listNotebooks, stem } from "./course.ts";
import { jupyterEnv, PYTHON, ROOT, setup } from "./setup.ts";
import { builtCourse } from "./testing/course_build.ts";
import { shouldDisplay } from "./testing/expect_output.ts";

await setup();
const notebooks = listNotebooks();

type Cell = {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: unknown[];
};
const text = (s: string | string[]) => (Array.isArray(s) ? s.join("") : s);

Deno.test("validate_notebooks.py flags outputs, execution counts and a foreign kernel", async () => {
  const dir = await Deno.makeTempDir();
  const bad = join(dir, "bad.ipynb");
  await Deno.writeTextFile(
    bad,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: "python3", display_name: "Python 3" } },
      cells: [{
        id: "a",
        cell_type: "code",
        metadata: {},
        execution_count: 3,
        source: "1",
        outputs: [{
          output_type: "execute_result",
          execution_count: 3,
          data: { "text/plain": "1" },
          metadata: {},
        }],
      }],
    }),
  );
  const out = await new Deno.Command(PYTHON, {
    args: ["tools/validate_notebooks.py", bad],
    cwd: ROOT,
  }).output();
  const msg = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 1);
  assert.match(msg, /kernelspec 'python3', expected 'deno'/);
  assert.match(msg, /cell 1 has outputs/);
  assert.match(msg, /cell 1 has an execution count/);
});

Deno.test("every notebook is valid nbformat 4.5 on the deno kernel, committed without outputs", async () => {
  assert.ok(notebooks.length > 0, "no notebooks found");
  const out = await new Deno.Command(PYTHON, {
    args: ["tools/validate_notebooks.py", ...notebooks],
    cwd: ROOT,
    env: jupyterEnv(),
  }).output();
  assert.equal(
    out.code,
    0,
    new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
  );
});

for (const path of notebooks) {
  Deno.test(`${stem(path)} executes top to bottom on the Deno kernel and shows every output`, async () => {
    const { reports } = await builtCourse();
    const report = reports[stem(path)];
    assert.ok(report, `no build report for ${stem(path)}`);
    const errors = (report.errors ?? []).map((e) =>
      `cell ${e.cell} (${e.first_line}): ${e.ename}: ${e.evalue}`
    );
    assert.ok(report.ok, `${stem(path)} failed:\n${errors.join("\n")}${report.input_error ?? ""}`);
    const source = JSON.parse(await Deno.readTextFile(path)).cells as Cell[];
    const executed = JSON.parse(
      await Deno.readTextFile(join(BUILD_DIR, "executed", `${stem(path)}.ipynb`)),
    )
      .cells as Cell[];
    assert.equal(executed.length, source.length);
    source.forEach((cell, i) => {
      if (cell.cell_type !== "code" || !shouldDisplay(text(cell.source), cell.metadata.tags)) {
        return;
      }
      assert.ok(
        (executed[i].outputs ?? []).length > 0,
        `${stem(path)} cell ${i + 1} should display something but showed nothing:\n${
          text(cell.source).slice(0, 200)
        }`,
      );
    });
  });
}
