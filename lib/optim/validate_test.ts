import assert from "node:assert/strict";
import {
  adabelief,
  adadelta,
  adagrad,
  adahessian,
  adam,
  adamL2,
  adamw,
  adamwSlide,
  cosineDecay,
  exponentialDecay,
  linearWarmup,
  momentum,
  nadam,
  nesterov,
  radam,
  rmsprop,
  sgd,
  stepDecay,
  torchSgd,
} from "./mod.ts";

// deno-lint-ignore no-explicit-any
const all: Record<string, (o: any) => unknown> = {
  sgd,
  momentum,
  nesterov,
  torchSgd,
  adagrad,
  rmsprop,
  adadelta,
  adam,
  adamL2,
  adamw,
  adamwSlide,
  adabelief,
  adahessian,
  nadam,
  radam,
};

Deno.test("every optimizer rejects a bad learning rate with a RangeError naming it", () => {
  for (const [name, make] of Object.entries(all)) {
    for (const alpha of [-1, 0, NaN, Infinity]) {
      assert.throws(
        () => make({ alpha }),
        (e: Error) =>
          e instanceof RangeError &&
          e.message === `invalid alpha: ${alpha} (expected a number > 0)`,
        `${name}({ alpha: ${alpha} })`,
      );
    }
  }
});

Deno.test("decay rates outside [0, 1), delta ≤ 0, k outside [0, 1] and NaN throw RangeErrors", () => {
  const cases: [() => unknown, string][] = [
    [() => momentum({ rho: 1.2 }), "invalid rho: 1.2 (expected a number in [0, 1))"],
    [() => nesterov({ rho: 1 }), "invalid rho: 1 (expected a number in [0, 1))"],
    [() => rmsprop({ rho: -0.1 }), "invalid rho: -0.1 (expected a number in [0, 1))"],
    [() => adadelta({ rho: NaN }), "invalid rho: NaN (expected a number in [0, 1))"],
    [() => adam({ rho1: 1.2 }), "invalid rho1: 1.2 (expected a number in [0, 1))"],
    [() => adam({ rho2: 1 }), "invalid rho2: 1 (expected a number in [0, 1))"],
    [() => adam({ delta: 0 }), "invalid delta: 0 (expected a number > 0)"],
    [() => adagrad({ delta: -1e-8 }), "invalid delta: -1e-8 (expected a number > 0)"],
    [() => adabelief({ delta: NaN }), "invalid delta: NaN (expected a number > 0)"],
    [() => adahessian({ k: 1.5 }), "invalid k: 1.5 (expected a number in [0, 1])"],
    [() => adahessian({ k: -0.1 }), "invalid k: -0.1 (expected a number in [0, 1])"],
    [() => adamw({ lambda: -0.01 }), "invalid lambda: -0.01 (expected a number ≥ 0)"],
    [() => sgd({ lambda: NaN }), "invalid lambda: NaN (expected a number ≥ 0)"],
    [() => torchSgd({ momentum: 1 }), "invalid momentum: 1 (expected a number in [0, 1))"],
    [() => nadam({ psi: -1 }), "invalid psi: -1 (expected a number ≥ 0)"],
    [() => radam({ rho2: 2 }), "invalid rho2: 2 (expected a number in [0, 1))"],
    [() => adagrad({ r0: -1 }), "invalid r0: -1 (expected a number ≥ 0)"],
    [
      () => stepDecay(1, { every: 0 }),
      "invalid every: 0 (expected a number that is a whole number ≥ 1)",
    ],
    [() => cosineDecay(-1, 10), "invalid alpha: -1 (expected a number ≥ 0)"],
    [() => exponentialDecay(1, NaN), "invalid gamma: NaN (expected a number ≥ 0)"],
    [
      () => linearWarmup(1, 2.5),
      "invalid steps: 2.5 (expected a number that is a whole number ≥ 1)",
    ],
  ];
  for (const [make, message] of cases) {
    assert.throws(make, (e: Error) => e instanceof RangeError && e.message === message, message);
  }
});

Deno.test("boolean options reject non-booleans and torchSgd() rejects an impossible nesterov", () => {
  assert.throws(
    () => adam({ amsgrad: 1 as unknown as boolean }),
    /invalid amsgrad: 1 \(expected true or false\)/,
  );
  assert.throws(
    () => torchSgd({ nesterov: true }),
    /invalid nesterov: true with momentum 0 and dampening 0 \(Nesterov needs momentum > 0/,
  );
});

Deno.test("a schedule that returns a bad rate fails at the step that uses it", () => {
  const opt = sgd({ alpha: (t) => 0.1 - 0.05 * t });
  let p = [1], s = opt.init(p);
  for (let i = 0; i < 3; i++) ({ params: p, state: s } = opt.step(p, [1], s));
  assert.throws(
    () => opt.step(p, [1], s),
    /invalid alpha: the schedule returned -0.05\d* at t = 3 \(expected a number ≥ 0\)/,
  );
});

Deno.test("adahessian() without a Hessian-vector product says how to get one", () => {
  const opt = adahessian();
  assert.throws(() => opt.step([1], [1], opt.init([1])), /optimStep\(opt, f, \.\.\.\)/);
});
