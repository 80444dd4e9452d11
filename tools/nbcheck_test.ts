import assert from "node:assert/strict";
import { join } from "node:path";
import { checkNotebooks, projectNotebooks, unformatted } from "./nbcheck.ts";
import { ROOT } from "./setup.ts";

function notebook(cells: string[]): string {
  return JSON.stringify(
    {
      cells: cells.map((source, i) => ({
        cell_type: "code",
        execution_count: null,
        id: `c${i}`,
        metadata: {},
        outputs: [],
        source: source.split(/(?<=\n)/),
      })),
      metadata: {
        kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
        language_info: { name: "typescript" },
      },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  ) + "\n";
}

Deno.test("unformatted() finds a notebook deno fmt would change, and leaves the file alone", async () => {
  const dir = await Deno.makeTempDir();
  const messy = join(dir, "messy.ipynb");
  const text = notebook(["const  x=1\n"]);
  await Deno.writeTextFile(messy, text);
  assert.deepEqual(await unformatted([messy]), [messy]);
  assert.equal(await Deno.readTextFile(messy), text);
});

Deno.test("unformatted() accepts every notebook in the project", async () => {
  const all = projectNotebooks();
  assert.ok(all.some((p) => p.startsWith(join(ROOT, "notebooks"))));
  assert.ok(
    all.some((p) => p.includes(join("tools", "grading"))),
    "fixtures under tools/ are included",
  );
  assert.deepEqual(await unformatted(all), []);
});

Deno.test("checkNotebooks() catches a type error in a code cell", async () => {
  const dir = await Deno.makeTempDir();
  const bad = join(dir, "typed.ipynb");
  await Deno.writeTextFile(
    bad,
    notebook(["const n: number = 1;\n", "const s: string = n;\nconsole.log(s);\n"]),
  );
  const errors: string[] = [];
  const original = console.error;
  console.error = (m: string) => errors.push(m);
  try {
    assert.equal(await checkNotebooks([bad]), 1);
  } finally {
    console.error = original;
  }
  assert.match(errors.join("\n"), /typed\.ipynb cell 2/);
});
