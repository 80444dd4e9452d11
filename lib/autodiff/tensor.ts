/**
 * The {@link Tensor}: float64 data in row-major order and a shape, plus the graph bookkeeping that
 * reverse-mode autodiff needs (which op made it, from which inputs, and how to send a gradient
 * back). Creation helpers (`tensor`, `zeros`, `randn`, ...) live here too; the ops are in
 * `ops.ts` and the gradient API in `grad.ts`.
 *
 * @module
 */

import type { Rng } from "../random.ts";
import { alloc, scalarData } from "./memory.ts";
import * as ops from "./ops.ts";

/**
 * A number or arbitrarily nested arrays of numbers (what {@link Tensor.toArray} returns).
 *
 * @example Usage
 * ```ts
 * import { type NestedArray, tensor } from "./mod.ts";
 * const rows: NestedArray = tensor([[1, 2], [3, 4]]).toArray();
 * console.log(rows); // [[1, 2], [3, 4]]
 * ```
 */
export type NestedArray = number | NestedArray[];

/**
 * Anything an op accepts where a tensor is expected: a Tensor or a plain number.
 *
 * @example Usage
 * ```ts
 * import { mul, type TensorLike, tensor } from "./mod.ts";
 * const scale: TensorLike = 2;
 * console.log(mul(tensor([1, 2]), scale).toArray()); // [2, 4]
 * ```
 */
export type TensorLike = Tensor | number;

/**
 * How a tensor was made: the op's name, its inputs, and its backward rule (the vector-Jacobian
 * product: given the gradient `g` with respect to the output, the gradients with respect to each
 * input, `null` for inputs that need none). Backward rules are written with tensor ops, so with
 * gradient recording on they build a graph of their own: that is what makes `grad(grad(f))` and
 * Hessian-vector products exact.
 *
 * @example Inspecting the graph
 * ```ts
 * import { Tensor } from "./mod.ts";
 * const x = new Tensor(new Float64Array([1, 2]), [2], true);
 * const y = x.mul(3);
 * console.log(y.node?.op, y.node?.inputs[0] === x); // mul true
 * console.log(y.node?.backward?.(y)[0]?.toArray()); // [9, 18]
 * ```
 */
export interface Node {
  /** The op's name, as exported from `ops.ts` (`"mul"`, `"matmul"`, ...). */
  readonly op: string;
  /** The tensors the op read. */
  readonly inputs: readonly Tensor[];
  /** Vector-Jacobian product; `null` for ops without a gradient (comparisons, `detach`). */
  readonly backward: ((g: Tensor) => (Tensor | null)[]) | null;
  /** Op parameters (axes, shapes, exponents) that the compiler reads. */
  readonly attrs: Readonly<Record<string, unknown>> | null;
}

/**
 * Global switches of the engine (one JS thread, so a module-level record is enough). Prefer
 * {@link setDebugNans} and {@link noGrad} to writing these directly.
 *
 * @example Usage
 * ```ts
 * import { engine } from "./mod.ts";
 * console.log(engine.gradEnabled, engine.debugNans); // true false
 * ```
 */
export const engine = {
  /** Record graphs for ops whose inputs require gradients (off inside `noGrad` and plain backward). */
  gradEnabled: true,
  /** Record every op that depends on a traced input, differentiable or not (compile). */
  tracing: false,
  /**
   * While tracing for `compileTape`: matrix products whose result is recorded skip computing
   * their values (the tape replays the op and never reads a traced value; saves the cold trace).
   */
  shapesOnly: false,
  /** Check every op's output for NaN/Infinity (see {@link setDebugNans}). */
  debugNans: false,
  /** The op whose backward rule is running (named in non-finite errors); "" in a forward pass. */
  context: "",
};

/**
 * Turns the non-finite check on or off. When on, every op checks its output and throws at the
 * first one that produces NaN or ±Infinity, naming the op and its input shapes. Costs one pass over
 * each output; leave it off in benchmarks.
 *
 * @example Finding where a NaN first appears
 * ```ts
 * import { log, setDebugNans, tensor } from "./mod.ts";
 * setDebugNans(true);
 * try {
 *   log(tensor([1, -1]));
 * } catch (e) {
 *   console.log((e as Error).message.startsWith("Op log produced NaN")); // true
 * } finally {
 *   setDebugNans(false);
 * }
 * ```
 */
export function setDebugNans(on: boolean): void {
  engine.debugNans = on;
}

