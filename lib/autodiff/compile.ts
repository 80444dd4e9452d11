/**
 * A compiled fast path for small functions (the 2-D test functions, tiny models): trace `f` once
 * on an example input, differentiate the trace with the ordinary backward pass while recording
 * it, and turn the recorded graph (value and gradient) into straight-line JavaScript with one
 * local variable per scalar. No tensors, graph nodes or typed arrays are created per call, so a
 * Beale gradient costs tens of nanoseconds instead of microseconds.
 *
 * The trace is only valid for inputs that send `f` down the same path of ops: `f` must not branch
 * in JavaScript on tensor values (`if (x.item() > 0)`) or read values out with `item()`.
 * Piecewise ops (`relu`, `abs`, `maximum`, `where`, `max`) are fine: their masks are part of the
 * trace.
 *
 * @module
 */

import { backward } from "./grad.ts";
import { postOrder, reduceMap } from "./graph.ts";
import { broadcastIndex, gather, scalarFormulas, slice, transpose } from "./ops.ts";
import { concat } from "./ops.ts";
import { engine, noGrad, Tensor } from "./tensor.ts";

/**
 * A compiled value-and-gradient function (see {@link compileValueAndGrad}).
 *
 * @example Usage
 * ```ts
 * import { type CompiledValueAndGrad, compileValueAndGrad, type Tensor } from "./mod.ts";
 * const vg: CompiledValueAndGrad = compileValueAndGrad((p: Tensor) => p.square().sum(), [0, 0]);
 * console.log(vg([1, 2]), vg.source.includes("G[1]")); // [5, [2, 4]] true
 * ```
 */
export interface CompiledValueAndGrad {
  /** [f(x), ∇f(x)] for a plain vector x with as many entries as the example. */
  (x: ArrayLike<number>): [number, number[]];
  /** Writes ∇f(x) into `out` and returns f(x): no allocation at all. */
  into(x: ArrayLike<number>, out: { [i: number]: number; length: number }): number;
  /** The generated JavaScript, for the curious. */
  readonly source: string;
}

/**
 * Largest number of scalars a trace may have (the generated code has one local per scalar).
 *
 * @example Usage
 * ```ts
 * import { COMPILE_LIMIT } from "./mod.ts";
 * console.log(COMPILE_LIMIT); // 20000
 * ```
 */
export const COMPILE_LIMIT = 20000;

function literal(v: number): string {
  if (Object.is(v, -0)) return "(-0)";
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "(-Infinity)";
  return v < 0 ? `(${v})` : String(v);
}

/** Source indices of a pure data-movement op, found by running it on index-valued tensors. */
function moveMap(node: NonNullable<Tensor["node"]>, out: Tensor): number[] {
  return noGrad(() => {
    let base = 0;
    const idx = node.inputs.map((t) => {
      const d = new Float64Array(t.size);
      for (let i = 0; i < d.length; i++) d[i] = base + i;
      base += t.size;
      return new Tensor(d, t.shape);
    });
    const a = node.attrs as Record<string, unknown>;
    let r: Tensor;
    switch (node.op) {
      case "transpose":
        r = transpose(idx[0], a.perm as number[]);
        break;
      case "slice":
        r = slice(idx[0], a.start as number, a.end as number, a.axis as number);
        break;
      case "gather":
        r = gather(idx[0], a.indices as number[]);
        break;
      case "concat":
        r = concat(idx, a.axis as number);
        break;
      default:
        throw new Error(`Internal error: ${node.op} is not a data-movement op`);
    }
    if (r.size !== out.size) throw new Error(`Internal error: replay of ${node.op} changed size`);
    return Array.from(r.data);
  });
}

/**
 * Traces `f` at `example` and generates straight-line JavaScript for its value and gradient.
 * Use it for small functions evaluated many times (an optimizer race on a 2-D test function);
 * `valueAndGrad` is the general tool. Throws if the trace has more than {@link COMPILE_LIMIT}
 * scalars.
 *
 * @example A compiled Beale gradient
 * ```ts
 * import { compileValueAndGrad, type Tensor } from "./mod.ts";
 * const beale = (p: Tensor) => {
 *   const [x, y] = p.unbind();
 *   return x.mul(y).sub(x).add(1.5).square()
 *     .add(x.mul(y.square()).sub(x).add(2.25).square())
 *     .add(x.mul(y.pow(3)).sub(x).add(2.625).square());
 * };
 * const vg = compileValueAndGrad(beale, [1, 1]);
 * console.log(vg([3, 0.5])); // [0, [0, 0]]
 * const g = new Float64Array(2);
 * console.log(vg.into([0, 0], g), g); // 14.203125 Float64Array(2) [ -12.75, 0 ]
 * ```
 */
