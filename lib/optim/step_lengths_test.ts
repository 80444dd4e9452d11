import assert from "node:assert/strict";
import { adadelta } from "./adadelta.ts";
import { adam } from "./adam.ts";
import { rmsprop } from "./rmsprop.ts";
import { runOnGradients } from "./run_on_gradients.ts";
import { exponentialDecay } from "./schedule.ts";
import { sgd } from "./sgd.ts";
import { stepLengths } from "./step_lengths.ts";

Deno.test("stepLengths() of SGD is |g| (the step is α g)", () => {
  assert.deepEqual(stepLengths(sgd({ alpha: 0.5 }), [2, -3, 0.25]), [2, 3, 0.25]);
  assert.deepEqual(stepLengths(sgd({ alpha: 0.5 }), [2, -3], { perAlpha: false }), [1, 1.5]);
});

Deno.test("stepLengths() of Adam on a constant gradient is 1 (bias correction), the closed form", () => {
  const ratios = stepLengths(adam({ alpha: 1e-3 }), new Array(50).fill(4));
  ratios.forEach((r, t) => assert.ok(Math.abs(r - 1) < 1e-6, `step ${t + 1}: ${r}`));
});

Deno.test("stepLengths() measures vector steps by their Euclidean length", () => {
  const r = stepLengths(sgd({ alpha: 1 }), [[3, 4], [0, 1]], { start: [1, 1] });
  assert.deepEqual(r, [5, 1]);
});

Deno.test("stepLengths() divides by the scheduled α of each step", () => {
  const r = stepLengths(sgd({ alpha: exponentialDecay(1, 0.5) }), [1, 1, 1]);
  assert.deepEqual(r, [1, 1, 1]);
});

Deno.test("stepLengths() agrees with runOnGradients() and rejects bad input", () => {
  const opt = rmsprop({ alpha: 0.01, rho: 0.9 });
  const grads = [1, -1, 1, -1];
  const { params } = runOnGradients(opt, grads);
  const r = stepLengths(opt, grads, { perAlpha: false });
  r.forEach((v, t) => assert.equal(v, Math.abs(params[t + 1][0] - params[t][0])));
  assert.equal(stepLengths(adadelta(), [1]).length, 1);
  assert.throws(() => stepLengths(opt, [1, NaN]), /invalid grads: entry 1/);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => stepLengths(opt, [1], { every: 2 } as any), /invalid option: every/);
});
