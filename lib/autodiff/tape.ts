/**
 * A compiled tape for fixed-shape models: the tensor-level sibling of `compileValueAndGrad`
 * (`compile.ts`), and the fast path for training a small network many steps. The library's
 * autodiff records the loss, its backward pass and (with `hvp: true`) the double backward for a
 * Hessian-vector product once, on example inputs of the right shapes. Each recorded op then
 * becomes a call of a shared kernel on a preallocated buffer: a 2-D matrix product (WebAssembly
 * SIMD, `wasm_matmul.ts`; the buffers live in its memory), an elementwise loop (the op's own
 * scalar formula from `scalarFormulas`, with NumPy broadcasting through index maps), a sum or
 * maximum over axes. Reshapes cost nothing, and an op recorded twice on the same buffers (the
 * double backward recomputes parts of the backward pass) is computed once. A step makes no graph,
 * no tensors and no garbage, and the derivatives are the library's own backward rules, replayed.
 * By default (`engine: "wasm"`) the whole program is one small WebAssembly module per tape
 * (`wasm_tape.ts`): every loop written out in order, the same numbers as the JavaScript kernels
 * (`engine: "js"`) except `tanh`, which is within 4 units in the last place of `Math.tanh`.
 *
 * Inputs are named tensors: the parameters (differentiated) and data inputs, such as a batch `X`
 * and its one-hot labels `Y` (not differentiated, but traced, so everything that depends on them
 * is recomputed at every call: one tape serves every batch of the same shape).
 *
 * Limits, because the trace is recorded once:
 * - **Fixed shapes.** Every input keeps the shape of its example. A smaller last batch is padded
 *   to the full size: zero rows of `X`, zero label rows of `Y`, and the real rows weighted
 *   N / rows so that a mean over N rows is the mean over the real ones (see the tests).
 * - **No branching on tensor values.** `f` must not read values in JavaScript (`item()`, `.data`,
 *   `if (x.item() > 0)`): what it read at trace time would be baked in. Piecewise ops (`relu`,
 *   `abs`, `maximum`, `max`) are fine: their masks are part of the trace. For the same reason
 *   `softmaxCrossEntropy(z, labels)` with integer labels cannot take its labels from a data
 *   input (it reads them into a constant one-hot matrix); pass a one-hot matrix `Y` and write
 *   the loss as `logSoftmax(z, 1).mul(Y).sum(1).mean().neg()` (the same ops). A data input that
 *   no op reads is rejected for this reason.
 * - **Supported ops:** the elementwise ops (`add sub mul div pow neg square exp log sqrt abs sin
 *   cos tanh sigmoid relu softplus maximum minimum`), 2-D `matmul` (and matrix-vector products),
 *   `sum mean max min` over axes, `broadcastTo`, `reshape`, `detach`, and the composites made of
 *   them (`logSoftmax softmax logSumExp mse logisticLoss`). Any other op (`gather`, `slice`,
 *   `transpose`, `concat`, `where`, batched `matmul`) throws an error naming it; use the dynamic
 *   autodiff (`valueAndGrad`, `hvp`) for such functions.
 * - Tensors `f` captures from outside (not passed in `example`) are constants of the tape.
 *
 * @module
 */

import { backward } from "./grad.ts";
import { postOrder, reduceMap } from "./graph.ts";
import { broadcastIndex, scalarFormulas } from "./ops.ts";
import { engine, Tensor } from "./tensor.ts";
import { wasmMatmul } from "./wasm_matmul.ts";
import { type WasmOp, type WasmRead, wasmTape } from "./wasm_tape.ts";

/**
 * A compiled loss (see {@link compileTape}): input buffers, one call for the value and gradient,
 * one for the Hessian-vector product, and the buffers that hold the results. The result buffers
 * are overwritten by the next call: copy them out to keep them.
 *
 * @example Usage
 * ```ts
 * import { type CompiledTape, compileTape, tensor, type Tensor } from "./mod.ts";
 * const f = (x: Record<string, Tensor>) => x.w.square().sum();
 * const tape: CompiledTape = compileTape(f, { w: tensor([0, 0]) }, ["w"]);
 * tape.set("w", [1, 2]);
 * console.log(tape.valueAndGrad(), Array.from(tape.grad("w"))); // 5 [2, 4]
 * ```
 */
