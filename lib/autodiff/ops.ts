/**
 * Every op of the autodiff engine, each primitive's forward computation followed directly by its
 * backward rule (the vector-Jacobian product). Backward rules are written with these same ops, so
 * they can be differentiated again (`grad(grad(f))`, `hvp`). Composite ops (`mean`, `logSoftmax`,
 * the losses, ...) are short formulas over primitives and get their gradients for free.
 *
 * Broadcasting follows NumPy: shapes are aligned from the right, and an axis of size 1 (or a
 * missing leading axis) stretches to match. The backward rule of a broadcasting op sums the
 * gradient back down to the input's shape ({@link sumTo}).
 *
 * @module
 */

import { alloc, scalarData } from "./memory.ts";
import { checkShape, engine, type Node, Tensor, type TensorLike } from "./tensor.ts";

// ---------------------------------------------------------------------------------------------
// Graph recording and shape helpers
// ---------------------------------------------------------------------------------------------

const constants = new Map<number, Tensor>();

/**
 * A number becomes a scalar (shape `[]`) constant tensor. Constants are shared (tensors are never
 * written to), so the 2 in `x.mul(2)` is made once, not at every call.
 */
function asT(x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== "number") {
    throw new TypeError(`Expected a Tensor or a number, got ${x === null ? "null" : typeof x}`);
  }
  let t = constants.get(x);
  if (t === undefined) {
    if (constants.size >= 1024) constants.clear();
    t = new Tensor(scalarData(x), []);
    constants.set(x, t);
  }
  return t;
}

/** Whether an op on these inputs must be recorded in the graph. */
function tracks(a: Tensor, b?: Tensor, c?: Tensor): boolean {
  if (engine.tracing) {
    return a.requiresGrad || a.node !== null ||
      (b !== undefined && (b.requiresGrad || b.node !== null)) ||
      (c !== undefined && (c.requiresGrad || c.node !== null));
  }
  return engine.gradEnabled &&
    (a.requiresGrad || (b !== undefined && b.requiresGrad) || (c !== undefined && c.requiresGrad));
}

function record(
  out: Tensor,
  op: string,
  inputs: Tensor[],
  backward: Node["backward"],
  attrs: Node["attrs"] = null,
): Tensor {
  let rg = false;
  if (backward !== null && engine.gradEnabled) {
    for (const t of inputs) if (t.requiresGrad) rg = true;
  }
  out.requiresGrad = rg;
  out.node = { op, inputs, backward, attrs };
  return out;
}

/** Throws at the first non-finite value when the debug check is on. */
function finite(out: Tensor, op: string, inputs: Tensor[]): Tensor {
  const d = out.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) {
      const where = engine.context === "" ? "" : ` (in the backward pass of ${engine.context})`;
      const inFinite = inputs.every((t) => t.data.every(Number.isFinite));
      throw new Error(
        `Op ${op} produced ${v} at flat index ${i} of its output (shape [${out.shape}])${where}; ` +
          `input shapes ${inputs.map((t) => `[${t.shape}]`).join(", ")}, inputs ${
            inFinite ? "all finite" : "already non-finite"
          }`,
      );
    }
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The NumPy broadcast of two shapes, or an error naming the op and both shapes.
 *
 * @example Usage
 * ```ts
 * import { broadcastShapes } from "./ops.ts";
 * console.log(broadcastShapes([4, 1], [3], "add")); // [4, 3]
 * ```
 */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: shapes [${a}] and [${b}] cannot be broadcast together (axis ${
          i - n
        }: ${da} vs ${db}; sizes must be equal or one of them 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

const cache = new Map<string, Int32Array>();
function cached(key: string, make: () => Int32Array): Int32Array {
  let m = cache.get(key);
  if (m === undefined) {
    if (cache.size > 512) cache.clear();
    m = make();
    cache.set(key, m);
  }
  return m;
}

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * For each flat index of `outShape`, the flat index of the broadcast input of shape `inShape`
 * (cached: the same pair of shapes recurs every training step).
 *
 * @example Usage
 * ```ts
 * import { broadcastIndex } from "./ops.ts";
 * console.log(Array.from(broadcastIndex([2, 1], [2, 3]))); // [0, 0, 0, 1, 1, 1]
 * ```
 */
export function broadcastIndex(
  inShape: readonly number[],
  outShape: readonly number[],
): Int32Array {
  return cached(`b${inShape}|${outShape}`, () => {
    const n = numel(outShape), nd = outShape.length, off = nd - inShape.length;
    const inStr = stridesOf(inShape);
    const str = new Array<number>(nd).fill(0);
    for (let i = 0; i < inShape.length; i++) str[i + off] = inShape[i] === 1 ? 0 : inStr[i];
    const map = new Int32Array(n);
    const idx = new Array<number>(nd).fill(0);
    let src = 0;
    for (let k = 0; k < n; k++) {
      map[k] = src;
      for (let ax = nd - 1; ax >= 0; ax--) {
        idx[ax]++;
        src += str[ax];
        if (idx[ax] < outShape[ax]) break;
        src -= str[ax] * idx[ax];
        idx[ax] = 0;
      }
    }
    return map;
  });
}

/** For each flat index of `shape`, the flat index of its slot after reducing `axes` (sorted). */
function reduceIndex(shape: readonly number[], axes: readonly number[]): Int32Array {
  return cached(`r${shape}|${axes}`, () => {
    const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const outStr = stridesOf(keep);
    const str = shape.map((_, i) => (axes.includes(i) ? 0 : outStr[i]));
    const n = numel(shape), nd = shape.length;
    const map = new Int32Array(n);
    const idx = new Array<number>(nd).fill(0);
    let dst = 0;
    for (let k = 0; k < n; k++) {
      map[k] = dst;
      for (let ax = nd - 1; ax >= 0; ax--) {
        idx[ax]++;
        dst += str[ax];
        if (idx[ax] < shape[ax]) break;
        dst -= str[ax] * idx[ax];
        idx[ax] = 0;
      }
    }
    return map;
  });
}

/** Data of `t` stretched to `shape` (a copy only when it really broadcasts). */
function expanded(t: Tensor, shape: readonly number[]): Float64Array {
  if (t.data.length === 1 || sameShape(t.shape, shape)) return t.data;
  const map = broadcastIndex(t.shape, shape);
  const out = alloc(map.length), d = t.data;
  for (let i = 0; i < map.length; i++) out[i] = d[map[i]];
  return out;
}

function normAxes(
  axis: number | readonly number[] | undefined,
  ndim: number,
  op: string,
): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  const out: number[] = [];
  for (const a of list) {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new RangeError(
        `${op}: invalid axis ${a} for a tensor with ${ndim} axes (expected -${ndim} to ${
          ndim - 1
        })`,
      );
    }
    const p = a < 0 ? a + ndim : a;
    if (!out.includes(p)) out.push(p);
  }
  return out.sort((x, y) => x - y);
}

// ---------------------------------------------------------------------------------------------
// Elementwise kernels (one loop per op, no per-element closures)
// ---------------------------------------------------------------------------------------------

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAX = 5, GT = 6, EQ = 7;

