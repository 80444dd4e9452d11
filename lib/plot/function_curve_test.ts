import assert from "node:assert/strict";
import { nonconvex1d } from "../functions/mod.ts";
import { plot } from "./figure.ts";
import { functionCurve, functionCurveOptions } from "./function_curve.ts";
import { assertSnapshot } from "./snapshot.ts";

const runs = [
  { path: [[-3.5], [-2], [-1]] },
  { path: [[0.9], [1.4972]] },
  { path: [[4], [3.9999]], color: "#3b6fd8" },
];

Deno.test("functionCurveOptions() labels the record's minima and maxima, the lowest as global", () => {
  const html = plot(functionCurveOptions(nonconvex1d)).html;
  assert.match(html, /global minimum/);
  assert.match(html, /local minimum/);
  assert.match(html, /local maximum/);
  const none = plot(functionCurveOptions(nonconvex1d, [], { stationary: false })).html;
  assert.doesNotMatch(none, /minimum/);
});

Deno.test("functionCurveOptions() draws a start circle, an end dot and an arrow per run", () => {
  const html = plot(functionCurveOptions(nonconvex1d, runs, { stationary: false })).html;
  assert.equal((html.match(/<circle/g) ?? []).length, 6);
  assert.match(html, /#3b6fd8/);
});

Deno.test("functionCurve() rejects invalid input, naming it", () => {
  assert.throws(() => functionCurve(nonconvex1d, [{ path: [] }]), /invalid runs/);
  assert.throws(() => functionCurve(nonconvex1d, [], { domain: [1, 0] }), /invalid domain/);
  assert.throws(
    () => functionCurve(nonconvex1d, [], { labels: [{ text: "x" } as never] }),
    /invalid labels/,
  );
  assert.throws(
    () => functionCurve(nonconvex1d, [], { xlog: true } as object),
    /invalid option: xlog/,
  );
});

Deno.test("functionCurve() of gradient descent runs on nonconvex1d matches its snapshot", async () => {
  await assertSnapshot(
    "function_curve_nonconvex1d",
    functionCurve(nonconvex1d, runs, {
      title: "Three runs",
      labels: [{ x: 4.2, text: "plateau" }, { x: -3.3, text: "plateau" }],
      yDomain: [-0.1, 1.15],
    }),
  );
});
