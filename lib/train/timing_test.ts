import assert from "node:assert/strict";
import { fastestTimes, medianStepSeconds } from "./timing.ts";

Deno.test("fastestTimes() interleaves rounds over the tasks and keeps each task's minimum", () => {
  const order: string[] = [];
  // a fake clock: each task advances it by its scripted duration for the current round
  let clock = 0;
  const durations = { a: [5, 3, 4], b: [9, 10, 7] };
  const round = { a: 0, b: 0 };
  const task = (name: "a" | "b") => () => {
    order.push(name);
    clock += durations[name][round[name]++] ?? 0;
  };
  const times = fastestTimes([task("a"), task("b")], { rounds: 3, warmup: 0, now: () => clock });
  assert.deepEqual(times, [3, 7]);
  assert.deepEqual(order, ["a", "b", "a", "b", "a", "b"]);
});

Deno.test("fastestTimes() warms every task up before timing, and rejects bad options", () => {
  let calls = 0;
  fastestTimes([() => calls++], { rounds: 2, warmup: 3 });
  assert.equal(calls, 5);
  assert.throws(() => fastestTimes([() => 0], { rounds: 0 }), /invalid rounds: 0/);
  assert.throws(() => fastestTimes([() => 0], { warmup: -1 }), /invalid warmup: -1/);
  assert.throws(() => fastestTimes([1 as unknown as () => 0]), /invalid tasks/);
});

Deno.test("medianStepSeconds() takes the median of step durations across histories", () => {
  // durations: 1, 1, 2 | 3, 100 → sorted 1, 1, 2, 3, 100 → median 2
  const a = { steps: [{ time: 1 }, { time: 2 }, { time: 4 }] };
  const b = { steps: [{ time: 3 }, { time: 103 }] };
  assert.equal(medianStepSeconds([a, b]), 2);
  assert.equal(medianStepSeconds([a]), 1);
  assert.equal(medianStepSeconds([{ steps: [{ time: 1 }, { time: 4 }] }]), 2); // (1 + 3) / 2
  assert.throws(() => medianStepSeconds([{ steps: [] }]), /invalid histories: no steps/);
});