function binary(code: number, A: Tensor, B: Tensor, op: string): Tensor {
  let shape: readonly number[];
  if (sameShape(A.shape, B.shape)) shape = A.shape;
  else if (B.data.length === 1 && B.shape.length <= A.shape.length) shape = A.shape;
  else if (A.data.length === 1 && A.shape.length <= B.shape.length) shape = B.shape;
  else shape = broadcastShapes(A.shape, B.shape, op);
  const n = shape === A.shape ? A.data.length : shape === B.shape ? B.data.length : numel(shape);
  const a = expanded(A, shape), b = expanded(B, shape);
  const sa = a.length === 1 && n !== 1 ? 0 : 1, sb = b.length === 1 && n !== 1 ? 0 : 1;
  const o = alloc(n);
  switch (code) {
    case ADD:
      for (let i = 0; i < n; i++) o[i] = a[i * sa] + b[i * sb];
      break;
    case SUB:
      for (let i = 0; i < n; i++) o[i] = a[i * sa] - b[i * sb];
      break;
    case MUL:
      for (let i = 0; i < n; i++) o[i] = a[i * sa] * b[i * sb];
      break;
    case DIV:
      for (let i = 0; i < n; i++) o[i] = a[i * sa] / b[i * sb];
      break;
    case POW:
      for (let i = 0; i < n; i++) o[i] = Math.pow(a[i * sa], b[i * sb]);
      break;
    case MAX:
      for (let i = 0; i < n; i++) o[i] = Math.max(a[i * sa], b[i * sb]);
      break;
    case GT:
      for (let i = 0; i < n; i++) o[i] = a[i * sa] > b[i * sb] ? 1 : 0;
      break;
    case EQ:
      for (let i = 0; i < n; i++) o[i] = a[i * sa] === b[i * sb] ? 1 : 0;
      break;
  }
  return new Tensor(o, shape);
}

const NEG = 0, EXP = 1, LOG = 2, SQRT = 3, ABS = 4, SIN = 5, COS = 6, TANH = 7, SIGMOID = 8;
const RELU = 9, SOFTPLUS = 10, SIGN = 11, STEP = 12, SQUARE = 13;

function unary(code: number, A: Tensor): Tensor {
  const a = A.data, n = a.length, o = alloc(n);
  switch (code) {
    case NEG:
      for (let i = 0; i < n; i++) o[i] = -a[i];
      break;
    case EXP:
      for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]);
      break;
    case LOG:
      for (let i = 0; i < n; i++) o[i] = Math.log(a[i]);
      break;
    case SQRT:
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]);
      break;
    case ABS:
      for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]);
      break;
    case SIN:
      for (let i = 0; i < n; i++) o[i] = Math.sin(a[i]);
      break;
    case COS:
      for (let i = 0; i < n; i++) o[i] = Math.cos(a[i]);
      break;
    case TANH:
      for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]);
      break;
    case SIGMOID:
      // NOTE: two branches so that exp never overflows (1 / (1 + e^1000) would be fine, but
      // e^1000 / (1 + e^1000) is NaN).
      for (let i = 0; i < n; i++) {
        const x = a[i];
        if (x >= 0) o[i] = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          o[i] = e / (1 + e);
        }
      }
      break;
    case RELU:
      for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? a[i] : 0;
      break;
    case SOFTPLUS:
      // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows.
      for (let i = 0; i < n; i++) {
        const x = a[i];
        o[i] = (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
      }
      break;
    case SIGN:
      for (let i = 0; i < n; i++) o[i] = Math.sign(a[i]);
      break;
    case STEP:
      for (let i = 0; i < n; i++) o[i] = a[i] > 0 ? 1 : 0;
      break;
    case SQUARE:
      for (let i = 0; i < n; i++) o[i] = a[i] * a[i];
      break;
  }
  return new Tensor(o, A.shape);
}

/**
 * Scalar formulas of the elementwise ops as JavaScript source, used by the compiler
 * (`compile.ts`); each must compute exactly what the op's kernel above computes.
 *
 * @example Usage
 * ```ts
 * import { scalarFormulas } from "./ops.ts";
 * console.log(scalarFormulas.mul("a", "b")); // (a * b)
 * ```
 */
export const scalarFormulas: Readonly<Record<string, (a: string, b: string) => string>> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  maximum: (a, b) => `Math.max(${a}, ${b})`,
  greater: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  equal: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  neg: (a) => `(-${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  sqrt: (a) => `Math.sqrt(${a})`,
  abs: (a) => `Math.abs(${a})`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  sigmoid: (a) => `(${a} >= 0 ? 1 / (1 + Math.exp(-${a})) : Math.exp(${a}) / (1 + Math.exp(${a})))`,
  relu: (a) => `(${a} > 0 ? ${a} : 0)`,
  softplus: (a) => `((${a} > 0 ? ${a} : 0) + Math.log1p(Math.exp(-Math.abs(${a}))))`,
  sign: (a) => `Math.sign(${a})`,
  square: (a) => `(${a} * ${a})`,
};

// ---------------------------------------------------------------------------------------------
// Differentiable elementwise primitives
// ---------------------------------------------------------------------------------------------

/**
 * Elementwise `a + b` with broadcasting.
 *
 * @example Usage
 * ```ts
 * import { add, tensor } from "./mod.ts";
 * console.log(add(tensor([[1], [2]]), tensor([10, 20])).toArray()); // [[11, 21], [12, 22]]
 * console.log(add(tensor([1, 2]), 1).toArray()); // [2, 3]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const A = asT(a), B = asT(b);
  const out = binary(ADD, A, B, "add");
  if (engine.debugNans) finite(out, "add", [A, B]);
  if (!tracks(A, B)) return out;
  return record(out, "add", [A, B], (g) => [
    A.requiresGrad ? sumTo(g, A.shape) : null,
    B.requiresGrad ? sumTo(g, B.shape) : null,
  ]);
}

/**
 * Elementwise `a - b` with broadcasting.
 *
 * @example Usage
 * ```ts
 * import { sub, tensor } from "./mod.ts";
 * console.log(sub(tensor([5, 7]), tensor([1, 2])).toArray()); // [4, 5]
 * ```
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const A = asT(a), B = asT(b);
  const out = binary(SUB, A, B, "sub");
  if (engine.debugNans) finite(out, "sub", [A, B]);
  if (!tracks(A, B)) return out;
  return record(out, "sub", [A, B], (g) => [
    A.requiresGrad ? sumTo(g, A.shape) : null,
    B.requiresGrad ? sumTo(neg(g), B.shape) : null,
  ]);
}

/**
 * Elementwise `a * b` with broadcasting.
 *
 * @example Usage
 * ```ts
 * import { mul, tensor } from "./mod.ts";
 * console.log(mul(tensor([1, 2, 3]), 2).toArray()); // [2, 4, 6]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const A = asT(a), B = asT(b);
  const out = binary(MUL, A, B, "mul");
  if (engine.debugNans) finite(out, "mul", [A, B]);
  if (!tracks(A, B)) return out;
  return record(out, "mul", [A, B], (g) => [
    A.requiresGrad ? sumTo(mul(g, B), A.shape) : null,
    B.requiresGrad ? sumTo(mul(g, A), B.shape) : null,
  ]);
}

/**
 * Elementwise `a / b` with broadcasting.
 *
 * @example Usage
 * ```ts
 * import { div, tensor } from "./mod.ts";
 * console.log(div(tensor([1, 2]), 4).toArray()); // [0.25, 0.5]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const A = asT(a), B = asT(b);
  const out = binary(DIV, A, B, "div");
  if (engine.debugNans) finite(out, "div", [A, B]);
  if (!tracks(A, B)) return out;
  return record(out, "div", [A, B], (g) => [
    A.requiresGrad ? sumTo(div(g, B), A.shape) : null,
    // d(a/b)/db = -a/b² = -out/b
    B.requiresGrad ? sumTo(neg(mul(g, div(out, B))), B.shape) : null,
  ]);
}

/**
 * Elementwise power `a ** b`. A number exponent uses the rule p·a^(p-1) (so negative bases are
 * fine); a tensor exponent also gets the gradient a^b·log(a) (which needs a > 0).
 *
 * @example Usage
 * ```ts
 * import { pow, tensor } from "./mod.ts";
 * console.log(pow(tensor([1, 2, 3]), 2).toArray()); // [1, 4, 9]
 * console.log(pow(2, tensor([0, 1, 3])).toArray()); // [1, 2, 8]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === "number") return powScalar(asT(a), b);
  const A = asT(a), B = asT(b);
  const out = binary(POW, A, B, "pow");
  if (engine.debugNans) finite(out, "pow", [A, B]);
  if (!tracks(A, B)) return out;
  return record(out, "pow", [A, B], (g) => [
    A.requiresGrad ? sumTo(mul(g, mul(B, pow(A, sub(B, 1)))), A.shape) : null,
    B.requiresGrad ? sumTo(mul(g, mul(out, log(A))), B.shape) : null,
  ]);
}

function powScalar(A: Tensor, p: number): Tensor {
  const out = p === 2 ? unary(SQUARE, A) : binary(POW, A, asT(p), "pow");
  if (engine.debugNans) finite(out, "pow", [A]);
  if (!tracks(A)) return out;
  return record(
    out,
    "powScalar",
    [A],
    (
      g,
    ) => [p === 2 ? mul(g, mul(A, 2)) : p === 0 ? mul(g, 0) : mul(g, mul(powScalar(A, p - 1), p))],
    { p },
  );
}

/**
 * Elementwise `a²` (a power with exponent 2).
 *
 * @example Usage
 * ```ts
 * import { square, tensor } from "./mod.ts";
 * console.log(square(tensor([-3, 2])).toArray()); // [9, 4]
 * ```
 */
