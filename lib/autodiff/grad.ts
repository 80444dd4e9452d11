/**
 * The gradient API: `grad`, `valueAndGrad`, `hvp`, `hessian`, `jacobian`, and the reverse sweep
 * they share ({@link backward}).
 *
 * A call `grad(f)(x)` makes fresh leaf tensors for `x`, runs `f` once while the ops record the
 * graph, then walks it backwards from the output, calling each op's backward rule. The rules are
 * themselves tensor ops: when a `grad` runs inside another `grad` (or inside `hvp`), the reverse
 * sweep records its own graph (PyTorch's `create_graph=True`), so the outer call can
 * differentiate the inner gradient exactly.
 *
 * @module
 */

import { identity, mul, sum } from "./ops.ts";
import { alloc, scalarData } from "./memory.ts";
import { engine, Tensor, zeros } from "./tensor.ts";
import { add } from "./ops.ts";

/**
 * What `grad` can differentiate with respect to: one tensor, a plain vector, or named tensors
 * (a plain number works too).
 *
 * @example Usage
 * ```ts
 * import { type Params, tensor } from "./mod.ts";
 * const params: Params = { w: tensor([[0.1, 0.2]]), b: tensor([0]) };
 * console.log(Object.keys(params)); // ["w", "b"]
 * ```
 */
export type Params = Tensor | number[] | Record<string, Tensor>;

/**
 * The gradient function of a function of one tensor; its result mirrors the argument.
 *
 * @example Usage
 * ```ts
 * import { grad, type Tensor, type TensorGradFn, tensor } from "./mod.ts";
 * const g: TensorGradFn = grad((x: Tensor) => x.square().sum());
 * console.log(g(3), g([1, 2]), g(tensor([1])).toArray()); // 6 [2, 4] [2]
 * ```
 */
export interface TensorGradFn {
  /** A number in, a number out. */
  (x: number): number;
  /** A plain vector in, a plain vector out (`grad(beale)([1, 1.5])`). */
  (x: readonly number[]): number[];
  /** A tensor in, a tensor of the same shape out. */
  (x: Tensor): Tensor;
}

/**
 * `valueAndGrad` of a function of one tensor: the value and the gradient.
 *
 * @example Usage
 * ```ts
 * import { type Tensor, type TensorValueAndGradFn, valueAndGrad } from "./mod.ts";
 * const vg: TensorValueAndGradFn = valueAndGrad((x: Tensor) => x.square().sum());
 * console.log(vg([1, 2])); // [5, [2, 4]]
 * ```
 */
export interface TensorValueAndGradFn {
  /** A number in: [value, derivative]. */
  (x: number): [number, number];
  /** A plain vector in: [value, gradient as a plain vector]. */
  (x: readonly number[]): [number, number[]];
  /** A tensor in: [value, gradient tensor]. */
  (x: Tensor): [number, Tensor];
}

/**
 * `hvp` of a function of one tensor: (x, v) ↦ H(x) v, mirroring the argument.
 *
 * @example Usage
 * ```ts
 * import { hvp, type Tensor, type TensorHvpFn } from "./mod.ts";
 * const h: TensorHvpFn = hvp((x: Tensor) => x.pow(3).sum());
 * console.log(h([1, 2], [1, 1])); // [6, 12]
 * ```
 */
export interface TensorHvpFn {
  /** Plain vectors in and out. */
  (x: readonly number[], v: readonly number[]): number[];
  /** Tensors in and out. */
  (x: Tensor, v: Tensor): Tensor;
}

let stamp = 0;
let depth = 0;

/**
 * The reverse sweep: gradients of the scalar (or seeded) output `y` with respect to `inputs`
 * (like `torch.autograd.grad`). `seed` is the gradient with respect to `y` (default: ones), so a
 * non-scalar `y` gives a vector-Jacobian product. With `createGraph` the sweep records a graph,
 * so its results can be differentiated again. Inputs `y` does not depend on get zeros.
 *
 * @example Gradients with respect to chosen tensors
 * ```ts
 * import { backward, Tensor } from "./mod.ts";
 * const x = new Tensor(new Float64Array([1, 2]), [2], true);
 * const y = x.mul(x).sum();
 * console.log(backward(y, [x])[0].toArray()); // [2, 4]
 * ```
 */
