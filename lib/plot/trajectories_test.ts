import assert from "node:assert/strict";
import { plot } from "./figure.ts";
import { landscapeOptions } from "./landscape.ts";
import { runLegend } from "./options.ts";
import { assertSnapshot } from "./snapshot.ts";
import { bowl, descend } from "./testdata/surfaces.ts";
import {
  describeRuns,
  markerKey,
  runPoints,
  trajectories,
  trajectoryMarks,
} from "./trajectories.ts";

const start: [number, number] = [-3.5, 1.5];
const runs = [
  { name: "α = 0.05", path: descend(0.05, 40, start), stop: { reason: "budget" } },
  { name: "α = 0.18", path: descend(0.18, 40, start), stop: { reason: "budget" } },
];

Deno.test("runPoints() reads every point format and keeps the finite prefix", () => {
  assert.deepEqual(runPoints({ name: "a", path: [[1, 2], [3, 4]] }), [[1, 2], [3, 4]]);
  assert.deepEqual(runPoints({ name: "b", path: [{ x: [1, 2] }, { x: 5, y: 6 }] }), [[1, 2], [
    5,
    6,
  ]]);
  const tensorLike = { x: { data: new Float64Array([7, 8]) } };
  assert.deepEqual(runPoints({ name: "c", path: [tensorLike] }), [[7, 8]]);
  assert.deepEqual(
    runPoints({ name: "d", path: [[1, 1], [1e200, 2], [Infinity, 3], [1, 1]] }),
    [[1, 1], [1e200, 2]],
  );
});

Deno.test("trajectoryMarks() rejects invalid options and runs, naming them", () => {
  assert.throws(() => trajectoryMarks(runs, { every: 0 }), /invalid every: 0/);
  assert.throws(() => trajectoryMarks(runs, { dots: "yes" as "auto" }), /invalid dots: "yes"/);
  assert.throws(() => trajectoryMarks([]), /invalid runs: \[\]/);
  assert.throws(
    () => trajectoryMarks([runs[0], runs[0]]),
    /invalid runs: \["α = 0.05","α = 0.05"\] \(every run needs a distinct name\)/,
  );
  assert.throws(() => trajectoryMarks(runs, { arrow: true } as object), /invalid option: arrow/);
});

Deno.test("trajectoryMarks() compose with a landscape and draw one arrow per sampled step", () => {
  const base = landscapeOptions(bowl, { pixelSize: 8 });
  const marks = trajectoryMarks([runs[0]], { arrows: true, every: 10, halo: false });
  const fig = plot({ ...base, marks: [...base.marks, ...marks] });
  // Steps 0, 10, 20, 30, 40 → 4 arrows.
  const arrowGroup = fig.html.match(/aria-label="arrow"[^]*?<\/g>/)![0];
  assert.equal((arrowGroup.match(/<path/g) ?? []).length, 4);
});

Deno.test("trajectories() names runs in a legend, keys the markers and describes the runs", () => {
  const diverged = {
    name: "α = 0.21",
    path: [...descend(0.21, 20, start), [NaN, NaN] as [number, number]],
    stop: { reason: "diverged" },
  };
  const fig = trajectories(bowl, [...runs, diverged], { landscape: { pixelSize: 8 } });
  assert.match(fig.html, /α = 0.18/);
  assert.match(fig.html, /<figcaption>○ start · ● end · × diverged/);
  assert.ok(fig.label.startsWith("Trajectories on quadratic (κ = 10). α = 0.05: from (-3.5, 1.5)"));
  assert.match(fig.label, /α = 0.21: from \(-3.5, 1.5\) to \([^)]*\) in 20 steps \(diverged\)/);
  assert.match(fig.html, /<title>α = 0.21: diverged at/);
  assert.equal(markerKey(runs), "○ start · ● end");
  assert.equal(describeRuns([{ name: "e", path: [] }]), "e: no finite iterates");
});

Deno.test("runLegend() rejects duplicate run names", () => {
  assert.throws(() => runLegend([{ name: "a" }, { name: "a" }]), /invalid runs: \["a","a"\]/);
});

Deno.test("trajectories() of gradient descent on the quadratic matches its snapshot", async () => {
  await assertSnapshot(
    "trajectories_quadratic",
    trajectories(bowl, runs, { landscape: { pixelSize: 8 } }),
  );
});

Deno.test("trajectories() with step arrows matches its snapshot", async () => {
  await assertSnapshot(
    "trajectories_arrows",
    trajectories(bowl, [{ name: "GD α = 0.15", path: descend(0.15, 12, start) }], {
      arrows: true,
      landscape: { pixelSize: 8, levels: 6 },
      title: "Each step as an arrow",
    }),
  );
});