export function compileValueAndGrad(
  f: (x: Tensor) => Tensor,
  example: readonly number[] | Tensor,
): CompiledValueAndGrad {
  const ex = example instanceof Tensor
    ? example
    : new Tensor(Float64Array.from(example), [example.length]);
  const savedTracing = engine.tracing, savedGrad = engine.gradEnabled;
  engine.tracing = true;
  engine.gradEnabled = true;
  let y: Tensor, g: Tensor;
  const x = new Tensor(ex.data.slice(), ex.shape.slice(), true);
  try {
    y = f(x);
    if (!(y instanceof Tensor) || y.size !== 1) {
      throw new Error(
        `compileValueAndGrad: f must return a scalar Tensor (one element), got ${
          y instanceof Tensor ? `shape [${y.shape}]` : typeof y
        }`,
      );
    }
    g = backward(y, [x], true)[0];
  } finally {
    engine.tracing = savedTracing;
    engine.gradEnabled = savedGrad;
  }

  // Topological order of everything the outputs depend on.
  const order = postOrder([y, g]);
  const total = order.reduce((s, t) => s + t.size, 0);
  if (total > COMPILE_LIMIT) {
    throw new Error(
      `compileValueAndGrad: the trace has ${total} scalars (limit ${COMPILE_LIMIT}); ` +
        "use valueAndGrad for functions this large",
    );
  }

  const lines: string[] = [];
  const names = new Map<Tensor, string[]>();
  let counter = 0;
  const fresh = () => `v${counter++}`;
  const emit = (expr: string) => {
    const v = fresh();
    lines.push(`const ${v} = ${expr};`);
    return v;
  };
  for (const t of order) {
    if (t === x) {
      names.set(t, Array.from({ length: t.size }, (_, i) => emit(`+X[${i}]`)));
      continue;
    }
    const node = t.node;
    if (node === null) {
      names.set(t, Array.from(t.data, literal));
      continue;
    }
    const ins = node.inputs.map((p) => names.get(p)!);
    const a = node.attrs as Record<string, unknown> | null;
    const n = t.size;
    const out: string[] = new Array(n);
    const op = node.op;
    const broadcastNames = (k: number) => {
      const p = node.inputs[k];
      if (p.size === n) return ins[k];
      if (p.size === 1) return new Array<string>(n).fill(ins[k][0]);
      const map = broadcastIndex(p.shape, t.shape);
      return Array.from(map, (i) => ins[k][i]);
    };
    switch (op) {
      case "reshape":
      case "identity":
      case "detach":
        names.set(t, ins[0]);
        continue;
      case "broadcastTo":
        names.set(t, broadcastNames(0));
        continue;
      case "transpose":
      case "slice":
      case "gather":
      case "concat": {
        const flat = ins.flat();
        names.set(t, moveMap(node, t).map((i) => flat[i]));
        continue;
      }
      case "powScalar": {
        const p = a!.p as number;
        for (let i = 0; i < n; i++) {
          out[i] = emit(
            p === 2 ? `${ins[0][i]} * ${ins[0][i]}` : `Math.pow(${ins[0][i]}, ${literal(p)})`,
          );
        }
        break;
      }
      case "where": {
        const [c, u, w] = [broadcastNames(0), broadcastNames(1), broadcastNames(2)];
        for (let i = 0; i < n; i++) out[i] = emit(`${c[i]} !== 0 ? ${u[i]} : ${w[i]}`);
        break;
      }
      case "sum": {
        const src = node.inputs[0];
        const terms: string[][] = Array.from({ length: n }, () => ["0"]);
        const map = n === 1 ? null : reduceMap(src.shape, a!.axes as number[]);
        for (let i = 0; i < src.size; i++) terms[map === null ? 0 : map[i]].push(ins[0][i]);
        for (let j = 0; j < n; j++) out[j] = emit(terms[j].join(" + "));
        break;
      }
      case "max": {
        const src = node.inputs[0];
        const groups: string[][] = Array.from({ length: n }, () => []);
        const map = n === 1 ? null : reduceMap(src.shape, a!.axes as number[]);
        for (let i = 0; i < src.size; i++) groups[map === null ? 0 : map[i]].push(ins[0][i]);
        for (let j = 0; j < n; j++) {
          const v = fresh();
          lines.push(`let ${v} = -Infinity;`);
          for (const e of groups[j]) lines.push(`if (!(${e} <= ${v})) ${v} = ${e};`);
          out[j] = v;
        }
        break;
      }
      case "scatterAdd": {
        const src = node.inputs[0], idx = a!.indices as number[];
        const row = src.size / Math.max(src.shape[0], 1);
        const terms: string[][] = Array.from({ length: n }, () => ["0"]);
        for (let r = 0; r < idx.length; r++) {
          for (let j = 0; j < row; j++) terms[idx[r] * row + j].push(ins[0][r * row + j]);
        }
        for (let j = 0; j < n; j++) {
          out[j] = terms[j].length === 1 ? "0" : emit(terms[j].join(" + "));
        }
        break;
      }
      case "matmul": {
        const [A, B] = node.inputs, ta = a!.ta as boolean, tb = a!.tb as boolean;
        if (A.ndim !== 2 || B.ndim !== 2) {
          throw new Error("compileValueAndGrad: batched matmul is not supported; use valueAndGrad");
        }
        const [nr, k] = ta ? [A.shape[1], A.shape[0]] : [A.shape[0], A.shape[1]];
        const m = tb ? B.shape[0] : B.shape[1];
        const ai = (i: number, p: number) => ins[0][ta ? p * nr + i : i * k + p];
        const bi = (p: number, j: number) => ins[1][tb ? j * k + p : p * m + j];
        for (let i = 0; i < nr; i++) {
          for (let j = 0; j < m; j++) {
            const terms = ["0"];
            for (let p = 0; p < k; p++) terms.push(`${ai(i, p)} * ${bi(p, j)}`);
            out[i * m + j] = emit(terms.join(" + "));
          }
        }
        break;
      }
      default: {
        const formula = scalarFormulas[op];
        if (formula === undefined) {
          throw new Error(`compileValueAndGrad: op ${op} is not supported; use valueAndGrad`);
        }
        if (node.inputs.length === 1) {
          for (let i = 0; i < n; i++) out[i] = emit(formula(ins[0][i], ""));
        } else {
          const [u, w] = [broadcastNames(0), broadcastNames(1)];
          for (let i = 0; i < n; i++) out[i] = emit(formula(u[i], w[i]));
        }
      }
    }
    names.set(t, out);
  }
  const gn = names.get(g)!;
  const body = [
    `if (X.length !== ${x.size}) throw new Error("compiled function: expected ${x.size} inputs, got " + X.length);`,
    ...lines,
    ...gn.map((v, i) => `G[${i}] = ${v};`),
    `return ${names.get(y)![0]};`,
  ].join("\n");
  const kernel = new Function("X", "G", body) as (
    X: ArrayLike<number>,
    G: { [i: number]: number; length: number },
  ) => number;
  const size = x.size;
  const fn = ((xs: ArrayLike<number>) => {
    const G = new Array<number>(size);
    const v = kernel(xs, G);
    return [v, G];
  }) as CompiledValueAndGrad;
  Object.defineProperty(fn, "into", { value: kernel });
  Object.defineProperty(fn, "source", { value: `function (X, G) {\n${body}\n}` });
  return fn;
}

/**
 * The gradient alone, compiled (see {@link compileValueAndGrad}).
 *
 * @example Usage
 * ```ts
 * import { compileGrad, type Tensor } from "./mod.ts";
 * const g = compileGrad((p: Tensor) => p.square().sum(), [0, 0]);
 * console.log(g([1, 2])); // [2, 4]
 * ```
 */
export function compileGrad(
  f: (x: Tensor) => Tensor,
  example: readonly number[] | Tensor,
): (x: ArrayLike<number>) => number[] {
  const vg = compileValueAndGrad(f, example);
  return (x) => vg(x)[1];
}
