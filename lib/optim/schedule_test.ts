import assert from "node:assert/strict";
import {
  adam,
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  inverseTimeDecay,
  joinSchedules,
  linearWarmup,
  stepDecay,
  warmupThen,
} from "./mod.ts";

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-15 * Math.max(1, Math.abs(b));

Deno.test("schedules follow their closed forms (torch StepLR, ExponentialLR, CosineAnnealingLR)", () => {
  for (let t = 0; t < 50; t++) {
    assert.equal(constantSchedule(0.3)(t), 0.3);
    assert.ok(close(stepDecay(0.5, { every: 7, gamma: 0.3 })(t), 0.5 * 0.3 ** Math.floor(t / 7)));
    assert.ok(close(exponentialDecay(0.5, 0.9)(t), 0.5 * 0.9 ** t));
    assert.ok(close(inverseTimeDecay(0.5, 0.2)(t), 0.5 / (1 + 0.2 * t)));
    const c = cosineDecay(0.5, 30, 0.01)(t);
    assert.ok(close(c, t >= 30 ? 0.01 : 0.01 + 0.49 * (1 + Math.cos(Math.PI * t / 30)) / 2));
    assert.ok(close(linearWarmup(0.5, 10, 0.1)(t), t >= 10 ? 0.5 : 0.1 + 0.4 * t / 10));
  }
});

Deno.test("cosineDecay() is monotone from alpha to alphaMin", () => {
  const s = cosineDecay(1, 100, 0.1);
  assert.equal(s(0), 1);
  assert.equal(s(100), 0.1);
  for (let t = 1; t <= 100; t++) assert.ok(s(t) <= s(t - 1));
});

Deno.test("joinSchedules() and warmupThen() compose schedules with restarted step counts", () => {
  const s = joinSchedules([linearWarmup(1, 4), cosineDecay(1, 10), constantSchedule(0.01)], [
    4,
    14,
  ]);
  assert.deepEqual([0, 1, 2, 3].map(s), [0, 0.25, 0.5, 0.75]);
  assert.equal(s(4), 1);
  assert.ok(close(s(9), 0.5));
  assert.equal(s(14), 0.01);
  assert.equal(s(1000), 0.01);
  const w = warmupThen(4, cosineDecay(1, 10));
  for (let t = 0; t < 30; t++) assert.ok(close(w(t), s(t) === 0.01 ? 0 : s(t)));
  assert.throws(() => joinSchedules([constantSchedule(1)], [3]), RangeError);
});

Deno.test("an optimizer given a schedule uses alpha^(t) at step t (t = 0 first)", () => {
  const seen: number[] = [];
  const opt = adam({
    alpha: (t) => {
      seen.push(t);
      return 0.1;
    },
  });
  let p = [1], s = opt.init(p);
  for (let i = 0; i < 3; i++) ({ params: p, state: s } = opt.step(p, [1], s));
  assert.deepEqual(seen, [0, 1, 2]);
});
