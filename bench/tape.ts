/**
 * A compiled tape for small fixed-shape models (the digits MLP): the tensor-level sibling of
 * `compileValueAndGrad`. The library's autodiff records the loss, its gradient (and, when asked,
 * a Hessian-vector product by double backward) once, on example inputs of the right shapes; the
 * recorded graph of primitive ops is then turned into one JavaScript function with a loop per op
 * and a preallocated buffer per tensor. A call copies nothing in and allocates nothing: no graph
 * nodes, no tensors, no garbage. The derivatives are the library's own backward rules, replayed.
 *
 * Inputs are named tensors: the parameters (differentiated) and data inputs such as a batch X and
 * its one-hot labels Y (not differentiated, but traced, so every value that depends on them is
 * recomputed at each call). The trace is valid for inputs of the same shapes and for functions that
 * do not branch in JavaScript on tensor values.
 *
 * @module
 */

import {
  backward,
  broadcastIndex,
  engine,
  scalarFormulas,
  type Tensor,
  Tensor as TensorClass,
} from "../lib/autodiff/mod.ts";

type Buffers = Float64Array[];

/** What {@link compileTape} returns. */
export interface CompiledTape {
  /** Names of the differentiated inputs, in order. */
  readonly params: readonly string[];
  /** Names of the data inputs, in order. */
  readonly data: readonly string[];
  /** Sets an input's values (copies into the tape's input buffer). */
  set(name: string, values: ArrayLike<number>): void;
  /** The buffer that holds an input: write into it directly to skip a copy. */
  input(name: string): Float64Array;
  /** Runs the forward and backward pass on the current inputs; returns the loss. */
  valueAndGrad(): number;
  /** The gradient buffer of a parameter (valid after {@link CompiledTape.valueAndGrad}). */
  grad(name: string): Float64Array;
  /**
   * With `hvp: true`: the Hessian-vector product H v at the inputs of the last `valueAndGrad()`
   * call, with v in the buffers `input("v:" + name)`; reuses that call's forward and backward.
   */
  hvp(): void;
  /** The Hessian-vector product buffer of a parameter (valid after {@link CompiledTape.hvp}). */
  hv(name: string): Float64Array;
  /** Number of primitive ops in the tape. */
  readonly ops: number;
  /** The generated JavaScript, for the curious. */
  readonly source: string;
}

/** Options of {@link compileTape}. */
export interface CompileTapeOptions {
  /** Also trace a Hessian-vector product (double backward) for AdaHessian. Default false. */
  hvp?: boolean;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Flat output slot of every input index when reducing `axes` of `shape`. */
function reduceMap(shape: readonly number[], axes: readonly number[]): Int32Array {
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const n = numel(shape);
  const map = new Int32Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let dst = 0;
    for (let ax = 0; ax < shape.length; ax++) {
      dst = dst * keep[ax] + (axes.includes(ax) ? 0 : idx[ax]);
    }
    map[k] = dst;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < shape[ax]) break;
      idx[ax] = 0;
    }
  }
  return map;
}

// Matrix kernels the generated code calls: C (n×m) = op(A) op(B), row-major, overwriting C.
// Inner loops run over contiguous rows; zeros of the left factor are skipped (the digits are
// about half zeros, and so are their rows in X and Xᵀ).

function mmNN(A: Float64Array, B: Float64Array, C: Float64Array, n: number, k: number, m: number) {
  C.fill(0);
  for (let i = 0; i < n; i++) {
    const ci = i * m, ai = i * k;
    for (let p = 0; p < k; p++) {
      const a = A[ai + p];
      if (a === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) C[ci + j] += a * B[bp + j];
    }
  }
}

function mmNT(A: Float64Array, B: Float64Array, C: Float64Array, n: number, k: number, m: number) {
  // C = A Bᵀ with B stored m×k: dot products of contiguous rows
  for (let i = 0; i < n; i++) {
    const ai = i * k, ci = i * m;
    for (let j = 0; j < m; j++) {
      const bj = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p = 0;
      for (; p + 3 < k; p += 4) {
        s0 += A[ai + p] * B[bj + p];
        s1 += A[ai + p + 1] * B[bj + p + 1];
        s2 += A[ai + p + 2] * B[bj + p + 2];
        s3 += A[ai + p + 3] * B[bj + p + 3];
      }
      for (; p < k; p++) s0 += A[ai + p] * B[bj + p];
      C[ci + j] = s0 + s1 + (s2 + s3);
    }
  }
}