/**
 * Runs `fn` without recording any graph (like `torch.no_grad()`): for parameter updates and
 * evaluation, where no gradient is needed.
 *
 * @example Usage
 * ```ts
 * import { grad, noGrad, tensor } from "./mod.ts";
 * const w = tensor([1, 2]);
 * const g = grad((w) => w.mul(w).sum())(w);
 * const w2 = noGrad(() => w.sub(g.mul(0.1)));
 * console.log(w2.toArray()); // [0.8, 1.6]
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const saved = engine.gradEnabled;
  engine.gradEnabled = false;
  try {
    return fn();
  } finally {
    engine.gradEnabled = saved;
  }
}

/**
 * An n-dimensional array of float64 numbers, row-major, that remembers how it was computed so
 * gradients can flow back through it. Ops are free functions in `ops.ts` and also methods here,
 * so notebook code can read `x.matmul(w).add(b).tanh()`.
 *
 * @example Building and reading tensors
 * ```ts
 * import { tensor } from "./mod.ts";
 * const a = tensor([[1, 2], [3, 4]]);
 * console.log(a.shape, a.size, a.ndim); // [2, 2] 4 2
 * console.log(a.add(1).mul(a).sum().item()); // 40
 * console.log(a.transpose().toArray()); // [[1, 3], [2, 4]]
 * ```
 */
export class Tensor {
  /** The values, row-major. Treat as read-only: ops never write into their inputs. */
  readonly data: Float64Array;
  /** The extent along each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Whether gradients flow to (or through) this tensor. */
  requiresGrad: boolean;
  /** How the tensor was made, when a graph is being recorded; `null` for leaves and constants. */
  node: Node | null;
  /** @internal Scratch space of the backward pass. */
  _grad: Tensor | null = null;
  /** @internal Scratch space of the backward pass (visit stamp). */
  _mark = 0;