export function square(a: TensorLike): Tensor {
  return powScalar(asT(a), 2);
}

/**
 * Elementwise `-a`.
 *
 * @example Usage
 * ```ts
 * import { neg, tensor } from "./mod.ts";
 * console.log(neg(tensor([1, -2])).toArray()); // [-1, 2]
 * ```
 */
export function neg(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(NEG, A);
  if (!tracks(A)) return out;
  return record(out, "neg", [A], (g) => [neg(g)]);
}

/**
 * Elementwise e^a.
 *
 * @example Usage
 * ```ts
 * import { exp, tensor } from "./mod.ts";
 * console.log(exp(tensor([0])).toArray()); // [1]
 * ```
 */
export function exp(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(EXP, A);
  if (engine.debugNans) finite(out, "exp", [A]);
  if (!tracks(A)) return out;
  return record(out, "exp", [A], (g) => [mul(g, out)]);
}

/**
 * Elementwise natural logarithm.
 *
 * @example Usage
 * ```ts
 * import { log, tensor } from "./mod.ts";
 * console.log(log(tensor([1, Math.E])).toArray()); // [0, 1]
 * ```
 */
export function log(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(LOG, A);
  if (engine.debugNans) finite(out, "log", [A]);
  if (!tracks(A)) return out;
  return record(out, "log", [A], (g) => [div(g, A)]);
}

/**
 * Elementwise square root.
 *
 * @example Usage
 * ```ts
 * import { sqrt, tensor } from "./mod.ts";
 * console.log(sqrt(tensor([4, 9])).toArray()); // [2, 3]
 * ```
 */
export function sqrt(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(SQRT, A);
  if (engine.debugNans) finite(out, "sqrt", [A]);
  if (!tracks(A)) return out;
  return record(out, "sqrt", [A], (g) => [div(g, mul(out, 2))]);
}

/**
 * Elementwise |a|. NOTE: the gradient at 0 is 0 (the sign), as in PyTorch.
 *
 * @example Usage
 * ```ts
 * import { abs, tensor } from "./mod.ts";
 * console.log(abs(tensor([-2, 3])).toArray()); // [2, 3]
 * ```
 */
export function abs(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(ABS, A);
  if (!tracks(A)) return out;
  return record(out, "abs", [A], (g) => [mul(g, sign(A))]);
}

/**
 * Elementwise sine.
 *
 * @example Usage
 * ```ts
 * import { sin, tensor } from "./mod.ts";
 * console.log(sin(tensor([0])).toArray()); // [0]
 * ```
 */
export function sin(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(SIN, A);
  if (engine.debugNans) finite(out, "sin", [A]);
  if (!tracks(A)) return out;
  return record(out, "sin", [A], (g) => [mul(g, cos(A))]);
}

/**
 * Elementwise cosine.
 *
 * @example Usage
 * ```ts
 * import { cos, tensor } from "./mod.ts";
 * console.log(cos(tensor([0])).toArray()); // [1]
 * ```
 */
export function cos(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(COS, A);
  if (engine.debugNans) finite(out, "cos", [A]);
  if (!tracks(A)) return out;
  return record(out, "cos", [A], (g) => [neg(mul(g, sin(A)))]);
}

/**
 * Elementwise hyperbolic tangent.
 *
 * @example Usage
 * ```ts
 * import { tanh, tensor } from "./mod.ts";
 * console.log(tanh(tensor([0])).toArray()); // [0]
 * ```
 */
export function tanh(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(TANH, A);
  if (engine.debugNans) finite(out, "tanh", [A]);
  if (!tracks(A)) return out;
  return record(out, "tanh", [A], (g) => [mul(g, sub(1, square(out)))]);
}

/**
 * Elementwise logistic sigmoid 1 / (1 + e^-a), computed without overflow.
 *
 * @example Usage
 * ```ts
 * import { sigmoid, tensor } from "./mod.ts";
 * console.log(sigmoid(tensor([0, -1000])).toArray()); // [0.5, 0]
 * ```
 */
export function sigmoid(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(SIGMOID, A);
  if (!tracks(A)) return out;
  return record(out, "sigmoid", [A], (g) => [mul(g, mul(out, sub(1, out)))]);
}

/**
 * Elementwise max(a, 0). NOTE: the gradient at exactly 0 is 0 (PyTorch and micrograd agree).
 *
 * @example Usage
 * ```ts
 * import { relu, tensor } from "./mod.ts";
 * console.log(relu(tensor([-1, 0, 2])).toArray()); // [0, 0, 2]
 * ```
 */
export function relu(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(RELU, A);
  if (!tracks(A)) return out;
  return record(out, "relu", [A], (g) => [mul(g, step(A))]);
}

/**
 * Elementwise softplus log(1 + e^a), stable for any a; its derivative is the sigmoid. The logistic
 * loss is written with it.
 *
 * @example Usage
 * ```ts
 * import { softplus, tensor } from "./mod.ts";
 * console.log(softplus(tensor([0, 1000, -1000])).toArray()); // [0.6931471805599453, 1000, 0]
 * ```
 */
export function softplus(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(SOFTPLUS, A);
  if (!tracks(A)) return out;
  return record(out, "softplus", [A], (g) => [mul(g, sigmoid(A))]);
}