function mmTN(A: Float64Array, B: Float64Array, C: Float64Array, n: number, k: number, m: number) {
  // C = Aᵀ B with A stored k×n: rank-one updates by the rows of A and B
  C.fill(0);
  for (let r = 0; r < k; r++) {
    const ar = r * n, br = r * m;
    for (let i = 0; i < n; i++) {
      const a = A[ar + i];
      if (a === 0) continue;
      const ci = i * m;
      for (let j = 0; j < m; j++) C[ci + j] += a * B[br + j];
    }
  }
}

function mmTT(A: Float64Array, B: Float64Array, C: Float64Array, n: number, k: number, m: number) {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[p * n + i] * B[j * k + p];
      C[i * m + j] = s;
    }
  }
}

// deno-lint-ignore no-explicit-any
type Kernel = (...args: any[]) => void;

const matmulCache = new Map<string, Kernel>();

/**
 * A matrix-product kernel `(A, B, C, n, k, m)` for one shape: straight-line code with the sizes
 * as literals, the short dimension (≤ 16: the 10 classes) held in local accumulators, and the long
 * ones unrolled by 4 so each pass over a row of C does four multiply-adds per load and store.
 * Zeros of the left factor are skipped as in the generic kernels. Other shapes get the generic
 * kernels.
 */
function matmulKernel(ta: boolean, tb: boolean, n: number, k: number, m: number): Kernel {
  const key = `${ta}${tb}${n},${k},${m}`;
  let kern = matmulCache.get(key);
  if (kern !== undefined) return kern;
  const R = (c: number, f: (j: number) => string) => Array.from({ length: c }, (_, j) => f(j));
  let body: string | null = null;
  if (!ta && !tb && m <= 16) {
    // C[i, :] = Σ_p A[i, p] B[p, :], the row of C in m locals
    body = `for (let i = 0; i < ${n}; i++) {
  ${R(m, (j) => `let c${j} = 0;`).join(" ")}
  for (let p = 0; p < ${k}; p++) {
    const a = A[i * ${k} + p];
    if (a === 0) continue;
    const bp = p * ${m};
    ${R(m, (j) => `c${j} += a * B[bp + ${j}];`).join(" ")}
  }
  ${R(m, (j) => `C[i * ${m} + ${j}] = c${j};`).join(" ")}
}`;
  } else if (ta && !tb && m <= 16) {
    // C[i, :] = Σ_r A[r, i] B[r, :] with A stored k×n
    body = `for (let i = 0; i < ${n}; i++) {
  ${R(m, (j) => `let c${j} = 0;`).join(" ")}
  for (let r = 0; r < ${k}; r++) {
    const a = A[r * ${n} + i];
    if (a === 0) continue;
    const br = r * ${m};
    ${R(m, (j) => `c${j} += a * B[br + ${j}];`).join(" ")}
  }
  ${R(m, (j) => `C[i * ${m} + ${j}] = c${j};`).join(" ")}
}`;
  } else if (!ta && tb && k <= 16) {
    // C[i, j] = Σ_p A[i, p] B[j, p], the row of A in k locals
    body = `for (let i = 0; i < ${n}; i++) {
  ${R(k, (p) => `const a${p} = A[i * ${k} + ${p}];`).join(" ")}
  for (let j = 0; j < ${m}; j++) {
    const bj = j * ${k};
    C[i * ${m} + j] = ${R(k, (p) => `a${p} * B[bj + ${p}]`).join(" + ")};
  }
}`;
  } else if (!tb && k % 4 === 0) {
    // rank-4 updates of a row of C: C[i, :] += Σ_{q<4} A(i, p+q) B[p+q, :]
    const a = (q: number) => ta ? `A[(p + ${q}) * ${n} + i]` : `A[i * ${k} + p + ${q}]`;
    body = `C.fill(0);
for (let i = 0; i < ${n}; i++) {
  const ci = i * ${m};
  for (let p = 0; p < ${k}; p += 4) {
    ${R(4, (q) => `const a${q} = ${a(q)};`).join(" ")}
    if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
    ${R(4, (q) => `const b${q} = (p + ${q}) * ${m};`).join(" ")}
    for (let j = 0; j < ${m}; j++) {
      C[ci + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
    }
  }
}`;
  }
  kern = body === null
    ? (ta ? (tb ? mmTT : mmTN) : (tb ? mmNT : mmNN))
    : new Function("A", "B", "C", "n", "k", "m", body) as Kernel;
  matmulCache.set(key, kern);
  return kern;
}
type Pattern = "v" | "s" | "m";
const EMPTY = new Int32Array(0);

