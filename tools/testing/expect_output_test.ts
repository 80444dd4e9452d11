import assert from "node:assert/strict";
import { lastStatement, shouldDisplay } from "./expect_output.ts";

Deno.test("shouldDisplay() expects output from a trailing expression, even a multi-line call", () => {
  assert.equal(shouldDisplay("const a = 1;\na + 1;"), true);
  assert.equal(shouldDisplay('const p = 2;\nplot({\n  title: "x",\n  marks: [],\n});'), true);
  assert.equal(shouldDisplay("path.at(-1)"), true);
});

Deno.test("shouldDisplay() expects nothing from declarations, imports, loops and assignments", () => {
  assert.equal(shouldDisplay('import { plot } from "../lib/mod.ts";'), false);
  assert.equal(shouldDisplay("const f = (x: number) => {\n  return x;\n};"), false);
  assert.equal(shouldDisplay("let s = 0;\nfor (let i = 0; i < 3; i++) {\n  s += i;\n}"), false);
  assert.equal(shouldDisplay("let s = 0;\ns = 4;"), false);
  assert.equal(shouldDisplay("function g() {\n  return 1;\n}"), false);
});

Deno.test("shouldDisplay() expects output from console.log and honours tags", () => {
  assert.equal(shouldDisplay("for (const x of [1]) console.log(x);"), true);
  assert.equal(shouldDisplay("1 + 1", ["no-output"]), false);
  assert.equal(shouldDisplay("const x = 1;", ["expect-output"]), true);
});

Deno.test("lastStatement() finds the start of the last top-level statement", () => {
  assert.equal(
    lastStatement('const a = f(\n  1,\n);\nplot({\n  x: "a",\n})'),
    'plot({\n  x: "a",\n})',
  );
  assert.equal(
    lastStatement("a\n  .map((x) => x)\n  .filter(Boolean)"),
    "a\n  .map((x) => x)\n  .filter(Boolean)",
  );
});