/**
 * Elementwise maximum with broadcasting. At ties the gradient is split equally, as in PyTorch.
 *
 * @example Usage
 * ```ts
 * import { maximum, tensor } from "./mod.ts";
 * console.log(maximum(tensor([1, 5]), 3).toArray()); // [3, 5]
 * ```
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const A = asT(a), B = asT(b);
  const out = binary(MAX, A, B, "maximum");
  if (!tracks(A, B)) return out;
  return record(out, "maximum", [A, B], (g) => {
    const wa = add(greater(A, B), mul(equal(A, B), 0.5)); // share of the gradient that goes to a
    return [
      A.requiresGrad ? sumTo(mul(g, wa), A.shape) : null,
      B.requiresGrad ? sumTo(mul(g, sub(1, wa)), B.shape) : null,
    ];
  });
}

/**
 * Elementwise minimum with broadcasting (written as -maximum(-a, -b)).
 *
 * @example Usage
 * ```ts
 * import { minimum, tensor } from "./mod.ts";
 * console.log(minimum(tensor([1, 5]), 3).toArray()); // [1, 3]
 * ```
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return neg(maximum(neg(a), neg(b)));
}

/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere, with broadcasting. `cond` gets no gradient.
 *
 * @example Usage
 * ```ts
 * import { tensor, where } from "./mod.ts";
 * console.log(where(tensor([1, 0, 1]), tensor([1, 2, 3]), -1).toArray()); // [1, -1, 3]
 * ```
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const C = asT(cond), A = asT(a), B = asT(b);
  const shape = broadcastShapes(broadcastShapes(C.shape, A.shape, "where"), B.shape, "where");
  const n = numel(shape);
  const c = expanded(C, shape), x = expanded(A, shape), y = expanded(B, shape);
  const sc = c.length === 1 && n !== 1 ? 0 : 1;
  const sx = x.length === 1 && n !== 1 ? 0 : 1, sy = y.length === 1 && n !== 1 ? 0 : 1;
  const o = alloc(n);
  for (let i = 0; i < n; i++) o[i] = c[i * sc] !== 0 ? x[i * sx] : y[i * sy];
  const out = new Tensor(o, shape);
  if (!tracks(C, A, B)) return out;
  return record(out, "where", [C, A, B], (g) => [
    null,
    A.requiresGrad ? sumTo(where(C, g, 0), A.shape) : null,
    B.requiresGrad ? sumTo(where(C, 0, g), B.shape) : null,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Non-differentiable helpers (masks). They get a graph node only when compiling.
// ---------------------------------------------------------------------------------------------

/**
 * Elementwise `a > b` as 1 or 0 (no gradient).
 *
 * @example Usage
 * ```ts
 * import { greater, tensor } from "./mod.ts";
 * console.log(greater(tensor([1, 2, 3]), 2).toArray()); // [0, 0, 1]
 * ```
 */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  const A = asT(a), B = asT(b);
  const out = binary(GT, A, B, "greater");
  return engine.tracing && tracks(A, B) ? record(out, "greater", [A, B], null) : out;
}

/**
 * Elementwise `a === b` as 1 or 0 (no gradient).
 *
 * @example Usage
 * ```ts
 * import { equal, tensor } from "./mod.ts";
 * console.log(equal(tensor([1, 2, 3]), 2).toArray()); // [0, 1, 0]
 * ```
 */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  const A = asT(a), B = asT(b);
  const out = binary(EQ, A, B, "equal");
  return engine.tracing && tracks(A, B) ? record(out, "equal", [A, B], null) : out;
}

/**
 * Elementwise sign: -1, 0 or 1 (no gradient).
 *
 * @example Usage
 * ```ts
 * import { sign, tensor } from "./mod.ts";
 * console.log(sign(tensor([-2, 0, 5])).toArray()); // [-1, 0, 1]
 * ```
 */
export function sign(a: TensorLike): Tensor {
  const A = asT(a);
  const out = unary(SIGN, A);
  return engine.tracing && tracks(A) ? record(out, "sign", [A], null) : out;
}

/** 1 where a > 0, else 0: the derivative of relu (no gradient). */
function step(A: Tensor): Tensor {
  const out = unary(STEP, A);
  return engine.tracing && tracks(A) ? record(out, "greater", [A, asT(0)], null) : out;
}

/**
 * The same values with no link to the graph: no gradient flows back through it
 * (`torch.Tensor.detach`, `jax.lax.stop_gradient`).
 *
 * @example Usage
 * ```ts
 * import { detach, grad, tensor } from "./mod.ts";
 * const g = grad((x) => x.mul(detach(x)).sum())(tensor([3]));
 * console.log(g.toArray()); // [3]
 * ```
 */
export function detach(a: TensorLike): Tensor {
  const A = asT(a);
  const out = new Tensor(A.data, A.shape);
  return engine.tracing && tracks(A) ? record(out, "detach", [A], null) : out;
}

/**
 * Identity op with a gradient: a fresh graph node holding `a`'s values. The gradient API uses it
 * to give each `grad` call its own inputs when calls are nested.
 *
 * @example Usage
 * ```ts
 * import { identity, tensor } from "./mod.ts";
 * console.log(identity(tensor([1, 2])).toArray()); // [1, 2]
 * ```
 */
export function identity(a: TensorLike): Tensor {
  const A = asT(a);
  const out = new Tensor(A.data, A.shape);
  if (!tracks(A)) return out;
  return record(out, "identity", [A], (g) => [g]);
}

// ---------------------------------------------------------------------------------------------
// Matrix product
// ---------------------------------------------------------------------------------------------

/**
 * Matrix product. 2-D: (n×k)(k×m) → n×m. Batched: leading axes are a batch and broadcast
 * (`[b, n, k] @ [k, m]` works). A 1-D operand is a vector, as in NumPy (its axis is dropped from the
 * result). The kernels run over contiguous rows (i-k-j order), unrolled by 4.
 *
 * @example Usage
 * ```ts
 * import { matmul, tensor } from "./mod.ts";
 * const a = tensor([[1, 2], [3, 4]]);
 * console.log(matmul(a, tensor([[1], [1]])).toArray()); // [[3], [7]]
 * console.log(matmul(a, tensor([1, 1])).toArray()); // [3, 7]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(
      `matmul: shapes [${a.shape}] and [${b.shape}]: both operands need at least one axis (use mul for scalars)`,
    );
  }
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) {
      throw new Error(`matmul: shapes [${a.shape}] and [${b.shape}]: vector lengths differ`);
    }
    return sum(mul(a, b));
  }
  if (a.ndim === 1) {
    const r = matmul2(reshape(a, [1, a.shape[0]]), b, false, false, a.shape, b.shape);
    return reshape(r, [...r.shape.slice(0, -2), r.shape[r.ndim - 1]]);
  }
  if (b.ndim === 1) {
    const r = matmul2(a, reshape(b, [b.shape[0], 1]), false, false, a.shape, b.shape);
    return reshape(r, r.shape.slice(0, -1));
  }
  return matmul2(a, b, false, false);
}

/** The last two axes of a shape, swapped when `t` is set. */
function matDims(shape: readonly number[], t: boolean): [number, number] {
  const r = shape[shape.length - 2], c = shape[shape.length - 1];
  return t ? [c, r] : [r, c];
}

/**
 * The matmul primitive: op(A)·op(B), where op transposes the last two axes when its flag is set.
 * The flags let the backward rules (G·Bᵀ, Aᵀ·G) run without materialising transposes.
 */
