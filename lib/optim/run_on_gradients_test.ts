import assert from "node:assert/strict";
import { adagrad } from "./adagrad.ts";
import { runOnGradients } from "./run_on_gradients.ts";
import { sgd } from "./sgd.ts";

Deno.test("runOnGradients() takes one step per scripted gradient and records params and states", () => {
  const run = runOnGradients(sgd({ alpha: 0.1 }), [[1, 2], [3, 4]], [1, 1]);
  assert.equal(run.params.length, 3);
  assert.deepEqual(run.params[2].map((v) => +v.toFixed(12)), [0.6, 0.4]);
  assert.deepEqual(run.states.map((s) => s.t), [1, 2]);
});

Deno.test("runOnGradients() runs AdaGrad's accumulator as the sum of squares", () => {
  const run = runOnGradients(adagrad({ alpha: 1 }), [100, 1, 1]);
  assert.deepEqual(run.states.map((s) => s.r[0]), [10000, 10001, 10002]);
});

Deno.test("runOnGradients() rejects a gradient of the wrong size", () => {
  assert.throws(() => runOnGradients(sgd({ alpha: 1 }), [1, [1, 2]]), /invalid grads: entry 1/);
});
