import assert from "node:assert/strict";
import { quadratic } from "../functions/quadratic.ts";
import { gradientDescent } from "./gradient_descent.ts";

Deno.test("gradientDescent() matches the closed form (1 - αλ)^t on a quadratic", () => {
  const kappa = 10, alpha = 0.05, steps = 30;
  const path = gradientDescent(quadratic(kappa), { alpha, steps, start: [2, -1] });
  const last = path[steps];
  assert.ok(Math.abs(last.x - 2 * (1 - alpha) ** steps) < 1e-12);
  assert.ok(Math.abs(last.y - -1 * (1 - alpha * kappa) ** steps) < 1e-12);
});

Deno.test("gradientDescent() diverges above the 2/L stability limit", () => {
  const q = quadratic(10);
  const stable = gradientDescent(q, { alpha: 0.19, steps: 100 });
  const unstable = gradientDescent(q, { alpha: 0.21, steps: 100 });
  assert.ok(stable.at(-1)!.loss < 1e-3);
  assert.ok(unstable.at(-1)!.loss > 1e3);
});

Deno.test("gradientDescent() rejects a non-positive learning rate", () => {
  assert.throws(() => gradientDescent(quadratic(), { alpha: -1, steps: 3 }), /invalid alpha: -1/);
});