function matmul2(
  A: Tensor,
  B: Tensor,
  ta: boolean,
  tb: boolean,
  sa: readonly number[] = A.shape,
  sb: readonly number[] = B.shape,
): Tensor {
  const [n, k] = matDims(A.shape, ta), [k2, m] = matDims(B.shape, tb);
  if (k !== k2) {
    throw new Error(
      `matmul: shapes [${sa}] and [${sb}] do not match: the inner dimensions ${k} and ${k2} differ`,
    );
  }
  const ba = A.shape.slice(0, -2), bb = B.shape.slice(0, -2);
  const batch = sameShape(ba, bb) ? ba : broadcastShapes(ba, bb, "matmul");
  const nb = numel(batch);
  const mapA = sameShape(ba, batch) ? null : broadcastIndex(ba, batch);
  const mapB = sameShape(bb, batch) ? null : broadcastIndex(bb, batch);
  const a = A.data, b = B.data, c = alloc(nb * n * m);
  // compileTape's trace never reads the values of a recorded product: skip computing them
  const skip = engine.shapesOnly && tracks(A, B);
  for (let t = 0; t < nb && !skip; t++) {
    const ao = (mapA === null ? t : mapA[t]) * n * k, bo = (mapB === null ? t : mapB[t]) * k * m;
    const co = t * n * m;
    if (!ta && !tb) mmNN(a, ao, b, bo, c, co, n, k, m);
    else if (!ta && tb) mmNT(a, ao, b, bo, c, co, n, k, m);
    else if (ta && !tb) mmTN(a, ao, b, bo, c, co, n, k, m);
    else mmTT(a, ao, b, bo, c, co, n, k, m);
  }
  const out = new Tensor(c, [...batch, n, m]);
  if (engine.debugNans) finite(out, "matmul", [A, B]);
  if (!tracks(A, B)) return out;
  // C = op(A) op(B); with G = dL/dC: d op(A) = G op(B)ᵀ and d op(B) = op(A)ᵀ G, then undo op.
  return record(out, "matmul", [A, B], (g) => {
    let gA: Tensor | null = null, gB: Tensor | null = null;
    if (A.requiresGrad) {
      gA = ta ? matmul2(B, g, tb, true) : matmul2(g, B, false, !tb);
      gA = sumTo(gA, A.shape);
    }
    if (B.requiresGrad) {
      gB = tb ? matmul2(g, A, true, ta) : matmul2(A, g, !ta, false);
      gB = sumTo(gB, B.shape);
    }
    return [gA, gB];
  }, { ta, tb });
}

// The kernels add op(A)·op(B) into C (n×m, zero on entry), unrolled by 4 along the inner axis.

/**
 * C += A·B with A n×k and B k×m: i-k-j order (rows of B and C contiguous), two rows of C at a time
 * so that each loaded entry of B is used twice.
 */
function mmNN(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  c: Float64Array,
  co: number,
  n: number,
  k: number,
  m: number,
): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const c0 = co + i * m, c1 = c0 + m, x = ao + i * k, y = x + k;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const x0 = a[x + p], x1 = a[x + p + 1], x2 = a[x + p + 2], x3 = a[x + p + 3];
      const y0 = a[y + p], y1 = a[y + p + 1], y2 = a[y + p + 2], y3 = a[y + p + 3];
      const b0 = bo + p * m, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
      for (let j = 0; j < m; j++) {
        const u0 = b[b0 + j], u1 = b[b1 + j], u2 = b[b2 + j], u3 = b[b3 + j];
        c[c0 + j] += x0 * u0 + x1 * u1 + x2 * u2 + x3 * u3;
        c[c1 + j] += y0 * u0 + y1 * u1 + y2 * u2 + y3 * u3;
      }
    }
    for (; p < k; p++) {
      const xp = a[x + p], yp = a[y + p], bp = bo + p * m;
      for (let j = 0; j < m; j++) {
        const u = b[bp + j];
        c[c0 + j] += xp * u;
        c[c1 + j] += yp * u;
      }
    }
  }
  for (; i < n; i++) {
    const ci = co + i * m, x = ao + i * k;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const x0 = a[x + p], x1 = a[x + p + 1], x2 = a[x + p + 2], x3 = a[x + p + 3];
      const b0 = bo + p * m, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
      for (let j = 0; j < m; j++) {
        c[ci + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
      }
    }
    for (; p < k; p++) {
      const xp = a[x + p], bp = bo + p * m;
      for (let j = 0; j < m; j++) c[ci + j] += xp * b[bp + j];
    }
  }
}

/**
 * C += A·Bᵀ with A n×k and B stored m×k: dot products of contiguous rows, a 2×4 block of C at a
 * time (eight running sums).
 */
function mmNT(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  c: Float64Array,
  co: number,
  n: number,
  k: number,
  m: number,
): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = ao + i * k, y = x + k, c0 = co + i * m, c1 = c0 + m;
    let j = 0;
    for (; j + 3 < m; j += 4) {
      const b0 = bo + j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0; p < k; p++) {
        const u = a[x + p], v = a[y + p];
        const w0 = b[b0 + p], w1 = b[b1 + p], w2 = b[b2 + p], w3 = b[b3 + p];
        s00 += u * w0;
        s01 += u * w1;
        s02 += u * w2;
        s03 += u * w3;
        s10 += v * w0;
        s11 += v * w1;
        s12 += v * w2;
        s13 += v * w3;
      }
      c[c0 + j] += s00;
      c[c0 + j + 1] += s01;
      c[c0 + j + 2] += s02;
      c[c0 + j + 3] += s03;
      c[c1 + j] += s10;
      c[c1 + j + 1] += s11;
      c[c1 + j + 2] += s12;
      c[c1 + j + 3] += s13;
    }
    for (; j < m; j++) {
      const bj = bo + j * k;
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) {
        const w = b[bj + p];
        s0 += a[x + p] * w;
        s1 += a[y + p] * w;
      }
      c[c0 + j] += s0;
      c[c1 + j] += s1;
    }
  }
  for (; i < n; i++) {
    const x = ao + i * k, ci = co + i * m;
    for (let j = 0; j < m; j++) {
      const bj = bo + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[x + p] * b[bj + p];
      c[ci + j] += s;
    }
  }
}

/**
 * C += Aᵀ·B with A stored k×n and B k×m: p-i-j order (rows of B and C contiguous), two rows of C
 * at a time.
 */
function mmTN(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  c: Float64Array,
  co: number,
  n: number,
  k: number,
  m: number,
): void {
  let p = 0;
  for (; p + 3 < k; p += 4) {
    const a0 = ao + p * n, a1 = a0 + n, a2 = a1 + n, a3 = a2 + n;
    const b0 = bo + p * m, b1 = b0 + m, b2 = b1 + m, b3 = b2 + m;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const x0 = a[a0 + i], x1 = a[a1 + i], x2 = a[a2 + i], x3 = a[a3 + i];
      const y0 = a[a0 + i + 1], y1 = a[a1 + i + 1], y2 = a[a2 + i + 1], y3 = a[a3 + i + 1];
      const c0 = co + i * m, c1 = c0 + m;
      for (let j = 0; j < m; j++) {
        const u0 = b[b0 + j], u1 = b[b1 + j], u2 = b[b2 + j], u3 = b[b3 + j];
        c[c0 + j] += x0 * u0 + x1 * u1 + x2 * u2 + x3 * u3;
        c[c1 + j] += y0 * u0 + y1 * u1 + y2 * u2 + y3 * u3;
      }
    }
    for (; i < n; i++) {
      const x0 = a[a0 + i], x1 = a[a1 + i], x2 = a[a2 + i], x3 = a[a3 + i];
      const ci = co + i * m;
      for (let j = 0; j < m; j++) {
        c[ci + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
      }
    }
  }
  for (; p < k; p++) {
    const ap = ao + p * n, bp = bo + p * m;
    for (let i = 0; i < n; i++) {
      const x = a[ap + i], ci = co + i * m;
      for (let j = 0; j < m; j++) c[ci + j] += x * b[bp + j];
    }
  }
}

/** C += Aᵀ·Bᵀ with A stored k×n and B stored m×k (rare: only a user's explicit double transpose). */
function mmTT(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  c: Float64Array,
  co: number,
  n: number,
  k: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ao + p * n + i] * b[bo + j * k + p];
      c[co + i * m + j] += s;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------------------------