  /**
   * Wraps `data` (no copy) with a shape. Prefer {@link tensor} and {@link fromData}.
   *
   * @example Usage
   * ```ts
   * import { Tensor } from "./mod.ts";
   * const t = new Tensor(new Float64Array([1, 2, 3]), [3]);
   * console.log(t.sum().item()); // 6
   * ```
   */
  constructor(data: Float64Array, shape: readonly number[], requiresGrad = false) {
    this.data = data;
    this.shape = shape;
    this.requiresGrad = requiresGrad;
    this.node = null;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * The value of a one-element tensor.
   *
   * @example Usage
   * ```ts
   * import { tensor } from "./mod.ts";
   * console.log(tensor([[2.5]]).item()); // 2.5
   * ```
   */
  item(): number {
    if (this.data.length !== 1) {
      throw new Error(
        `item() needs a tensor with exactly one element, got shape [${this.shape}] ` +
          `(${this.data.length} elements): reduce it first, e.g. .sum() or .mean()`,
      );
    }
    return this.data[0];
  }

  /**
   * The values as (nested) plain arrays; a number for a scalar.
   *
   * @example Usage
   * ```ts
   * import { arange } from "./mod.ts";
   * console.log(arange(6).reshape([2, 3]).toArray()); // [[0, 1, 2], [3, 4, 5]]
   * ```
   */
  toArray(): NestedArray {
    if (this.shape.length === 0) return this.data[0];
    const build = (axis: number, offset: number): NestedArray[] => {
      const n = this.shape[axis];
      if (axis === this.shape.length - 1) return Array.from(this.data.subarray(offset, offset + n));
      const stride = this.data.length === 0
        ? 0
        : this.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /**
   * A short description: values (for small tensors) and shape. Also what `console.log` and a
   * notebook cell show.
   *
   * @example Usage
   * ```ts
   * import { tensor } from "./mod.ts";
   * console.log(tensor([[1, 2]]).toString()); // Tensor([[1, 2]], shape [1, 2])
   * ```
   */
  toString(): string {
    const body = this.size <= 100
      ? JSON.stringify(this.toArray()).replaceAll(",", ", ")
      : `${this.size} values, mean ${
        (this.data.reduce((a, b) => a + b, 0) / this.size).toPrecision(4)
      }`;
    const op = this.node === null ? "" : `, from ${this.node.op}`;
    return `Tensor(${body}, shape [${this.shape.join(", ")}]${op})`;
  }

  /** How `console.log` and Deno's REPL show a tensor. */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }

  /** How a Jupyter notebook cell shows a tensor. */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return { "text/plain": this.toString() };
  }

  // ---- ops as methods (see ops.ts for each op's forward and backward) ----

  /** Elementwise sum with broadcasting, `this + b`. */
  add(b: TensorLike): Tensor {
    return ops.add(this, b);
  }
  /** Elementwise difference with broadcasting, `this - b`. */
  sub(b: TensorLike): Tensor {
    return ops.sub(this, b);
  }
  /** Elementwise product with broadcasting, `this * b`. */
  mul(b: TensorLike): Tensor {
    return ops.mul(this, b);
  }
  /** Elementwise quotient with broadcasting, `this / b`. */
  div(b: TensorLike): Tensor {
    return ops.div(this, b);
  }
  /** Elementwise power, `this ** b` (number or tensor exponent). */
  pow(b: TensorLike): Tensor {
    return ops.pow(this, b);
  }
  /** `-this`. */
  neg(): Tensor {
    return ops.neg(this);
  }
  /** Elementwise `this²`. */
  square(): Tensor {
    return ops.square(this);
  }
  /** Elementwise exponential. */
  exp(): Tensor {
    return ops.exp(this);
  }
  /** Elementwise natural logarithm. */
  log(): Tensor {
    return ops.log(this);
  }
  /** Elementwise square root. */
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** Elementwise absolute value. */
  abs(): Tensor {
    return ops.abs(this);
  }
  /** Elementwise sine. */
  sin(): Tensor {
    return ops.sin(this);
  }
  /** Elementwise cosine. */
  cos(): Tensor {
    return ops.cos(this);
  }
  /** Elementwise hyperbolic tangent. */
  tanh(): Tensor {
    return ops.tanh(this);
  }
  /** Elementwise logistic sigmoid 1 / (1 + e^-x). */
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  /** Elementwise max(x, 0). */
  relu(): Tensor {
    return ops.relu(this);
  }
  /** Elementwise log(1 + e^x), computed stably. */
  softplus(): Tensor {
    return ops.softplus(this);
  }
  /** Elementwise maximum with broadcasting. */
  maximum(b: TensorLike): Tensor {
    return ops.maximum(this, b);
  }
  /** Elementwise minimum with broadcasting. */
  minimum(b: TensorLike): Tensor {
    return ops.minimum(this, b);
  }
  /** Matrix product (2-D, 1-D or batched; see {@link ops.matmul}). */
  matmul(b: Tensor): Tensor {
    return ops.matmul(this, b);
  }
  /** Sum over all axes, or over `axis` (number or list), keeping reduced axes if `keepdims`. */
  sum(axis?: number | readonly number[], keepdims = false): Tensor {
    return ops.sum(this, axis, keepdims);
  }
  /** Mean over all axes or over `axis`. */
  mean(axis?: number | readonly number[], keepdims = false): Tensor {
    return ops.mean(this, axis, keepdims);
  }
  /** Maximum over all axes or over `axis` (gradient shared equally among ties). */
  max(axis?: number | readonly number[], keepdims = false): Tensor {
    return ops.max(this, axis, keepdims);
  }
  /** Minimum over all axes or over `axis`. */
  min(axis?: number | readonly number[], keepdims = false): Tensor {
    return ops.min(this, axis, keepdims);
  }
  /** Same data, new shape (one entry may be -1). */
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** Permutes axes; without arguments reverses them (a matrix transpose). */
  transpose(perm?: readonly number[]): Tensor {
    return ops.transpose(this, perm);
  }
  /** The matrix transpose (reversed axes). */
  get T(): Tensor {
    return ops.transpose(this);
  }
  /** Elements `start` (inclusive) to `end` (exclusive) along `axis`. */
  slice(start: number, end: number, axis = 0): Tensor {
    return ops.slice(this, start, end, axis);
  }
  /** Rows `indices` along the first axis (a minibatch). */
  gather(indices: ArrayLike<number>): Tensor {
    return ops.gather(this, indices);
  }
  /** Element or row `i` along the first axis, with that axis removed. */
  at(i: number): Tensor {
    return ops.at(this, i);
  }
  /** The pieces along the first axis, each with that axis removed: `const [x, y] = p.unbind()`. */
  unbind(): Tensor[] {
    return ops.unbind(this);
  }
  /** The same values, cut off from the graph (no gradient flows back). */
  detach(): Tensor {
    return ops.detach(this);
  }
}

/**
 * A tensor from a number or (nested) arrays of numbers; the values are copied.
 *
 * @example Usage
 * ```ts
 * import { tensor } from "./mod.ts";
 * console.log(tensor(3).shape); // []
 * console.log(tensor([[1, 2, 3]]).shape); // [1, 3]
 * ```
 */
export function tensor(values: NestedArray | Float64Array | Tensor): Tensor {
  if (values instanceof Tensor) return new Tensor(values.data.slice(), values.shape.slice());
  if (values instanceof Float64Array) return new Tensor(values.slice(), [values.length]);
  if (typeof values === "number") return new Tensor(scalarData(values), []);
  const shape: number[] = [];
  let probe: NestedArray = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const data = alloc(shape.reduce((a, b) => a * b, 1));
  let k = 0;
  const fill = (v: NestedArray, axis: number, path: string) => {
    if (axis === shape.length) {
      if (typeof v !== "number") {
        throw new Error(`tensor(): ragged array at ${path} (expected a number, got an array)`);
      }
      data[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new Error(
        `tensor(): ragged array at ${path} (expected an array of length ${shape[axis]}, got ${
          Array.isArray(v) ? `length ${v.length}` : typeof v
        })`,
      );
    }
    for (let i = 0; i < v.length; i++) fill(v[i], axis + 1, `${path}[${i}]`);
  };
  fill(values, 0, "values");
  return new Tensor(data, shape);
}

/**
 * Wraps a Float64Array as a tensor of the given shape, without copying.
 *
 * @example Usage
 * ```ts
 * import { fromData } from "./mod.ts";
 * const t = fromData(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * console.log(t.toArray()); // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export function fromData(data: Float64Array, shape: readonly number[]): Tensor {
  const n = checkShape(shape, "fromData");
  if (n !== data.length) {
    throw new Error(
      `fromData(): shape [${shape}] holds ${n} elements but the data has ${data.length}`,
    );
  }
  return new Tensor(data, shape.slice());
}

/**
 * Checks a shape (whole numbers ≥ 0) and returns its element count; `op` names the caller in
 * the error.
 *
 * @example Usage
 * ```ts
 * import { checkShape } from "./mod.ts";
 * console.log(checkShape([2, 3], "zeros")); // 6
 * ```
 */
export function checkShape(shape: readonly number[], op: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}(): invalid shape [${shape}] (sizes must be whole numbers ≥ 0)`);
    }
    n *= d;
  }
  return n;
}

function shapeOf(shape: number | readonly number[]): number[] {
  return typeof shape === "number" ? [shape] : shape.slice();
}

/**
 * A tensor of zeros. A number is a 1-D shape.
 *
 * @example Usage
 * ```ts
 * import { zeros } from "./mod.ts";
 * console.log(zeros([2, 2]).toArray()); // [[0, 0], [0, 0]]
 * ```
 */
export function zeros(shape: number | readonly number[]): Tensor {
  const s = shapeOf(shape);
  return new Tensor(alloc(checkShape(s, "zeros")), s);
}

/**
 * A tensor of ones.
 *
 * @example Usage
 * ```ts
 * import { ones } from "./mod.ts";
 * console.log(ones(3).toArray()); // [1, 1, 1]
 * ```
 */
export function ones(shape: number | readonly number[]): Tensor {
  return full(shape, 1);
}

/**
 * A tensor filled with one value.
 *
 * @example Usage
 * ```ts
 * import { full } from "./mod.ts";
 * console.log(full([1, 2], 7).toArray()); // [[7, 7]]
 * ```
 */
export function full(shape: number | readonly number[], value: number): Tensor {
  const s = shapeOf(shape);
  return new Tensor(alloc(checkShape(s, "full")).fill(value), s);
}

/**
 * Evenly spaced values in [start, stop) with a step, like NumPy: `arange(n)` is 0, 1, ..., n - 1.
 *
 * @example Usage
 * ```ts
 * import { arange } from "./mod.ts";
 * console.log(arange(4).toArray()); // [0, 1, 2, 3]
 * console.log(arange(1, 2, 0.25).toArray()); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, stop?: number, step = 1): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (!(step !== 0) || !Number.isFinite(step)) {
    throw new RangeError(`invalid step: ${step} (expected a finite non-zero number)`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = alloc(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/**
 * `n` evenly spaced values from `a` to `b`, both included.
 *
 * @example Usage
 * ```ts
 * import { linspace } from "./mod.ts";
 * console.log(linspace(0, 1, 5).toArray()); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(a: number, b: number, n: number): Tensor {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`invalid n: ${n} (expected a whole number ≥ 0)`);
  }
  const data = alloc(n);
  for (let i = 0; i < n; i++) data[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  if (n > 1) data[n - 1] = b;
  return new Tensor(data, [n]);
}

/**
 * Standard normal draws from a seeded generator.
 *
 * @example Usage
 * ```ts
 * import { randn } from "./mod.ts";
 * import { Rng } from "../random.ts";
 * const w = randn([64, 32], new Rng(0));
 * console.log(w.shape, Math.abs(w.mean().item()) < 0.1); // [64, 32] true
 * ```
 */
export function randn(shape: number | readonly number[], rng: Rng): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}

/**
 * Uniform draws from [0, 1) from a seeded generator.
 *
 * @example Usage
 * ```ts
 * import { rand } from "./mod.ts";
 * import { Rng } from "../random.ts";
 * const u = rand(100, new Rng(1));
 * console.log(u.max().item() < 1 && u.min().item() >= 0); // true
 * ```
 */
export function rand(shape: number | readonly number[], rng: Rng): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.uniform();
  return t;
}

/**
 * The n × n identity matrix.
 *
 * @example Usage
 * ```ts
 * import { eye } from "./mod.ts";
 * console.log(eye(2).toArray()); // [[1, 0], [0, 1]]
 * ```
 */
export function eye(n: number): Tensor {
  const t = zeros([n, n]);
  for (let i = 0; i < n; i++) t.data[i * n + i] = 1;
  return t;
}