export interface CompiledTape {
  /** Names of the differentiated inputs (the parameters), in order. */
  readonly params: readonly string[];
  /** Names of the data inputs, in order. */
  readonly data: readonly string[];
  /** Sets an input's values (copied into its buffer; the count must match its size). */
  set(name: string, values: ArrayLike<number>): void;
  /** The buffer that holds an input: write into it directly to skip a copy. */
  input(name: string): Float64Array;
  /** Runs the forward and backward pass on the current inputs; returns the loss. */
  valueAndGrad(): number;
  /** The gradient buffer of a parameter (valid after {@link CompiledTape.valueAndGrad}). */
  grad(name: string): Float64Array;
  /**
   * The buffer of the direction v for a parameter (compiled with `hvp: true`): write v into it
   * before {@link CompiledTape.hvp}.
   */
  direction(name: string): Float64Array;
  /**
   * With `hvp: true`: the Hessian-vector product H v at the inputs of the last
   * {@link CompiledTape.valueAndGrad} call, with v in the {@link CompiledTape.direction} buffers.
   * Reuses that call's forward and backward pass (as torch's double backward does), so call
   * `valueAndGrad()` first, after any change of the inputs.
   */
  hvp(): void;
  /** The Hessian-vector product buffer of a parameter (valid after {@link CompiledTape.hvp}). */
  hv(name: string): Float64Array;
  /** Number of kernel calls in the tape (value and gradient, plus the Hessian-vector product). */
  readonly ops: number;
  /** A listing of the tape, one kernel call a line, for the curious. */
  readonly source: string;
}

/**
 * Options of {@link compileTape}.
 *
 * @example Usage
 * ```ts
 * import type { CompileTapeOptions } from "./mod.ts";
 * const options: CompileTapeOptions = { hvp: true };
 * console.log(options.hvp); // true
 * ```
 */
export interface CompileTapeOptions {
  /** Also trace a Hessian-vector product by double backward (for AdaHessian). Default false. */
  hvp?: boolean;
  /**
   * What runs the tape: `"wasm"` (default) one WebAssembly function per part, every op's loop
   * written out in order (`wasm_tape.ts`); `"js"` a JavaScript closure per op calling shared
   * kernels. The same numbers bit for bit, except `tanh` (within 4 units in the last place).
   */
  engine?: "wasm" | "js";
}

type Buffers = Float64Array[];

// deno-lint-ignore no-explicit-any
type Kernel = (...args: any[]) => void;

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
  /** matrix products: whether A and B enter transposed */
  ta?: boolean;
  tb?: boolean;
  op?: string;
  /** powScalar: the exponent */
  p?: number;
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

/** The attributes of an op as a key (ops whose attributes do not print are never merged). */
function attrsKey(a: unknown): string {
  try {
    return JSON.stringify(a) ?? "";
  } catch {
    return `#${++unprintable}`;
  }
}
let unprintable = 0;