function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reducedShape(shape: readonly number[], axes: readonly number[], keepdims: boolean) {
  return keepdims ? keptShape(shape, axes) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * Sum over all axes (a scalar), or over `axis` (a number or a list), keeping the reduced axes with
 * size 1 when `keepdims` is true.
 *
 * @example Usage
 * ```ts
 * import { sum, tensor } from "./mod.ts";
 * const a = tensor([[1, 2], [3, 4]]);
 * console.log(sum(a).item(), sum(a, 0).toArray(), sum(a, 1, true).toArray()); // 10 [4, 6] [[3], [7]]
 * ```
 */
export function sum(a: TensorLike, axis?: number | readonly number[], keepdims = false): Tensor {
  const A = asT(a);
  const axes = normAxes(axis, A.ndim, "sum");
  const shape = reducedShape(A.shape, axes, keepdims);
  const x = A.data;
  let o: Float64Array;
  if (axes.length === A.ndim || numel(shape) === 1) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    o = scalarData(s);
  } else {
    o = alloc(numel(shape));
    const map = reduceIndex(A.shape, axes);
    for (let i = 0; i < x.length; i++) o[map[i]] += x[i];
  }
  const out = new Tensor(o, shape);
  if (engine.debugNans) finite(out, "sum", [A]);
  if (!tracks(A)) return out;
  return record(
    out,
    "sum",
    [A],
    (g) => [broadcastTo(reshape(g, keptShape(A.shape, axes)), A.shape)],
    { axes, keepdims },
  );
}

/**
 * Maximum over all axes or over `axis`. The gradient goes to the maximal entries, shared equally
 * among ties (like `torch.amax`).
 *
 * @example Usage
 * ```ts
 * import { max, tensor } from "./mod.ts";
 * const a = tensor([[1, 5], [7, 2]]);
 * console.log(max(a).item(), max(a, 1).toArray()); // 7 [5, 7]
 * ```
 */
export function max(a: TensorLike, axis?: number | readonly number[], keepdims = false): Tensor {
  const A = asT(a);
  if (A.size === 0) throw new Error(`max: the tensor (shape [${A.shape}]) is empty`);
  const axes = normAxes(axis, A.ndim, "max");
  const shape = reducedShape(A.shape, axes, keepdims);
  const x = A.data;
  const o = alloc(numel(shape)).fill(-Infinity);
  const map = o.length === 1 ? null : reduceIndex(A.shape, axes);
  for (let i = 0; i < x.length; i++) {
    const j = map === null ? 0 : map[i];
    if (!(x[i] <= o[j])) o[j] = x[i]; // NOTE: written so that a NaN wins and propagates
  }
  const out = new Tensor(o, shape);
  if (!tracks(A)) return out;
  return record(out, "max", [A], (g) => {
    const kept = keptShape(A.shape, axes);
    const mask = equal(A, broadcastTo(reshape(detach(out), kept), A.shape));
    const share = div(mask, sum(mask, axes, true));
    return [mul(broadcastTo(reshape(g, kept), A.shape), share)];
  }, { axes, keepdims });
}

/**
 * Minimum over all axes or over `axis` (written as -max(-a)).
 *
 * @example Usage
 * ```ts
 * import { min, tensor } from "./mod.ts";
 * console.log(min(tensor([[1, 5], [7, 2]]), 0).toArray()); // [1, 2]
 * ```
 */
export function min(a: TensorLike, axis?: number | readonly number[], keepdims = false): Tensor {
  return neg(max(neg(a), axis, keepdims));
}

/**
 * Mean over all axes or over `axis` (the sum divided by the number of reduced elements).
 *
 * @example Usage
 * ```ts
 * import { mean, tensor } from "./mod.ts";
 * console.log(mean(tensor([[1, 2], [3, 4]]), 0).toArray()); // [2, 3]
 * ```
 */
export function mean(a: TensorLike, axis?: number | readonly number[], keepdims = false): Tensor {
  const A = asT(a);
  const axes = normAxes(axis, A.ndim, "mean");
  let count = 1;
  for (const ax of axes) count *= A.shape[ax];
  return mul(sum(A, axes, keepdims), 1 / count);
}

// ---------------------------------------------------------------------------------------------
// Shape ops
// ---------------------------------------------------------------------------------------------

/**
 * Stretches `a` to `shape` by NumPy broadcasting (a copy; its gradient sums back with
 * {@link sumTo}).
 *
 * @example Usage
 * ```ts
 * import { broadcastTo, tensor } from "./mod.ts";
 * console.log(broadcastTo(tensor([1, 2]), [2, 2]).toArray()); // [[1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(a: TensorLike, shape: readonly number[]): Tensor {
  const A = asT(a);
  if (sameShape(A.shape, shape)) return A;
  const target = broadcastShapes(A.shape, shape, "broadcastTo");
  if (!sameShape(target, shape)) {
    throw new Error(`broadcastTo: shape [${A.shape}] cannot be broadcast to [${shape}]`);
  }
  const out = new Tensor(
    A.data.length === 1 ? alloc(numel(shape)).fill(A.data[0]) : expanded(A, shape),
    shape.slice(),
  );
  if (!tracks(A)) return out;
  return record(out, "broadcastTo", [A], (g) => [sumTo(g, A.shape)], { shape: shape.slice() });
}

/**
 * Sums `a` down to `shape`: the reverse of broadcasting (sums the leading axes and the axes where
 * `shape` has size 1). Written with {@link sum} and {@link reshape}.
 *
 * @example Usage
 * ```ts
 * import { sumTo, tensor } from "./mod.ts";
 * console.log(sumTo(tensor([[1, 2], [3, 4]]), [2]).toArray()); // [4, 6]
 * console.log(sumTo(tensor([[1, 2], [3, 4]]), [2, 1]).toArray()); // [[3], [7]]
 * ```
 */
export function sumTo(a: TensorLike, shape: readonly number[]): Tensor {
  const A = asT(a);
  if (sameShape(A.shape, shape)) return A;
  const lead = A.ndim - shape.length;
  if (lead < 0) {
    throw new Error(`sumTo: shape [${A.shape}] has fewer axes than the target [${shape}]`);
  }
  const axes: number[] = [];
  for (let i = 0; i < lead; i++) axes.push(i);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1 && A.shape[lead + i] !== 1) axes.push(lead + i);
    else if (shape[i] !== A.shape[lead + i]) {
      throw new Error(`sumTo: shape [${A.shape}] cannot be summed down to [${shape}]`);
    }
  }
  return reshape(sum(A, axes, true), shape);
}

/**
 * The same values with a new shape (no copy). One entry may be -1: it is inferred.
 *
 * @example Usage
 * ```ts
 * import { reshape, arange } from "./mod.ts";
 * console.log(reshape(arange(6), [3, -1]).toArray()); // [[0, 1], [2, 3], [4, 5]]
 * ```
 */
export function reshape(a: TensorLike, shape: readonly number[]): Tensor {
  const A = asT(a);
  if (sameShape(A.shape, shape)) return A;
  let s = shape;
  const unknown = shape.indexOf(-1);
  if (unknown >= 0) {
    const rest = shape.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    s = shape.slice();
    (s as number[])[unknown] = rest === 0 ? 0 : A.size / rest;
  }
  if (
    checkShape(s.map((d) => (d === -1 ? 0 : d)), "reshape") !== A.size || !s.every(Number.isInteger)
  ) {
    throw new Error(`reshape: cannot reshape [${A.shape}] (${A.size} elements) into [${shape}]`);
  }
  const out = new Tensor(A.data, s.slice());
  if (!tracks(A)) return out;
  return record(out, "reshape", [A], (g) => [reshape(g, A.shape)], { shape: s.slice() });
}

/**
 * Permutes the axes (`perm[i]` is the input axis that becomes axis i); without `perm` reverses
 * them, which transposes a matrix.
 *
 * @example Usage
 * ```ts
 * import { transpose, tensor } from "./mod.ts";
 * console.log(transpose(tensor([[1, 2, 3]])).toArray()); // [[1], [2], [3]]
 * ```
 */