/** One step of a tape: a kernel, its output and input buffers, index maps, sizes. */
interface Step {
  kernel: Kernel;
  out: number;
  ins: number[];
  maps: number[];
  n: number;
  k?: number;
  m?: number;
  op?: string;
}

const elementwiseCache = new Map<string, Kernel>();

/**
 * A shared loop `o[i] = formula(a, b)` for a scalar formula over `a` and `b` (the op's own
 * formula from `scalarFormulas`), specialised for how each input is read: v (element i), s (its
 * only element), m (through an index map: broadcasting). Cached, so every tape and every op with
 * the same formula and pattern runs the same, quickly optimized function.
 */
function elementwise(formula: string, pa: Pattern, pb: Pattern = "v"): Kernel {
  const key = `${formula}|${pa}|${pb}`;
  let k = elementwiseCache.get(key);
  if (k === undefined) {
    const read = (v: string, p: Pattern, map: string) =>
      p === "v" ? `${v}s[i]` : p === "s" ? `${v}0` : `${v}s[${map}[i]]`;
    const body = [
      "const a0 = as[0], b0 = bs[0];",
      `for (let i = 0; i < n; i++) { const a = ${read("a", pa, "ma")}, b = ${
        read("b", pb, "mb")
      }; o[i] = ${formula}; }`,
    ].join("\n");
    k = new Function("o", "as", "bs", "n", "ma", "mb", body) as Kernel;
    elementwiseCache.set(key, k);
  }
  return k;
}

function reduceSum(o: Float64Array, a: Float64Array, _b: unknown, n: number, map: Int32Array) {
  o.fill(0);
  for (let i = 0; i < n; i++) o[map[i]] += a[i];
}

function reduceMax(o: Float64Array, a: Float64Array, _b: unknown, n: number, map: Int32Array) {
  o.fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const x = a[i], j = map[i];
    if (!(x <= o[j])) o[j] = x;
  }
}

/**
 * Traces `f` on `example` inputs and compiles its value and gradient with respect to the inputs
 * named in `params` (and with `hvp: true` a Hessian-vector product) into a tape that runs with
 * preallocated buffers. The other inputs are data: traced, not differentiated.
 *
 * @example A least-squares loss, compiled and run on fresh data
 * ```ts
 * import { tensor, type Tensor } from "../lib/autodiff/mod.ts";
 * import { compileTape } from "./tape.ts";
 * const loss = (x: Record<string, Tensor>) => x.X.matmul(x.w).sub(x.y).square().mean();
 * const tape = compileTape(loss, { w: tensor([0, 0]), X: tensor([[1, 0], [0, 1]]), y: tensor([1, 2]) }, ["w"]);
 * tape.set("w", [1, 1]);
 * console.log(tape.valueAndGrad(), Array.from(tape.grad("w"))); // 0.5 [0, -1]
 * ```
 */