/** Marks a matrix-product step: the program binds it to the WebAssembly kernels. */
function mmStep(): void {}

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
 * Traces `f` on the `example` inputs and compiles its value and gradient with respect to the
 * inputs named in `params` (and, with `hvp: true`, a Hessian-vector product) into a tape that
 * runs on preallocated buffers. The other inputs are data: traced, not differentiated. Results
 * equal `valueAndGrad` and `hvp` on the same function to rounding (the matrix kernels add in a
 * different order). Read the module notes for the limits: fixed shapes, no branching on tensor
 * values, a fixed set of ops (others throw, naming the op).
 *
 * @example A least-squares loss, compiled once and run on new parameters and data
 * ```ts
 * import { compileTape, tensor, type Tensor } from "./mod.ts";
 * const loss = (x: Record<string, Tensor>) => x.X.matmul(x.w).sub(x.y).square().mean();
 * const example = { w: tensor([0, 0]), X: tensor([[1, 0], [0, 1]]), y: tensor([1, 2]) };
 * const tape = compileTape(loss, example, ["w"], { hvp: true });
 * tape.set("w", [1, 1]);
 * console.log(tape.valueAndGrad(), Array.from(tape.grad("w"))); // 0.5 [0, -1]
 * tape.set("y", [3, 1]);
 * console.log(tape.valueAndGrad(), Array.from(tape.grad("w"))); // 2 [-2, 0]
 * tape.direction("w").set([1, 0]);
 * tape.hvp();
 * console.log(Array.from(tape.hv("w"))); // [1, 0]
 * ```
 *
 * @example Ops the tape cannot replay are named
 * ```ts
 * import { compileTape, tensor, type Tensor } from "./mod.ts";
 * const f = (x: Record<string, Tensor>) => x.w.gather([0, 0]).sum();
 * let message = "";
 * try {
 *   compileTape(f, { w: tensor([1, 2]) }, ["w"]);
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * console.log(message); // compileTape: op `gather` is not supported; use the dynamic autodiff (valueAndGrad) for this function
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
  if (params.length === 0) {
    throw new Error("compileTape: no parameters (name the inputs to differentiate in params)");
  }
  for (const p of params) {
    if (!(p in example)) {
      throw new Error(
        `compileTape: no example for parameter "${p}" (the example has ${
          names.map((k) => `"${k}"`).join(", ")
        })`,
      );
    }
  }
  if (new Set(params).size !== params.length) {
    throw new Error(`compileTape: parameters named twice in [${params.join(", ")}]`);
  }
  for (const k of names) {
    if (!(example[k] instanceof Tensor)) {
      throw new TypeError(`compileTape: example "${k}" is ${typeof example[k]}, expected a Tensor`);
    }
  }
  const engineKind = options.engine ?? "wasm";
  if (engineKind !== "wasm" && engineKind !== "js") {
    throw new Error(
      `compileTape: engine must be "wasm" or "js", got ${JSON.stringify(engineKind)}`,
    );
  }
  const saved = {
    tracing: engine.tracing,
    grad: engine.gradEnabled,
    shapesOnly: engine.shapesOnly,
  };
  engine.tracing = true;
  engine.gradEnabled = true;
  engine.shapesOnly = true;
  const inputs = new Map<Tensor, string>(); // input tensors of the trace and their names
  const directions = new Map<Tensor, string>(); // the v of each parameter (hvp)
  const traced: Record<string, Tensor> = {};
  for (const k of names) {
    const e = example[k];
    const t = new Tensor(e.data.slice(), e.shape.slice(), params.includes(k));
    // data inputs get a node (no backward) so that the tracer records every op on them
    if (!params.includes(k)) t.node = { op: "input", inputs: [], backward: null, attrs: null };
    traced[k] = t;
    inputs.set(t, k);
  }
  const leaves = params.map((k) => traced[k]);
  let y: Tensor, grads: Tensor[], hvs: Tensor[] = [];
  try {
    y = f(traced);
    if (!(y instanceof Tensor) || y.size !== 1) {
      throw new Error(
        `compileTape: f must return a scalar Tensor (one element), got ${
          y instanceof Tensor ? `shape [${y.shape}]` : typeof y
        }`,
      );
    }
    grads = backward(y, leaves, true);
    if (options.hvp) {
      let s: Tensor | null = null;
      for (let i = 0; i < params.length; i++) {
        const v = new Tensor(new Float64Array(leaves[i].size), leaves[i].shape.slice());
        v.node = { op: "input", inputs: [], backward: null, attrs: null };
        directions.set(v, params[i]);
        const term = grads[i].mul(v).sum();
        s = s === null ? term : s.add(term);
      }
      hvs = backward(s!, leaves, true);
    }
  } finally {
    engine.tracing = saved.tracing;
    engine.gradEnabled = saved.grad;
    engine.shapesOnly = saved.shapesOnly;
  }

  // Topological order, and which tensors the value and gradient need (part A) versus the
  // Hessian-vector product only (part B).
  const seen = new Set<Tensor>();
  const order = postOrder([y, ...grads], [], seen);
  const partA = order.length;
  postOrder(hvs, order, seen);
  for (const [t, name] of inputs) {
    if (!params.includes(name) && !seen.has(t)) {
      throw new Error(
        `compileTape: data input "${name}" is not read by any op of the tape; f reads its values ` +
          "in JavaScript (item(), .data, softmaxCrossEntropy's integer labels), which the tape " +
          "would bake in: pass it as a tensor the ops use (labels as a one-hot matrix), or drop it",
      );
    }
  }

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
  const directionSlot: Record<string, number> = {};
  const computed = new Map<string, number>(); // op, shape, input buffers, attributes → buffer
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
    const dir = directions.get(t);
    if (dir !== undefined) {
      directionSlot[dir] = newBuf(t.size);
      slot.set(t, directionSlot[dir]);
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
    // The same op on the same buffers was recorded before (the double backward recomputes
    // 1 − tanh² of the backward pass, for one): reuse its buffer instead of computing it again.
    const key = `${op}|${t.shape}|${ins}|${attrsKey(a)}`;
    const same = computed.get(key);
    if (same !== undefined) {
      slot.set(t, same);
      continue;
    }
    ops++;
    const o = newBuf(t.size);
    slot.set(t, o);
    computed.set(key, o);
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
        lines.push({ kernel: elementwise(f, pa), out: o, ins: [ins[0]], maps: [ma], n, p });
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
          throw new Error(
            `compileTape: op \`matmul\` is supported on matrices and vectors, not batched ` +
              `([${A.shape}] and [${Bm.shape}]); use the dynamic autodiff (valueAndGrad) for ` +
              "this function",
          );
        }
        const [nr, k] = ta ? [A.shape[1], A.shape[0]] : [A.shape[0], A.shape[1]];
        const m = tb ? Bm.shape[0] : Bm.shape[1];
        lines.push({
          kernel: mmStep,
          out: o,
          ins: [ins[0], ins[1]],
          maps: [],
          n: nr,
          k,
          m,
          ta,
          tb,
        });
        break;
      }
      default: {
        const formula = scalarFormulas[op];
        if (formula === undefined) {
          throw new Error(
            `compileTape: op \`${op}\` is not supported; use the dynamic autodiff ` +
              "(valueAndGrad) for this function",
          );
        }
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
  if (options.hvp) {
    // a parameter whose gradient does not depend on the parameters (a linear term) has H v = 0
    // and no op reads its v, but it still gets a buffer to write v into
    params.forEach((k, i) => directionSlot[k] ??= newBuf(leaves[i].size));
  }
  // All buffers live in the memory of the WebAssembly matrix kernels (wasm_matmul.ts), with
  // room after them to transpose the largest B of a product with Bᵀ.
  const total = sizes.reduce((a, b) => a + b, 0);
  const scratch = Math.max(0, ...[...linesA, ...linesB].map((st) => st.tb ? st.k! * st.m! : 0));
  // and the index maps after them, for the WebAssembly program
  const mapsAt = (total + scratch) * 8, mapOffsets: number[] = [];
  let mapBytes = 0;
  for (const m of maps) {
    mapOffsets.push(mapsAt + mapBytes);
    mapBytes += m.length * 4;
  }
  const wasm = wasmMatmul(mapsAt + mapBytes);
  maps.forEach((m, i) => new Int32Array(wasm.memory.buffer, mapOffsets[i], m.length).set(m));
  const store = new Float64Array(wasm.memory.buffer, 0, total);
  const scratchAt = total * 8;
  const bufs: Buffers = [];
  let offset = 0;
  for (const n of sizes) {
    bufs.push(store.subarray(offset, offset + n));
    offset += n;
  }
  for (const [s, data] of inits) bufs[s].set(data);
  const gradSlot = Object.fromEntries(params.map((k, i) => [k, slot.get(grads[i])!]));
  const hvSlot = Object.fromEntries(
    options.hvp ? params.map((k, i) => [k, slot.get(hvs[i])!]) : [],
  );
  const ySlot = slot.get(y)!;
  const dataSlots = new Set(dataNames.map((k) => inputSlot[k]));
  const program = (steps: Step[]): () => void => {
    // each step becomes a closure over its buffers calling a shared kernel (small, hot, and
    // compiled once for every tape), so there is no big generated function for V8 to compile
    const calls = steps.map((st): () => void => {
      const o = bufs[st.out], a = bufs[st.ins[0]], b = st.ins.length > 1 ? bufs[st.ins[1]] : a;
      const ma = st.maps[0] >= 0 ? maps[st.maps[0]] : EMPTY;
      const mb = st.maps.length > 1 && st.maps[1] >= 0 ? maps[st.maps[1]] : EMPTY;
      const { kernel, n, k = 0, m = 0 } = st;
      if (kernel === mmStep) {
        // C (n×m) = op(A) op(B): A read with strides (Aᵀ is free), Bᵀ transposed first
        // the test for zeros of A pays only on data (half the digits' pixels are 0)
        const mm = dataSlots.has(st.ins[0]) ? wasm.mm : wasm.mmDense;
        const tr = wasm.tr, ao = a.byteOffset, oo = o.byteOffset;
        const [sAi, sAp] = st.ta ? [1, n] : [k, 1];
        if (!st.tb) {
          const bo = b.byteOffset;
          return () => mm(ao, bo, oo, n, k, m, sAi, sAp);
        }
        const bo = b.byteOffset;
        return () => {
          tr(bo, scratchAt, m, k); // B is stored m×k
          mm(ao, scratchAt, oo, n, k, m, sAi, sAp);
        };
      }
      return () => kernel(o, a, b, n, ma, mb);
    });
    return () => {
      for (let i = 0; i < calls.length; i++) calls[i]();
    };
  };
  const toWasm = (st: Step): WasmOp => {
    const at = (s: number) => bufs[s].byteOffset;
    if (st.kernel === mmStep) {
      const [sAi, sAp] = st.ta ? [1, st.n] : [st.k!, 1];
      return {
        kind: "mm",
        // no test for zeros of data here: one kernel fewer for V8 to optimize costs less CPU
        // than the zeros of the digits save (measured: about 20 ms less over digits-mlp)
        dense: true,
        A: at(st.ins[0]),
        B: st.tb ? scratchAt : at(st.ins[1]),
        C: at(st.out),
        n: st.n,
        k: st.k!,
        m: st.m!,
        sAi,
        sAp,
        trB: st.tb ? { from: at(st.ins[1]), rows: st.m!, cols: st.k! } : undefined,
      };
    }
    if (st.op === "sum" || st.op === "max") {
      const out = at(st.out), outN = bufs[st.out].length, map = mapOffsets[st.maps[0]];
      return { kind: st.op, out, outN, a: at(st.ins[0]), map, n: st.n };
    }
    // how input k is read, as the JavaScript kernel was specialised: through its index map,
    // element i (same size), or its only element
    const read = (k: number): WasmRead => {
      const m = st.maps[k], a = at(st.ins[k]);
      if (m >= 0) return { kind: "m", at: a, map: mapOffsets[m] };
      return { kind: bufs[st.ins[k]].length === st.n ? "v" : "s", at: a };
    };
    const b = st.ins.length > 1 ? read(1) : undefined;
    const f = st.op === "broadcastTo" ? "copy" : st.op!;
    return { kind: "map", f, p: st.p, out: at(st.out), n: st.n, a: read(0), b };
  };
  const [runA, runB] = engineKind === "wasm"
    ? wasmTape(wasm, [linesA.map(toWasm), linesB.map(toWasm)])
    : [program(linesA), program(linesB)];
  const yBuf = bufs[ySlot];
  const listing = (steps: Step[]) =>
    steps.map((st) =>
      `b${st.out} = ${st.op}(${st.ins.map((i) => `b${i}`).join(", ")})` +
      (st.k !== undefined ? ` [${st.n}×${st.k}·${st.k}×${st.m}]` : ` [${st.n}]`)
    ).join("\n");
  const withHvp = (what: string) => {
    if (!options.hvp) {
      throw new Error(`compileTape: ${what} needs a tape compiled with { hvp: true }`);
    }
  };
  const get = (table: Record<string, number>, name: string, what: string, among: string[]) => {
    const s = table[name];
    if (s === undefined) {
      throw new Error(
        `compileTape: no ${what} "${name}" (${what}s: ${among.map((k) => `"${k}"`).join(", ")})`,
      );
    }
    return bufs[s];
  };
  let ran = false;
  return {
    params,
    data: dataNames,
    set(name, values) {
      const b = get(inputSlot, name, "input", names);
      if (values.length !== b.length) {
        throw new Error(
          `compileTape: input "${name}" needs ${b.length} values, got ${values.length}`,
        );
      }
      b.set(values);
    },
    input: (name) => get(inputSlot, name, "input", names),
    valueAndGrad: () => {
      runA();
      ran = true;
      return yBuf[0];
    },
    grad: (name) => get(gradSlot, name, "parameter", params.slice()),
    direction(name) {
      withHvp("direction()");
      return get(directionSlot, name, "parameter", params.slice());
    },
    hvp() {
      withHvp("hvp()");
      if (!ran) {
        throw new Error(
          "compileTape: hvp() reuses the forward and backward pass: call valueAndGrad() first",
        );
      }
      runB();
    },
    hv(name) {
      withHvp("hv()");
      return get(hvSlot, name, "parameter", params.slice());
    },
    ops,
    get source() {
      // built when read (for the curious), not with every tape
      return `// value and gradient\n${listing(linesA)}\n// Hessian-vector product\n${
        listing(linesB)
      }`;
    },
  };
}