export function backward(
  y: Tensor,
  inputs: readonly Tensor[],
  createGraph = false,
  seed?: Tensor,
): Tensor[] {
  const base = (stamp += 4);
  const INPUT = base + 1, DEAD = base + 2, LIVE = base + 3;
  for (const x of inputs) x._mark = INPUT;
  // Post-order DFS over nodes that lie on a path from y to an input.
  const order: Tensor[] = [];
  if (y._mark !== INPUT && y.node !== null && y.requiresGrad) {
    const ts: Tensor[] = [y], is: number[] = [0];
    y._mark = DEAD;
    while (ts.length > 0) {
      const top = ts.length - 1, t = ts[top], ins = t.node!.inputs;
      const i = is[top];
      if (i < ins.length) {
        is[top] = i + 1;
        const p = ins[i];
        if (!p.requiresGrad || p._mark > base) continue;
        p._mark = DEAD;
        if (p.node !== null && p.node.backward !== null) {
          ts.push(p);
          is.push(0);
        }
      } else {
        ts.pop();
        is.pop();
        for (const p of ins) {
          if (p.requiresGrad && (p._mark === INPUT || p._mark === LIVE)) {
            t._mark = LIVE;
            order.push(t);
            break;
          }
        }
      }
    }
  }
  if (seed !== undefined && !sameShape(seed.shape, y.shape)) {
    throw new Error(
      `backward: seed shape [${seed.shape}] differs from the output shape [${y.shape}]`,
    );
  }
  const saved = engine.gradEnabled;
  engine.gradEnabled = createGraph;
  try {
    y._grad = seed ?? new Tensor(alloc(y.size).fill(1), y.shape);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k], g = t._grad;
      t._grad = null;
      if (g === null) continue;
      const node = t.node!;
      engine.context = node.op;
      const grads = node.backward!(g);
      for (let j = 0; j < grads.length; j++) {
        const p = node.inputs[j], gj = grads[j];
        if (gj === null || (p._mark !== INPUT && p._mark !== LIVE)) continue;
        if (!sameShape(gj.shape, p.shape)) {
          throw new Error(
            `Internal error: backward of ${node.op} gave shape [${gj.shape}] for input ${j} of shape [${p.shape}]`,
          );
        }
        p._grad = p._grad === null ? gj : add(p._grad, gj);
      }
    }
    return inputs.map((x) => x._grad ?? zeros(x.shape));
  } finally {
    engine.gradEnabled = saved;
    engine.context = "";
    y._grad = null;
    for (const t of order) t._grad = null;
    for (const x of inputs) x._grad = null;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

type Kind = "number" | "array" | "tensor" | "record";

interface Prepared {
  kind: Kind;
  keys: string[];
  leaves: Tensor[];
  arg: Tensor | Record<string, Tensor>;
}

/** A fresh leaf for `x`: linked to `x` when `x` is itself part of an outer graph. */
function leaf(x: Tensor): Tensor {
  if (x.requiresGrad || (engine.tracing && x.node !== null)) {
    const t = identity(x);
    t.requiresGrad = true;
    return t;
  }
  return new Tensor(x.data, x.shape, true);
}

function prepare(x: unknown, api: string): Prepared {
  if (x instanceof Tensor) {
    const l = leaf(x);
    return { kind: "tensor", keys: [], leaves: [l], arg: l };
  }
  if (typeof x === "number") {
    const l = new Tensor(scalarData(x), [], true);
    return { kind: "number", keys: [], leaves: [l], arg: l };
  }
  if (Array.isArray(x)) {
    const data = alloc(x.length);
    for (let i = 0; i < x.length; i++) {
      if (typeof x[i] !== "number") {
        throw new TypeError(`${api}: x[${i}] is ${typeof x[i]}, expected a plain number array`);
      }
      data[i] = x[i];
    }
    const l = new Tensor(data, [x.length], true);
    return { kind: "array", keys: [], leaves: [l], arg: l };
  }
  if (x !== null && typeof x === "object") {
    const keys = Object.keys(x);
    const arg: Record<string, Tensor> = {};
    const leaves: Tensor[] = [];
    for (const k of keys) {
      const v = (x as Record<string, unknown>)[k];
      if (!(v instanceof Tensor)) {
        throw new TypeError(`${api}: parameter "${k}" is ${typeof v}, expected a Tensor`);
      }
      arg[k] = leaf(v);
      leaves.push(arg[k]);
    }
    return { kind: "record", keys, leaves, arg };
  }
  throw new TypeError(
    `${api}: cannot differentiate with respect to ${x === null ? "null" : typeof x} ` +
      "(pass a Tensor, a number[], a number or a record of Tensors)",
  );
}

function build(p: Prepared, gs: Tensor[]): unknown {
  switch (p.kind) {
    case "number":
      return gs[0].data[0];
    case "array": {
      const d = gs[0].data, out = new Array<number>(d.length);
      for (let i = 0; i < d.length; i++) out[i] = d[i];
      return out;
    }
    case "tensor":
      return gs[0];
    case "record": {
      const out: Record<string, Tensor> = {};
      p.keys.forEach((k, i) => (out[k] = gs[i]));
      return out;
    }
  }
}

function scalarOutput(y: unknown, api: string): Tensor {
  if (!(y instanceof Tensor)) {
    throw new TypeError(`${api}: f must return a Tensor (a scalar loss), got ${typeof y}`);
  }
  if (y.size !== 1) {
    throw new Error(
      `${api}: f returned a tensor of shape [${y.shape}], but a gradient needs a scalar output ` +
        "(one element): sum() or mean() it, or use jacobian for a vector-valued function",
    );
  }
  return y;
}

/** Runs f on fresh leaves and returns the output and its gradient (recorded when nested). */
function forwardBackward(
  f: (x: never) => Tensor,
  x: unknown,
  api: string,
  createGraph: boolean,
): [Prepared, Tensor, Tensor[]] {
  // Recording is switched on even inside noGrad(): a gradient is what the caller asked for.
  const saved = engine.gradEnabled;
  engine.gradEnabled = true;
  const p = prepare(x, api);
  depth++;
  let y: Tensor;
  try {
    y = scalarOutput((f as (x: unknown) => unknown)(p.arg), api);
  } finally {
    depth--;
    engine.gradEnabled = saved;
  }
  const gs = backward(y, p.leaves, createGraph || depth > 0 || engine.tracing);
  return [p, y, gs];
}

/**
 * The gradient of a scalar function. `f` receives Tensors (a number or number[] argument arrives
 * as a 0-D or 1-D Tensor) and returns a one-element Tensor; the gradient mirrors the argument:
 * number → number, number[] → number[], Tensor → Tensor, record of Tensors → record of Tensors.
 * Nesting works: `grad(grad(f))` is the exact second derivative.
 *
 * @example The gradient of Beale's function
 * ```ts
 * import { grad, type Tensor } from "./mod.ts";
 * const beale = (p: Tensor) => {
 *   const [x, y] = p.unbind();
 *   return x.mul(y).sub(x).add(1.5).square()
 *     .add(x.mul(y.square()).sub(x).add(2.25).square())
 *     .add(x.mul(y.pow(3)).sub(x).add(2.625).square());
 * };
 * console.log(grad(beale)([3, 0.5])); // [0, 0]
 * ```
 *
 * @example Second derivatives and named parameters
 * ```ts
 * import { grad, tensor, type Tensor } from "./mod.ts";
 * const d2 = grad(grad((x: Tensor) => x.pow(3).sum()));
 * console.log(d2(2)); // 12
 * const g = grad((p: Record<string, Tensor>) => p.w.mul(p.b).sum())({ w: tensor([2]), b: tensor([3]) });
 * console.log(g.w.toArray(), g.b.toArray()); // [3] [2]
 * ```
 */
export function grad(f: (x: Tensor) => Tensor): TensorGradFn;
/** The gradient with respect to a record of named tensors (a model's parameters). */
export function grad<R extends Record<string, Tensor>>(f: (x: R) => Tensor): (x: R) => R;
// deno-lint-ignore no-explicit-any
export function grad(f: (x: never) => Tensor): any {
  return (x: unknown) => {
    const [p, , gs] = forwardBackward(f, x, "grad", false);
    return build(p, gs);
  };
}

/**
 * The value and the gradient of a scalar function in one pass (see {@link grad}).
 *
 * @example Usage
 * ```ts
 * import { valueAndGrad, type Tensor } from "./mod.ts";
 * const [value, g] = valueAndGrad((x: Tensor) => x.square().sum())([1, 2]);
 * console.log(value, g); // 5 [2, 4]
 * ```
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): TensorValueAndGradFn;
/** The value and the gradient with respect to a record of named tensors. */
export function valueAndGrad<R extends Record<string, Tensor>>(
  f: (x: R) => Tensor,
): (x: R) => [number, R];
// deno-lint-ignore no-explicit-any
export function valueAndGrad(f: (x: never) => Tensor): any {
  return (x: unknown) => {
    const [p, y, gs] = forwardBackward(f, x, "valueAndGrad", false);
    return [y.data[0], build(p, gs)];
  };
}

function flatLike(p: Prepared, v: unknown, api: string): Tensor[] {
  const check = (t: Tensor, x: Tensor, what: string) => {
    if (!sameShape(t.shape, x.shape)) {
      throw new Error(`${api}: ${what} has shape [${t.shape}] but x has shape [${x.shape}]`);
    }
    return t;
  };
  switch (p.kind) {
    case "number":
      return [new Tensor(scalarData(v as number), [])];
    case "array":
      return [
        check(
          new Tensor(Float64Array.from(v as number[]), [(v as number[]).length]),
          p.leaves[0],
          "v",
        ),
      ];
    case "tensor":
      return [check(v as Tensor, p.leaves[0], "v")];
    case "record":
      return p.keys.map((k, i) => {
        const t = (v as Record<string, Tensor>)[k];
        if (!(t instanceof Tensor)) {
          throw new TypeError(`${api}: v.${k} is missing or not a Tensor`);
        }
        return check(t, p.leaves[i], `v.${k}`);
      });
  }
}

/**
 * The exact Hessian-vector product H(x)·v of a scalar function, by differentiating the backward
 * pass: ∇ₓ(∇f(x)·v). Costs about two gradients; the Hessian is never formed. `v` has the
 * structure of `x` and so does the result.
 *
 * @example Usage
 * ```ts
 * import { hvp, type Tensor } from "./mod.ts";
 * // f(x, y) = x²y: H = [[2y, 2x], [2x, 0]]
 * const f = (p: Tensor) => p.at(0).square().mul(p.at(1));
 * console.log(hvp(f)([1, 3], [1, 0])); // [6, 2]
 * ```
 */
export function hvp(f: (x: Tensor) => Tensor): TensorHvpFn;
/** The Hessian-vector product for a record of named tensors (`v` has the same keys and shapes). */
export function hvp<R extends Record<string, Tensor>>(f: (x: R) => Tensor): (x: R, v: R) => R;
// deno-lint-ignore no-explicit-any
export function hvp(f: (x: never) => Tensor): any {
  return (x: unknown, v: unknown) => {
    const saved = engine.gradEnabled;
    engine.gradEnabled = true;
    try {
      const [p, , gs] = forwardBackward(f, x, "hvp", true);
      const vs = flatLike(p, v, "hvp");
      let s: Tensor | null = null;
      for (let i = 0; i < gs.length; i++) {
        const term = sum(mul(gs[i], vs[i]));
        s = s === null ? term : add(s, term);
      }
      const out = s !== null && s.requiresGrad
        ? backward(s, p.leaves, depth > 0 || engine.tracing)
        : p.leaves.map((l) => zeros(l.shape));
      return build(p, out);
    } finally {
      engine.gradEnabled = saved;
    }
  };
}

/**
 * The full Hessian of a scalar function of a vector, as rows (n reverse sweeps through the
 * recorded gradient; for small n only).
 *
 * @example Usage
 * ```ts
 * import { hessian, type Tensor } from "./mod.ts";
 * const f = (p: Tensor) => p.at(0).square().mul(p.at(1));
 * console.log(hessian(f)([1, 3])); // [[6, 2], [2, 0]]
 * ```
 */
export function hessian(f: (x: Tensor) => Tensor): (x: readonly number[] | Tensor) => number[][] {
  return (x) => {
    const saved = engine.gradEnabled;
    engine.gradEnabled = true;
    try {
      const [p, , gs] = forwardBackward(f, x instanceof Tensor ? x : [...x], "hessian", true);
      const g = gs[0], n = g.size;
      const rows: number[][] = [];
      for (let i = 0; i < n; i++) {
        if (!g.requiresGrad) {
          rows.push(new Array<number>(n).fill(0));
          continue;
        }
        const seed = zeros(g.shape);
        seed.data[i] = 1;
        rows.push(Array.from(backward(g, p.leaves, false, seed)[0].data));
      }
      return rows;
    } finally {
      engine.gradEnabled = saved;
    }
  };
}

/**
 * The Jacobian of a tensor-valued function of a vector: row i is the gradient of output i
 * (flattened), one reverse sweep per output.
 *
 * @example Usage
 * ```ts
 * import { jacobian, type Tensor } from "./mod.ts";
 * const J = jacobian((p: Tensor) => p.mul(p))([1, 2]);
 * console.log(J); // [[2, 0], [0, 4]]
 * ```
 */
export function jacobian(f: (x: Tensor) => Tensor): (x: readonly number[] | Tensor) => number[][] {
  return (x) => {
    const saved = engine.gradEnabled;
    engine.gradEnabled = true;
    const p = prepare(x instanceof Tensor ? x : [...x], "jacobian");
    depth++;
    let y: Tensor;
    try {
      y = f(p.arg as Tensor);
    } finally {
      depth--;
      engine.gradEnabled = saved;
    }
    if (!(y instanceof Tensor)) throw new TypeError("jacobian: f must return a Tensor");
    const rows: number[][] = [];
    for (let i = 0; i < y.size; i++) {
      const seed = zeros(y.shape);
      seed.data[i] = 1;
      rows.push(Array.from(backward(y, p.leaves, depth > 0, seed)[0].data));
    }
    return rows;
  };
}