export function transpose(a: TensorLike, perm?: readonly number[]): Tensor {
  const A = asT(a);
  const nd = A.ndim;
  const p = perm ?? Array.from({ length: nd }, (_, i) => nd - 1 - i);
  if (p.length !== nd || !p.every((x, i) => p.indexOf(x) === i && x >= 0 && x < nd)) {
    throw new Error(`transpose: [${perm}] is not a permutation of the ${nd} axes of [${A.shape}]`);
  }
  const shape = p.map((ax) => A.shape[ax]);
  const x = A.data, o = alloc(x.length);
  if (nd === 2 && p[0] === 1) {
    const r = A.shape[0], c = A.shape[1];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) o[j * r + i] = x[i * c + j];
  } else {
    const inStr = stridesOf(A.shape);
    const str = p.map((ax) => inStr[ax]);
    const idx = new Array<number>(nd).fill(0);
    let src = 0;
    for (let k = 0; k < o.length; k++) {
      o[k] = x[src];
      for (let ax = nd - 1; ax >= 0; ax--) {
        idx[ax]++;
        src += str[ax];
        if (idx[ax] < shape[ax]) break;
        src -= str[ax] * idx[ax];
        idx[ax] = 0;
      }
    }
  }
  const out = new Tensor(o, shape);
  if (!tracks(A)) return out;
  const inverse = new Array<number>(nd);
  p.forEach((ax, i) => (inverse[ax] = i));
  return record(out, "transpose", [A], (g) => [transpose(g, inverse)], { perm: p.slice() });
}

/**
 * Elements `start` (inclusive) to `end` (exclusive) along `axis` (default 0); negative indices
 * count from the end. The gradient pads with zeros (via {@link concat}).
 *
 * @example Usage
 * ```ts
 * import { slice, tensor } from "./mod.ts";
 * const a = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(slice(a, 1, 3, 1).toArray()); // [[2, 3], [5, 6]]
 * ```
 */
export function slice(a: TensorLike, start: number, end: number, axis = 0): Tensor {
  const A = asT(a);
  const ax = normAxes(axis, A.ndim, "slice")[0];
  const len = A.shape[ax];
  const s = start < 0 ? start + len : start, e = end < 0 ? end + len : end;
  if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > len || s > e) {
    throw new RangeError(
      `slice: invalid range ${start}:${end} along axis ${axis} of shape [${A.shape}] (the axis has ${len} entries)`,
    );
  }
  const outer = numel(A.shape.slice(0, ax)), inner = numel(A.shape.slice(ax + 1));
  const shape = A.shape.slice();
  shape[ax] = e - s;
  const x = A.data, o = alloc(outer * (e - s) * inner);
  const chunk = (e - s) * inner;
  for (let i = 0; i < outer; i++) {
    o.set(x.subarray(i * len * inner + s * inner, i * len * inner + e * inner), i * chunk);
  }
  const out = new Tensor(o, shape);
  if (!tracks(A)) return out;
  return record(out, "slice", [A], (g) => {
    const parts: Tensor[] = [];
    const pad = (n: number) => {
      const z = A.shape.slice();
      z[ax] = n;
      return new Tensor(alloc(numel(z)), z);
    };
    if (s > 0) parts.push(pad(s));
    parts.push(g);
    if (e < len) parts.push(pad(len - e));
    return [concat(parts, ax)];
  }, { start: s, end: e, axis: ax });
}

/**
 * Joins tensors along an existing axis (default 0); all other sizes must agree.
 *
 * @example Usage
 * ```ts
 * import { concat, tensor } from "./mod.ts";
 * console.log(concat([tensor([[1, 2]]), tensor([[3, 4]])]).toArray()); // [[1, 2], [3, 4]]
 * console.log(concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray()); // [[1, 3], [2, 4]]
 * ```
 */
export function concat(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error("concat: needs at least one tensor");
  const ts = tensors.map(asT);
  if (ts.length === 1) return ts[0];
  const first = ts[0];
  if (first.ndim === 0) throw new Error("concat: scalars have no axis to join along (use stack)");
  const ax = normAxes(axis, first.ndim, "concat")[0];
  let total = 0;
  for (const t of ts) {
    if (t.ndim !== first.ndim || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new Error(
        `concat: shapes [${first.shape}] and [${t.shape}] differ outside the joined axis ${ax}`,
      );
    }
    total += t.shape[ax];
  }
  const shape = first.shape.slice();
  shape[ax] = total;
  const outer = numel(first.shape.slice(0, ax)), inner = numel(first.shape.slice(ax + 1));
  const o = alloc(outer * total * inner);
  let off = 0;
  for (const t of ts) {
    const chunk = t.shape[ax] * inner;
    for (let i = 0; i < outer; i++) {
      o.set(t.data.subarray(i * chunk, (i + 1) * chunk), i * total * inner + off);
    }
    off += chunk;
  }
  const out = new Tensor(o, shape);
  if (!ts.some((t) => tracks(t))) return out;
  return record(out, "concat", ts, (g) => {
    const grads: (Tensor | null)[] = [];
    let at = 0;
    for (const t of ts) {
      grads.push(t.requiresGrad ? slice(g, at, at + t.shape[ax], ax) : null);
      at += t.shape[ax];
    }
    return grads;
  }, { axis: ax });
}

/**
 * Stacks same-shape tensors along a new axis (default 0).
 *
 * @example Usage
 * ```ts
 * import { stack, tensor } from "./mod.ts";
 * console.log(stack([tensor([1, 2]), tensor([3, 4])]).toArray()); // [[1, 2], [3, 4]]
 * console.log(stack([tensor(1), tensor(2)]).toArray()); // [1, 2]
 * ```
 */
export function stack(tensors: readonly TensorLike[], axis = 0): Tensor {
  if (tensors.length === 0) throw new Error("stack: needs at least one tensor");
  const ts = tensors.map(asT);
  const nd = ts[0].ndim + 1;
  const ax = normAxes(axis, nd, "stack")[0];
  return concat(
    ts.map((t) => {
      if (!sameShape(t.shape, ts[0].shape)) {
        throw new Error(`stack: shapes [${ts[0].shape}] and [${t.shape}] differ`);
      }
      return reshape(t, [...t.shape.slice(0, ax), 1, ...t.shape.slice(ax)]);
    }),
    ax,
  );
}

function checkIndices(indices: ArrayLike<number>, n: number, op: string): number[] {
  const idx = new Array<number>(indices.length);
  for (let i = 0; i < idx.length; i++) {
    idx[i] = indices[i];
    if (!Number.isInteger(idx[i]) || idx[i] < 0 || idx[i] >= n) {
      throw new RangeError(
        `${op}: invalid row index ${indices[i]} (expected a whole number in [0, ${n}))`,
      );
    }
  }
  return idx;
}

/**
 * Rows `indices` along the first axis, in that order, repeats allowed (a minibatch
 * `X[batch]`). The gradient adds back into the picked rows ({@link scatterAdd}).
 *
 * @example Usage
 * ```ts
 * import { gather, tensor } from "./mod.ts";
 * console.log(gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray()); // [[5, 6], [1, 2]]
 * ```
 */
export function gather(a: TensorLike, indices: ArrayLike<number>): Tensor {
  const A = asT(a);
  if (A.ndim === 0) throw new Error("gather: a scalar has no rows");
  const n = A.shape[0];
  const idx = checkIndices(indices, n, "gather");
  const row = A.size / Math.max(n, 1) | 0;
  const x = A.data, o = alloc(idx.length * row);
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r] * row, dst = r * row;
    for (let j = 0; j < row; j++) o[dst + j] = x[src + j];
  }
  const out = new Tensor(o, [idx.length, ...A.shape.slice(1)]);
  if (!tracks(A)) return out;
  return record(out, "gather", [A], (g) => [scatterAdd(g, idx, n)], { indices: idx });
}

