/**
 * The contract every optimizer must meet (optax's table-driven test, adapted): with its own tuned
 * hyperparameters it reaches the minimum of a convex quadratic and of Rosenbrock's function, its
 * state stays finite and mirrors the parameters' structure (number[], Tensor, record of tensors),
 * and `step` never mutates its inputs.
 */

import assert from "node:assert/strict";
import { fromData, Tensor } from "../autodiff/tensor.ts";
import { Rng } from "../random.ts";
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
  type Differentiable,
  flatten,
  momentum,
  nadam,
  nesterov,
  type Optimizer,
  optimStep,
  type Params,
  radam,
  rmsprop,
  sgd,
  torchSgd,
} from "./mod.ts";

type Flat = (p: number[]) => [number, number[]];
type FlatHvp = (p: number[], v: number[]) => number[];

/** f(x, y) = (x² + 10 y²) / 2, minimum at the origin. */
const quadratic: { vg: Flat; hvp: FlatHvp; start: number[]; min: number[]; tol: number } = {
  vg: ([x, y]) => [0.5 * (x * x + 10 * y * y), [x, 10 * y]],
  hvp: (_p, [a, b]) => [a, 10 * b],
  start: [-3.5, 1.5],
  min: [0, 0],
  tol: 1e-4,
};

/** Rosenbrock's function (1 − x)² + 100 (y − x²)², minimum at (1, 1). */
const rosenbrock: typeof quadratic = {
  vg: ([x, y]) => [
    (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  ],
  hvp: ([x, y], [a, b]) => {
    const hxx = 2 - 400 * (y - 3 * x * x), hxy = -400 * x;
    return [hxx * a + hxy * b, hxy * a + 200 * b];
  },
  start: [-1.5, 2],
  min: [1, 1],
  tol: 1e-3,
};

type Kind = "array" | "tensor" | "record";

function wrap(kind: Kind, flat: number[]): Params {
  if (kind === "array") return flat.slice();
  if (kind === "tensor") return fromData(Float64Array.from(flat), [1, 2]);
  return { x: fromData(Float64Array.of(flat[0]), [1]), y: fromData(Float64Array.of(flat[1]), []) };
}

function oracle(kind: Kind, f: typeof quadratic): Differentiable<Params> {
  return {
    valueAndGrad: (p) => {
      const [v, g] = f.vg(flatten(p));
      return [v, wrap(kind, g)];
    },
    hvp: (p, v) => wrap(kind, f.hvp(flatten(p), flatten(v))),
  };
}

function assertMirrors(kind: Kind, entry: unknown, where: string): void {
  if (kind === "array") {
    assert.ok(Array.isArray(entry) && entry.length === 2, `${where} is a number[2]`);
  } else if (kind === "tensor") {
    assert.ok(entry instanceof Tensor, `${where} is a Tensor`);
    assert.deepEqual(entry.shape, [1, 2], `${where} has the parameters' shape`);
  } else {
    const r = entry as Record<string, Tensor>;
    assert.deepEqual(Object.keys(r), ["x", "y"], `${where} has the parameters' keys`);
    assert.deepEqual(r.x.shape, [1]);
    assert.deepEqual(r.y.shape, []);
  }
}

const N_QUAD = 5000, N_ROSEN = 20000;
const decay = (a: number, n: number, min = 1e-5) => cosineDecay(a, n, min);

/** Each optimizer with hyperparameters tuned for the quadratic and for Rosenbrock. */
const table: { name: string; quad: () => Optimizer; rosen: () => Optimizer }[] = [
  { name: "sgd", quad: () => sgd({ alpha: 0.1 }), rosen: () => sgd({ alpha: 1e-3 }) },
  {
    name: "momentum",
    quad: () => momentum({ alpha: 0.02, rho: 0.9 }),
    rosen: () => momentum({ alpha: 1e-3, rho: 0.9 }),
  },
  {
    name: "nesterov",
    quad: () => nesterov({ alpha: 0.02, rho: 0.9 }),
    rosen: () => nesterov({ alpha: 1e-3, rho: 0.9 }),
  },
  {
    name: "torchSgd (momentum, dampening 0)",
    quad: () => torchSgd({ alpha: 0.02, momentum: 0.9 }),
    rosen: () => torchSgd({ alpha: 1e-3, momentum: 0.9 }),
  },
  {
    name: "torchSgd (nesterov)",
    quad: () => torchSgd({ alpha: 0.02, momentum: 0.9, nesterov: true }),
    rosen: () => torchSgd({ alpha: 1e-3, momentum: 0.9, nesterov: true }),
  },
  { name: "adagrad", quad: () => adagrad({ alpha: 0.5 }), rosen: () => adagrad({ alpha: 0.5 }) },
  {
    name: "rmsprop",
    quad: () => rmsprop({ alpha: decay(1e-2, N_QUAD, 1e-6) }),
    rosen: () => rmsprop({ alpha: decay(1e-2, N_ROSEN) }),
  },
  {
    name: "rmsprop (centered, momentum)",
    quad: () => rmsprop({ alpha: decay(1e-3, N_QUAD, 1e-6), centered: true, momentum: 0.9 }),
    rosen: () => rmsprop({ alpha: decay(1e-3, N_ROSEN, 1e-6), centered: true, momentum: 0.9 }),
  },
  {
    name: "adadelta",
    quad: () => adadelta({ alpha: decay(2, N_QUAD, 1e-3) }),
    rosen: () => adadelta({ alpha: decay(2, N_ROSEN, 1e-3) }),
  },
  {
    name: "adam",
    quad: () => adam({ alpha: decay(0.02, N_QUAD) }),
    rosen: () => adam({ alpha: decay(0.02, N_ROSEN) }),
  },
  {
    name: "adam (amsgrad)",
    quad: () => adam({ alpha: decay(0.02, N_QUAD), amsgrad: true }),
    rosen: () => adam({ alpha: decay(0.02, N_ROSEN), amsgrad: true }),
  },
  {
    name: "adamL2",
    quad: () => adamL2({ alpha: decay(0.02, N_QUAD), lambda: 0.1 }),
    rosen: () => adamL2({ alpha: decay(0.02, N_ROSEN), lambda: 0 }),
  },
  {
    name: "adamw",
    quad: () => adamw({ alpha: decay(0.02, N_QUAD), lambda: 0.1 }),
    rosen: () => adamw({ alpha: decay(0.02, N_ROSEN), lambda: 0 }),
  },
  {
    name: "adamwSlide",
    quad: () => adamwSlide({ alpha: decay(0.02, N_QUAD), lambda: 0.01 }),
    rosen: () => adamwSlide({ alpha: decay(0.02, N_ROSEN), lambda: 0 }),
  },
  {
    name: "adabelief",
    quad: () => adabelief({ alpha: decay(0.02, N_QUAD) }),
    rosen: () => adabelief({ alpha: decay(1e-2, N_ROSEN, 1e-6), delta: 1e-8 }),
  },
  {
    name: "adahessian",
    quad: () => adahessian({ alpha: 0.15 }),
    rosen: () => adahessian({ alpha: 1 }),
  },
  {
    name: "adahessian (k = 0.5)",
    quad: () => adahessian({ alpha: 0.15, k: 0.5 }),
    rosen: () => adahessian({ alpha: 0.03, k: 0.5 }),
  },
  {
    name: "nadam",
    quad: () => nadam({ alpha: decay(0.02, N_QUAD) }),
    rosen: () => nadam({ alpha: decay(0.02, N_ROSEN) }),
  },
  {
    name: "radam",
    quad: () => radam({ alpha: decay(0.01, N_QUAD) }),
    rosen: () => radam({ alpha: decay(0.01, N_ROSEN) }),
  },
];

function allFinite(state: Record<string, unknown>): boolean {
  return Object.values(state).every((v) =>
    typeof v === "number" ? Number.isFinite(v) : flatten(v as Params).every(Number.isFinite)
  );
}

for (const row of table) {
  for (const kind of ["array", "tensor", "record"] as const) {
    Deno.test(`${row.name} reaches the quadratic's minimum with ${kind} parameters`, () => {
      const opt = row.quad();
      const f = oracle(kind, quadratic);
      let params = wrap(kind, quadratic.start);
      let state = opt.init(params);
      for (const [key, entry] of Object.entries(state)) {
        if (key !== "t" && typeof entry !== "number") assertMirrors(kind, entry, `init().${key}`);
      }
      const ctx = { rng: new Rng(1) };
      for (let i = 0; i < N_QUAD; i++) {
        const before = flatten(params);
        const next = optimStep(opt, f, params, state, ctx);
        assert.deepEqual(flatten(params), before, "step must not mutate the parameters");
        ({ params, state } = next);
      }
      assertMirrors(kind, params, "params");
      for (const [key, entry] of Object.entries(state)) {
        if (key !== "t" && typeof entry !== "number") assertMirrors(kind, entry, `state.${key}`);
      }
      assert.ok(allFinite(state), "state stays finite");
      assert.equal(state.t, N_QUAD);
      const [x, y] = flatten(params);
      const dist = Math.hypot(x - quadratic.min[0], y - quadratic.min[1]);
      assert.ok(dist < quadratic.tol, `${row.name}: distance ${dist} after ${N_QUAD} steps`);
    });
  }

  Deno.test(`${row.name} reaches Rosenbrock's minimum`, () => {
    const opt = row.rosen();
    const f = oracle("array", rosenbrock);
    let params = wrap("array", rosenbrock.start);
    let state = opt.init(params);
    const ctx = { rng: new Rng(2) };
    for (let i = 0; i < N_ROSEN; i++) ({ params, state } = optimStep(opt, f, params, state, ctx));
    assert.ok(allFinite(state), "state stays finite");
    const [x, y] = flatten(params);
    const dist = Math.hypot(x - 1, y - 1);
    assert.ok(dist < rosenbrock.tol, `${row.name}: distance ${dist} after ${N_ROSEN} steps`);
  });
}