export function compileTape(
  f: (inputs: Record<string, Tensor>) => Tensor,
  example: Record<string, Tensor>,
  params: readonly string[],
  options: CompileTapeOptions = {},
): CompiledTape {
  const names = Object.keys(example);
  const dataNames = names.filter((k) => !params.includes(k));
  for (const p of params) {
    if (!(p in example)) throw new Error(`compileTape: no example for parameter "${p}"`);
  }
  const saved = { tracing: engine.tracing, grad: engine.gradEnabled };
  engine.tracing = true;
  engine.gradEnabled = true;
  const inputs = new Map<Tensor, string>();
  const traced: Record<string, Tensor> = {};
  for (const k of names) {
    const e = example[k];
    const t = new TensorClass(e.data.slice(), e.shape.slice(), params.includes(k));
    // data inputs get a node (no backward) so that the tracer records every op on them
    if (!params.includes(k)) t.node = { op: "input", inputs: [], backward: null, attrs: null };
    traced[k] = t;
    inputs.set(t, k);
  }
  const leaves = params.map((k) => traced[k]);
  let y: Tensor, grads: Tensor[], hvs: Tensor[] = [];
  try {
    y = f(traced);
    if (y.size !== 1) throw new Error(`compileTape: f must return a scalar, got [${y.shape}]`);
    grads = backward(y, leaves, true);
    if (options.hvp) {
      let s: Tensor | null = null;
      for (let i = 0; i < params.length; i++) {
        const v = new TensorClass(new Float64Array(leaves[i].size), leaves[i].shape.slice());
        v.node = { op: "input", inputs: [], backward: null, attrs: null };
        traced[`v:${params[i]}`] = v;
        inputs.set(v, `v:${params[i]}`);
        const term = grads[i].mul(v).sum();
        s = s === null ? term : s.add(term);
      }
      hvs = backward(s!, leaves, true);
    }
  } finally {
    engine.tracing = saved.tracing;
    engine.gradEnabled = saved.grad;
  }

  // Topological order, and which tensors the value and gradient need (part A) versus the
  // Hessian-vector product only (part B).
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const visit = (root: Tensor) => {
    if (seen.has(root)) return;
    const stack: [Tensor, number][] = [[root, 0]];
    seen.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ins = top[0].node?.inputs ?? [];
      if (top[1] < ins.length) {
        const p = ins[top[1]++];
        if (!seen.has(p)) {
          seen.add(p);
          stack.push([p, 0]);
        }
      } else {
        stack.pop();
        order.push(top[0]);
      }
    }
  };
  visit(y);
  grads.forEach(visit);
  const partA = order.length;
  hvs.forEach(visit);

  // Buffers are views into one allocation (a typed array costs tens of µs to create here).
  const sizes: number[] = [];
  const inits: [number, Float64Array][] = [];
  const maps: Int32Array[] = [];
  const slot = new Map<Tensor, number>();
  const newBuf = (n: number, init?: Float64Array) => {
    sizes.push(n);
    if (init) inits.push([sizes.length - 1, init]);
    return sizes.length - 1;
  };
  const newMap = (m: Int32Array) => (maps.push(m), maps.length - 1);
  const linesA: Step[] = [], linesB: Step[] = [];
  const inputSlot: Record<string, number> = {};
  let ops = 0;
  for (let idx = 0; idx < order.length; idx++) {
    const t = order[idx];
    const lines = idx < partA ? linesA : linesB;
    const name = inputs.get(t);
    if (name !== undefined) {
      const s = newBuf(t.size, t.data);
      slot.set(t, s);
      inputSlot[name] = s;
      continue;
    }
    const node = t.node;
    if (node === null) {
      slot.set(t, newBuf(t.size, t.data)); // a true constant (literal numbers, e.g. 1/N of a mean)
      continue;
    }
    const op = node.op, a = node.attrs as Record<string, unknown> | null;
    const ins = node.inputs.map((p) => slot.get(p)!);
    if (op === "reshape" || op === "identity" || op === "detach") {
      slot.set(t, ins[0]);
      continue;
    }
    ops++;
    const o = newBuf(t.size);
    slot.set(t, o);
    const n = t.size;
    // how input k is read at element i of the output: v (same size), s (scalar), m (index map)
    const pattern = (k: number): [Pattern, number] => {
      const p = node.inputs[k];
      if (p.size === n) return ["v", -1];
      if (p.size === 1) return ["s", -1];
      return ["m", newMap(broadcastIndex(p.shape, t.shape))];
    };
    switch (op) {
      case "broadcastTo": {
        const [pa, ma] = pattern(0);
        lines.push({ kernel: elementwise("(a)", pa), out: o, ins: [ins[0]], maps: [ma], n });
        break;
      }
      case "powScalar": {
        const p = a!.p as number;
        const [pa, ma] = pattern(0);
        const f = p === 2 ? "(a * a)" : `Math.pow(a, ${p})`; // the kernels' own formulas
        lines.push({ kernel: elementwise(f, pa), out: o, ins: [ins[0]], maps: [ma], n });
        break;
      }
      case "sum":
      case "max": {
        const inp = node.inputs[0], m = newMap(reduceMap(inp.shape, a!.axes as number[]));
        const kernel = op === "sum" ? reduceSum : reduceMax;
        lines.push({ kernel, out: o, ins: [ins[0]], maps: [m], n: inp.size });
        break;
      }
      case "matmul": {
        const [A, Bm] = node.inputs, ta = a!.ta as boolean, tb = a!.tb as boolean;
        if (A.ndim !== 2 || Bm.ndim !== 2) {
          throw new Error("compileTape: only 2-D matmul is supported");
        }
        const [nr, k] = ta ? [A.shape[1], A.shape[0]] : [A.shape[0], A.shape[1]];
        const m = tb ? Bm.shape[0] : Bm.shape[1];
        const kernel = matmulKernel(ta, tb, nr, k, m);
        lines.push({ kernel, out: o, ins: [ins[0], ins[1]], maps: [], n: nr, k, m });
        break;
      }
      default: {
        const formula = scalarFormulas[op];
        if (formula === undefined) throw new Error(`compileTape: op ${op} is not supported`);
        if (node.inputs.length === 1) {
          const [pa, ma] = pattern(0);
          const kernel = elementwise(formula("a", ""), pa);
          lines.push({ kernel, out: o, ins: [ins[0]], maps: [ma], n });
        } else {
          const [pa, ma] = pattern(0), [pb, mb] = pattern(1);
          const kernel = elementwise(formula("a", "b"), pa, pb);
          lines.push({ kernel, out: o, ins: [ins[0], ins[1]], maps: [ma, mb], n });
        }
      }
    }
    lines[lines.length - 1].op = op;
  }
  const store = new Float64Array(sizes.reduce((a, b) => a + b, 0));
  const bufs: Buffers = [];
  let offset = 0;
  for (const n of sizes) {
    bufs.push(store.subarray(offset, offset + n));
    offset += n;
  }
  for (const [s, data] of inits) bufs[s].set(data);
  const gradSlot = Object.fromEntries(params.map((k, i) => [k, slot.get(grads[i])!]));
  const hvSlot = Object.fromEntries(params.map((k, i) => [k, slot.get(hvs[i]) ?? -1]));
  const ySlot = slot.get(y)!;
  const program = (steps: Step[]): () => void => {
    // each step becomes a closure over its buffers calling a shared kernel (small, hot, and
    // compiled once for every tape), so there is no big generated function for V8 to compile
    const calls = steps.map((st): () => void => {
      const o = bufs[st.out], a = bufs[st.ins[0]], b = st.ins.length > 1 ? bufs[st.ins[1]] : a;
      const ma = st.maps[0] >= 0 ? maps[st.maps[0]] : EMPTY;
      const mb = st.maps.length > 1 && st.maps[1] >= 0 ? maps[st.maps[1]] : EMPTY;
      const { kernel, n, k = 0, m = 0 } = st;
      if (st.k !== undefined) return () => kernel(a, b, o, n, k, m);
      return () => kernel(o, a, b, n, ma, mb);
    });
    return () => {
      for (let i = 0; i < calls.length; i++) calls[i]();
    };
  };
  const runA = program(linesA), runB = program(linesB);
  const yBuf = bufs[ySlot];
  const listing = (steps: Step[]) =>
    steps.map((st) =>
      `b${st.out} = ${st.op}(${st.ins.map((i) => `b${i}`).join(", ")})` +
      (st.k !== undefined ? ` [${st.n}×${st.k}·${st.k}×${st.m}]` : ` [${st.n}]`)
    ).join("\n");
  const get = (table: Record<string, number>, name: string, what: string) => {
    const s = table[name];
    if (s === undefined || s < 0) throw new Error(`compileTape: no ${what} "${name}"`);
    return bufs[s];
  };
  return {
    params,
    data: dataNames,
    set(name, values) {
      const b = get(inputSlot, name, "input");
      if (values.length !== b.length) {
        throw new Error(
          `compileTape: input "${name}" needs ${b.length} values, got ${values.length}`,
        );
      }
      b.set(values);
    },
    input: (name) => get(inputSlot, name, "input"),
    valueAndGrad: () => {
      runA();
      return yBuf[0];
    },
    grad: (name) => get(gradSlot, name, "parameter"),
    hvp() {
      if (!options.hvp) throw new Error("compileTape: compiled without hvp: true");
      runB();
    },
    hv: (name) => get(hvSlot, name, "Hessian-vector product of"),
    ops,
    source: `// value and gradient\n${listing(linesA)}\n// Hessian-vector product\n${
      listing(linesB)
    }`,
  };
}
