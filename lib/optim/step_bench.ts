/**
 * Cost of one optimizer step on a 2-vector (the Beale benchmark's size), with a hand-written
 * gradient so only the optimizer is measured, and one step through optimStep with the autodiff.
 * Run with `deno bench lib/optim/step_bench.ts`.
 */

import type { Tensor } from "../autodiff/tensor.ts";
import { fromData } from "../autodiff/tensor.ts";
import {
  adabelief,
  adadelta,
  adagrad,
  adahessian,
  adam,
  adamw,
  momentum,
  nadam,
  nesterov,
  type Optimizer,
  optimStep,
  radam,
  rmsprop,
  sgd,
} from "./mod.ts";

const beale = {
  valueAndGrad([x, y]: number[]): [number, number[]] {
    const a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
    return [
      a * a + b * b + c * c,
      [
        2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1),
        2 * a * x + 4 * b * x * y + 6 * c * x * y * y,
      ],
    ];
  },
  hvp: (_p: number[], v: number[]) => v, // cost stand-in: the optimizer is what is measured
};

const opts: [string, Optimizer][] = [
  ["sgd", sgd({ alpha: 1e-3 })],
  ["momentum", momentum({ alpha: 1e-3 })],
  ["nesterov", nesterov({ alpha: 1e-3 })],
  ["adagrad", adagrad({ alpha: 0.1 })],
  ["rmsprop", rmsprop({ alpha: 0.01 })],
  ["adadelta", adadelta()],
  ["adam", adam({ alpha: 0.01 })],
  ["adamw", adamw({ alpha: 0.01 })],
  ["adabelief", adabelief({ alpha: 0.01 })],
  ["nadam", nadam({ alpha: 0.01 })],
  ["radam", radam({ alpha: 0.01 })],
  ["adahessian", adahessian({ alpha: 0.1 })],
];

for (const [name, opt] of opts) {
  let params = [1, 1.5];
  let state = opt.init(params);
  Deno.bench(
    `${name}: optimStep on Beale, number[2], analytic gradient`,
    { group: "array" },
    () => {
      ({ params, state } = optimStep(opt, beale, params, state));
      if (!Number.isFinite(params[0])) [params, state] = [[1, 1.5], opt.init([1, 1.5])];
    },
  );
}

for (const [name, opt] of opts) {
  const p0 = fromData(Float64Array.of(1, 1.5), [2]);
  let params = p0;
  let state = opt.init(params);
  const g = fromData(Float64Array.of(0.01, -0.02), [2]);
  const ctx = { hvp: () => g };
  Deno.bench(`${name}: step alone, Tensor [2]`, { group: "tensor" }, () => {
    ({ params, state } = opt.step(params, g, state, ctx));
  });
}

const bealeT = (p: Tensor) => {
  const [x, y] = p.unbind();
  return x.neg().add(1.5).add(x.mul(y)).square()
    .add(x.neg().add(2.25).add(x.mul(y.square())).square())
    .add(x.neg().add(2.625).add(x.mul(y.pow(3))).square());
};
{
  const opt = adam({ alpha: 0.01 });
  let params = [1, 1.5];
  let state = opt.init(params);
  Deno.bench("adam: optimStep on Beale with the autodiff's gradient", { group: "autodiff" }, () => {
    ({ params, state } = optimStep(opt, bealeT, params, state));
  });
}
