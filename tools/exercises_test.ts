import assert from "node:assert/strict";
import {
  clearMarkdownSolution,
  clearSolutions,
  CODE_STUB,
  type Notebook,
  removeHiddenTests,
  studentVersion,
} from "./exercises.ts";

Deno.test("clearSolutions() replaces each region by the stub at the region's indentation", () => {
  const src = [
    "function step(theta: number, g: number): number {",
    "  // BEGIN SOLUTION",
    "  return theta - 0.1 * g;",
    "  // END SOLUTION",
    "}",
  ].join("\n");
  assert.equal(
    clearSolutions(src),
    [
      "function step(theta: number, g: number): number {",
      "  // YOUR CODE HERE",
      '  throw new Error("not implemented yet");',
      "}",
    ].join("\n"),
  );
  assert.equal(CODE_STUB.split("\n").length, 2);
});

Deno.test("clearSolutions() rejects unbalanced markers, naming the line", () => {
  assert.throws(
    () => clearSolutions("// BEGIN SOLUTION\nx", "cell 4"),
    /cell 4: BEGIN on line 1 has no END/,
  );
  assert.throws(() => clearSolutions("x\n// END SOLUTION"), /END on line 2 without a BEGIN/);
});

Deno.test("removeHiddenTests() drops hidden tests and keeps visible ones", () => {
  const src = "check(1);\n// BEGIN HIDDEN TESTS\ncheck(2);\n// END HIDDEN TESTS\ncheck(3);";
  assert.equal(removeHiddenTests(src), "check(1);\ncheck(3);");
});

Deno.test("clearMarkdownSolution() leaves YOUR ANSWER HERE", () => {
  assert.equal(
    clearMarkdownSolution("Answer:\n### BEGIN SOLUTION\nIt diverges.\n### END SOLUTION"),
    "Answer:\nYOUR ANSWER HERE",
  );
});

Deno.test("studentVersion() strips solutions and graded outputs, keeps other outputs, copies the input", () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        cell_type: "code",
        source: "plot()",
        metadata: {},
        outputs: [{ output_type: "display_data" }],
        execution_count: 1,
      },
      {
        cell_type: "code",
        source: "// BEGIN SOLUTION\nconst a = 1;\n// END SOLUTION",
        metadata: {
          nbgrader: {
            solution: true,
            grade: false,
            locked: false,
            grade_id: "a",
            schema_version: 3,
          },
        },
        outputs: [{ output_type: "stream" }],
        execution_count: 2,
      },
      {
        cell_type: "code",
        source: "check(a);\n// BEGIN HIDDEN TESTS\ncheck(a, 2);\n// END HIDDEN TESTS",
        metadata: {
          nbgrader: {
            solution: false,
            grade: true,
            locked: true,
            grade_id: "t",
            points: 2,
            schema_version: 3,
          },
        },
        outputs: [{ output_type: "stream" }],
        execution_count: 3,
      },
    ],
  };
  const before = JSON.stringify(nb);
  const s = studentVersion(nb);
  assert.equal(JSON.stringify(nb), before);
  assert.equal(s.cells[0].outputs?.length, 1);
  assert.equal(s.cells[1].source, CODE_STUB);
  assert.deepEqual(s.cells[1].outputs, []);
  assert.equal(s.cells[2].source, "check(a);");
  assert.deepEqual(s.cells[2].outputs, []);
  assert.equal(s.cells[2].execution_count, null);
});