/**
 * The adjoint of {@link gather}: a tensor with `n` rows of zeros, row `indices[r]` plus row r of
 * `a` for every r (repeated indices add up).
 *
 * @example Usage
 * ```ts
 * import { scatterAdd, tensor } from "./mod.ts";
 * console.log(scatterAdd(tensor([1, 2, 3]), [0, 2, 0], 3).toArray()); // [4, 0, 2]
 * ```
 */
export function scatterAdd(a: TensorLike, indices: ArrayLike<number>, n: number): Tensor {
  const A = asT(a);
  if (A.ndim === 0 || A.shape[0] !== indices.length) {
    throw new Error(
      `scatterAdd: shape [${A.shape}] needs one row per index (${indices.length} indices)`,
    );
  }
  const idx = checkIndices(indices, n, "scatterAdd");
  const row = A.shape.slice(1).reduce((p, d) => p * d, 1);
  const x = A.data, o = alloc(n * row);
  for (let r = 0; r < idx.length; r++) {
    const dst = idx[r] * row, src = r * row;
    for (let j = 0; j < row; j++) o[dst + j] += x[src + j];
  }
  const out = new Tensor(o, [n, ...A.shape.slice(1)]);
  if (!tracks(A)) return out;
  return record(out, "scatterAdd", [A], (g) => [gather(g, idx)], { indices: idx, n });
}

/**
 * Entry or row `i` along the first axis, with that axis removed (`p.at(0)` is a scalar tensor
 * when `p` is a vector). Negative `i` counts from the end.
 *
 * @example Usage
 * ```ts
 * import { at, tensor } from "./mod.ts";
 * console.log(at(tensor([[1, 2], [3, 4]]), 1).toArray()); // [3, 4]
 * console.log(at(tensor([7, 8]), -1).item()); // 8
 * ```
 */
export function at(a: TensorLike, i: number): Tensor {
  const A = asT(a);
  if (A.ndim === 0) throw new Error("at: a scalar has no entries to index");
  const j = i < 0 ? i + A.shape[0] : i;
  return reshape(gather(A, [j]), A.shape.slice(1));
}

/**
 * All entries or rows along the first axis: `const [x, y] = p.unbind()` splits a 2-vector into
 * two scalar tensors.
 *
 * @example Usage
 * ```ts
 * import { tensor, unbind } from "./mod.ts";
 * const [x, y] = unbind(tensor([1, 2]));
 * console.log(x.item(), y.item()); // 1 2
 * ```
 */
export function unbind(a: TensorLike): Tensor[] {
  const A = asT(a);
  if (A.ndim === 0) throw new Error("unbind: a scalar has no entries to split");
  const out: Tensor[] = [];
  for (let i = 0; i < A.shape[0]; i++) out.push(at(A, i));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Softmax and losses (composites)
// ---------------------------------------------------------------------------------------------

/**
 * log Σ exp(a) over `axis` (default: the last), stable for huge values: the maximum is taken out
 * first (as a constant, which does not change the gradient).
 *
 * @example Usage
 * ```ts
 * import { logSumExp, tensor } from "./mod.ts";
 * console.log(logSumExp(tensor([1000, 1000])).item()); // 1000.6931471805599
 * ```
 */
export function logSumExp(a: TensorLike, axis = -1, keepdims = false): Tensor {
  const A = asT(a);
  const m = detach(max(A, axis, true));
  const out = add(log(sum(exp(sub(A, m)), axis, true)), m);
  return keepdims
    ? out
    : reshape(out, reducedShape(A.shape, normAxes(axis, A.ndim, "logSumExp"), false));
}

/**
 * log softmax over `axis` (default: the last): a − log Σ exp(a), computed as
 * (a − max a) − log Σ exp(a − max a), so it is stable and exact for huge logits.
 *
 * @example Usage
 * ```ts
 * import { logSoftmax, tensor } from "./mod.ts";
 * console.log(logSoftmax(tensor([0, 0])).toArray()); // [-0.6931471805599453, -0.6931471805599453]
 * ```
 */
export function logSoftmax(a: TensorLike, axis = -1): Tensor {
  // (a − m) − log Σ exp(a − m): shifting first keeps full precision for huge logits.
  const A = asT(a);
  const shifted = sub(A, detach(max(A, axis, true)));
  return sub(shifted, log(sum(exp(shifted), axis, true)));
}

/**
 * softmax over `axis` (default: the last): probabilities that sum to 1.
 *
 * @example Usage
 * ```ts
 * import { softmax, tensor } from "./mod.ts";
 * console.log(softmax(tensor([1e6, 1e6])).toArray()); // [0.5, 0.5]
 * ```
 */
export function softmax(a: TensorLike, axis = -1): Tensor {
  return exp(logSoftmax(a, axis));
}

/**
 * Mean squared error mean((pred − target)²), with broadcasting.
 *
 * @example Usage
 * ```ts
 * import { mse, tensor } from "./mod.ts";
 * console.log(mse(tensor([1, 2]), tensor([1, 4])).item()); // 2
 * ```
 */
export function mse(pred: TensorLike, target: TensorLike): Tensor {
  return mean(square(sub(pred, target)));
}

/**
 * Logistic loss (binary cross-entropy on logits z with labels y ∈ {0, 1}), averaged:
 * mean(log(1 + e^z) − y·z). Stable for any z (through {@link softplus}); equals
 * `torch.nn.functional.binary_cross_entropy_with_logits`.
 *
 * @example Usage
 * ```ts
 * import { logisticLoss, tensor } from "./mod.ts";
 * console.log(logisticLoss(tensor([0, 0]), tensor([0, 1])).item()); // 0.6931471805599453
 * ```
 */
export function logisticLoss(logits: TensorLike, labels: TensorLike): Tensor {
  return mean(sub(softplus(logits), mul(labels, logits)));
}

/**
 * Softmax cross-entropy of logits `[N, C]` against integer class labels (N of them in [0, C)),
 * averaged over the N rows: mean(−logSoftmax(z)[i, yᵢ]). Stable for huge logits; equals
 * `torch.nn.functional.cross_entropy`.
 *
 * @example Usage
 * ```ts
 * import { softmaxCrossEntropy, tensor } from "./mod.ts";
 * const z = tensor([[0, 0, 0], [1e4, 0, 0]]);
 * console.log(softmaxCrossEntropy(z, [2, 0]).item()); // 0.5493061443340549
 * ```
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number> | Tensor): Tensor {
  if (logits.ndim !== 2) {
    throw new Error(
      `softmaxCrossEntropy: logits must have shape [N, C], got [${logits.shape}] (reshape a single row to [1, C])`,
    );
  }
  const [n, c] = logits.shape;
  const y = labels instanceof Tensor ? labels.data : labels;
  if (y.length !== n) {
    throw new Error(`softmaxCrossEntropy: ${n} rows of logits but ${y.length} labels`);
  }
  const onehot = alloc(n * c);
  for (let i = 0; i < n; i++) {
    const k = y[i];
    if (!Number.isInteger(k) || k < 0 || k >= c) {
      throw new RangeError(
        `softmaxCrossEntropy: invalid label ${k} at row ${i} (expected 0 to ${c - 1})`,
      );
    }
    onehot[i * c + k] = 1;
  }
  return neg(mean(sum(mul(logSoftmax(logits, 1), new Tensor(onehot, [n, c])), 1)));
}
