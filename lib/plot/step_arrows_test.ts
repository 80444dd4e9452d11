import assert from "node:assert/strict";
import { quadratic } from "../functions/mod.ts";
import { plot } from "./figure.ts";
import { landscapeOptions } from "./landscape.ts";
import { assertSnapshot } from "./snapshot.ts";
import { stepArrowMarks } from "./step_arrows.ts";

const theta = [-3, -0.4], ahead = [-2.7, 0.1];
const arrows = [
  { from: theta, to: ahead, label: "momentum step ρv", side: "left" as const },
  { from: ahead, to: [-2.6, -0.1], label: "gradient step", color: "orangered", dash: "4,3" },
];
const points = [
  { at: theta, text: "θ⁽ᵗ⁾" },
  { at: ahead, text: "θ̃", dx: -8, dy: 16, anchor: "end" as const },
];

Deno.test("stepArrowMarks() draws one arrow per step and a dot per labelled point", () => {
  const html = plot({ marks: stepArrowMarks(arrows, points) }).html;
  assert.equal((html.match(/<circle/g) ?? []).length, 2);
  assert.match(html, /stroke-dasharray="4,3"/);
  assert.match(html, /text-anchor="end"[^>]*>[\s\S]*momentum step ρv/);
  assert.match(html, /θ̃/);
});

Deno.test("stepArrowMarks() rejects invalid input, naming it", () => {
  assert.throws(() => stepArrowMarks([{ from: [0], to: [1, 1] }]), /invalid from: \[0\]/);
  assert.throws(
    () => stepArrowMarks([{ from: [0, 0], to: [1, 1], side: "up" as "left" }]),
    /invalid side: "up"/,
  );
  assert.throws(() => stepArrowMarks([], [{ at: [0, 0], text: 1 as unknown as string }]), /text/);
  assert.throws(() => stepArrowMarks([], [], { width: 2 } as object), /invalid option: width/);
});

Deno.test("stepArrowMarks() over a landscape matches its snapshot", async () => {
  const base = landscapeOptions(quadratic(10), {
    domain: [[-3.3, -2.3], [-0.8, 0.25]],
    fillOpacity: 0.35,
    levels: 12,
  });
  await assertSnapshot(
    "step_arrows",
    plot({
      ...base,
      title: "Two steps",
      width: 480,
      height: 420,
      marks: [...base.marks, ...stepArrowMarks(arrows, points)],
    }),
  );
});
