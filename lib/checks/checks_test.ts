import assert from "node:assert/strict";
import { checkBetween, checkClose, checkEqual, CheckError, checkThat } from "./checks.ts";

const quiet = { quiet: true };

Deno.test("checkClose() passes within tolerance and fails beyond it with expected, got and hint", () => {
  checkClose("x", [1, 2], [1, 2 + 1e-12], quiet);
  let err: unknown;
  try {
    checkClose("θ after one step", [1, 2.5], [1, 2], {
      tol: 1e-6,
      hint: "subtract α·g",
      quiet: true,
    });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CheckError);
  assert.match(err.message, /✗ θ after one step: expected \[1, 2\], got \[1, 2.5\]/);
  assert.match(err.message, /first difference at index 1/);
  assert.match(err.message, /Hint: subtract α·g/);
});

Deno.test("checkClose() reports a shape mismatch and a missing return value", () => {
  assert.throws(
    () => checkClose("v", [1, 2, 3], [1, 2], quiet),
    /expected shape \[2\].*got shape \[3\]/,
  );
  assert.throws(() => checkClose("v", undefined, 1, quiet), /got undefined.*missing `return`/);
  assert.throws(() => checkClose("v", NaN, 1, quiet), /expected 1, got NaN/);
});

Deno.test("checkClose() reads tensors through their data and shape", () => {
  const t = { data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] };
  checkClose("matrix", t, [[1, 2], [3, 4]], quiet);
  assert.throws(() => checkClose("matrix", t, [1, 2, 3, 4], quiet), /shape/);
});

Deno.test("checkBetween(), checkEqual() and checkThat() fail with student-facing messages", () => {
  checkBetween("alpha", 0.2, [0.19, 0.21], quiet);
  assert.throws(
    () => checkBetween("alpha", 0.5, [0.19, 0.21], quiet),
    /between 0.19 and 0.21, got 0.5/,
  );
  assert.throws(() => checkBetween("alpha", "0.2", [0, 1], quiet), /got the string "0.2"/);
  checkEqual("name", "adam", "adam", quiet);
  assert.throws(() => checkEqual("name", "sgd", "adam", quiet), /expected "adam", got "sgd"/);
  assert.throws(
    () => checkThat("decreasing", false, { hint: "smaller α", quiet: true }),
    /Hint: smaller α/,
  );
});

Deno.test("checks print a confirmation line when they pass", () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    checkClose("one step", 1, 1);
  } finally {
    console.log = original;
  }
  assert.deepEqual(lines, ["✓ one step (exact)"]);
});
