/**
 * A compiled tape's program in WebAssembly: one function per part (value and gradient;
 * Hessian-vector product) that calls the matrix products of `wasm_matmul.ts` on the same memory
 * and, between them, one function for each run of elementwise ops and reductions, every loop
 * written out in order. One call runs the whole tape: a training step does not wait for V8 to
 * optimize a dozen JavaScript kernels, and nothing crosses between JavaScript and WebAssembly
 * inside a step.
 *
 * Every op but `tanh` computes what the tape's JavaScript kernels compute, bit for bit: the same
 * IEEE operations in the same order (`+ − × ÷ √ |x|` are single instructions with the same
 * rounding), and `Math.exp`, `Math.log`, `Math.pow`, … are the JavaScript functions themselves,
 * imported. `tanh` is written out (an imported `Math.tanh` costs 20 to 30 ns a call here, three
 * times as much) and is within 4 units in the last place of `Math.tanh`. Tested against the
 * JavaScript program in `wasm_tape_test.ts`.
 *
 * @module
 */

import {
  addTo,
  type Bytes,
  code,
  F64,
  f64,
  f64Load,
  f64Store,
  get,
  I32,
  i32,
  i32Load,
  leb,
  moduleOf,
  name,
  op,
  section,
  set,
  vec,
  VOID,
} from "./wasm_asm.ts";
import type { WasmMatmul } from "./wasm_matmul.ts";

/**
 * How an elementwise op reads an input at element i: `v` the input's element i, `s` its only
 * element, `m` element `map[i]` (broadcasting). `at` and `map` are byte offsets in the memory.
 *
 * @example
 * ```ts
 * import type { WasmRead } from "./wasm_tape.ts";
 * const r: WasmRead = { kind: "m", at: 0, map: 64 };
 * console.log(r.kind); // m
 * ```
 */
export interface WasmRead {
  kind: "v" | "s" | "m";
  at: number;
  map?: number;
}

/**
 * One op of a tape's program, with byte offsets into the memory of the matrix kernels:
 * an elementwise op (`f` one of {@link WASM_FORMULAS}, `p` the exponent of `powScalar`), a sum or
 * maximum of n inputs into `outN` outputs through an index map, or a matrix product
 * C (n×m) = A B (A read with strides, `trB` to transpose a stored Bᵀ into `B` first).
 *
 * @example
 * ```ts
 * import type { WasmOp } from "./wasm_tape.ts";
 * const step: WasmOp = { kind: "map", f: "tanh", out: 80, n: 10, a: { kind: "v", at: 0 } };
 * console.log(step.kind); // map
 * ```
 */
export type WasmOp =
  | { kind: "map"; f: string; p?: number; out: number; n: number; a: WasmRead; b?: WasmRead }
  | { kind: "sum" | "max"; out: number; outN: number; a: number; map: number; n: number }
  | {
    kind: "mm";
    dense: boolean;
    A: number;
    B: number;
    C: number;
    n: number;
    k: number;
    m: number;
    sAi: number;
    sAp: number;
    trB?: { from: number; rows: number; cols: number };
  };

// function indices: the imports, then one function per part
const MM = 0, MM_DENSE = 1, TR = 2;
const MATH = ["exp", "log", "sin", "cos", "log1p"] as const;
const mathIndex = (f: string) => 3 + MATH.indexOf(f as typeof MATH[number]);
const POW = 3 + MATH.length;
const IMPORTED = POW + 1;
const call = (index: number): Bytes => [op.call, leb(index)];

// locals of an op's function: i, j (i32); a, b, e, sa, sb, and r², r⁴, r⁸ for tanh (f64)
const Li = 0, Lj = 1, La = 2, Lb = 3, Le = 4, Lsa = 5, Lsb = 6, R2 = 7, R4 = 8, R8 = 9;
// (pure: a bundle of code that never compiles a tape leaves all of this out)
const A_ = /* @__PURE__ */ get(La), B_ = /* @__PURE__ */ get(Lb);
const ZERO = /* @__PURE__ */ f64(0), ONE = /* @__PURE__ */ f64(1);

/** `cond ? x : y` for f64 values (both computed; cond an i32). */
const select = (x: Bytes, y: Bytes, cond: Bytes): Bytes => [x, y, cond, op.select];

/** 1 / (j + 2)! for j = 0…12: expm1(r) = r + r² Σⱼ Q[j] rʲ, the Taylor series to r¹⁴. */
const Q = /* @__PURE__ */ Array.from({ length: 13 }, (_, j) => {
  let f = 1;
  for (let k = 2; k <= j + 2; k++) f *= k;
  return 1 / f;
});

/**
 * tanh(a) written out (calling `Math.tanh` through an import costs 20 to 30 ns a number here):
 * for |a| < 22, u = expm1(2|a|) and tanh = ±u / (u + 2); beyond, ±1 (tanh(22) rounds to 1).
 * expm1(y) reduces y = k ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 in two parts, so k ln2hi is exact),
 * sums the Taylor series of expm1(r) to r¹⁴ (truncation below 10⁻¹⁷ of r) and returns
 * 2ᵏ expm1(r) + (2ᵏ − 1), each part exact but the last sum. Within 4 units in the last place of
 * `Math.tanh` (tested on 10⁶ numbers); NaN stays NaN, −0 stays −0.
 */
const TANH: Bytes = /* @__PURE__ */ (() => {
  const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
  // locals: a = x, b = |x| then y = 2|x|, e = k (as f64), sa = r, sb = 2^k
  // expm1(r) = r + r² q(r), q(r) = Σⱼ rʲ / (j + 2)! for j = 0…12, by Estrin's scheme (pairs
  // c + c' r, then powers r², r⁴, r⁸: a short chain of dependent operations)
  const c = (j: number) => f64(Q[j]);
  const pair = (j: number) => [c(j), get(Lsa), c(j + 1), op.f64Mul, op.f64Add];
  const r2 = [get(Lsa), get(Lsa), op.f64Mul];
  const horner = [
    // r², r⁴, r⁸ into R2, R4, R8
    r2,
    op.tee,
    R2,
    get(R2),
    op.f64Mul,
    op.tee,
    R4,
    get(R4),
    op.f64Mul,
    set(R8),
    // ((p0 + p2 r²) + (p4 + p6 r²) r⁴) + ((p8 + p10 r²) + p12 r⁴) r⁸, p_j = c_j + c_{j+1} r
    pair(0),
    pair(2),
    get(R2),
    op.f64Mul,
    op.f64Add,
    pair(4),
    pair(6),
    get(R2),
    op.f64Mul,
    op.f64Add,
    get(R4),
    op.f64Mul,
    op.f64Add,
    pair(8),
    pair(10),
    get(R2),
    op.f64Mul,
    op.f64Add,
    c(12),
    get(R4),
    op.f64Mul,
    op.f64Add,
    get(R8),
    op.f64Mul,
    op.f64Add,
    // r + r² q
    get(R2),
    op.f64Mul,
    get(Lsa),
    op.f64Add,
  ];
  return [
    A_,
    op.f64Abs,
    op.tee,
    Lb,
    f64(22),
    op.f64Lt,
    op.if,
    F64,
    // y = 2|x|, k = nearest(y / ln 2), r = (y − k ln2hi) − k ln2lo
    get(Lb),
    get(Lb),
    op.f64Add,
    op.tee,
    Lb,
    f64(1 / Math.LN2),
    op.f64Mul,
    op.f64Nearest,
    op.tee,
    Le,
    f64(LN2_HI),
    op.f64Mul,
    set(Lsb),
    get(Lb),
    get(Lsb),
    op.f64Sub,
    get(Le),
    f64(LN2_LO),
    op.f64Mul,
    op.f64Sub,
    set(Lsa),
    // 2^k from its bits: (k + 1023) << 52
    get(Le),
    op.i32TruncF64S,
    i32(1023),
    op.i32Add,
    op.i64ExtendI32S,
    op.i64Const,
    52,
    op.i64Shl,
    op.f64ReinterpretI64,
    set(Lsb),
    // u = 2^k expm1(r) + (2^k − 1), in b
    get(Lsb),
    horner,
    op.f64Mul,
    get(Lsb),
    f64(1),
    op.f64Sub,
    op.f64Add,
    op.tee,
    Lb,
    get(Lb),
    f64(2),
    op.f64Add,
    op.f64Div,
    op.else,
    // |x| ≥ 22: 1; NaN: NaN
    select(f64(1), A_, [get(Lb), f64(22), op.f64Ge]),
    op.end,
    A_,
    op.f64Copysign,
  ];
})();

/**
 * The elementwise ops as WebAssembly, reading the input values from locals a and b: each is
 * the formula of the tape's JavaScript kernel (`scalarFormulas` in ops.ts) instruction for
 * instruction.
 */
const FORMULAS: Record<string, Bytes> = /* @__PURE__ */ (() => ({
  copy: A_,
  add: [A_, B_, op.f64Add],
  sub: [A_, B_, op.f64Sub],
  mul: [A_, B_, op.f64Mul],
  div: [A_, B_, op.f64Div],
  pow: [A_, B_, call(POW)],
  maximum: [A_, B_, op.f64Max],
  greater: [A_, B_, op.f64Gt, op.f64ConvertI32S],
  equal: [A_, B_, op.f64Eq, op.f64ConvertI32S],
  neg: [A_, op.f64Neg],
  exp: [A_, call(mathIndex("exp"))],
  log: [A_, call(mathIndex("log"))],
  sqrt: [A_, op.f64Sqrt],
  abs: [A_, op.f64Abs],
  sin: [A_, call(mathIndex("sin"))],
  cos: [A_, call(mathIndex("cos"))],
  tanh: TANH,
  // a >= 0 ? 1 / (1 + exp(-a)) : exp(a) / (1 + exp(a))
  sigmoid: [
    A_,
    ZERO,
    op.f64Ge,
    op.if,
    F64,
    ONE,
    ONE,
    A_,
    op.f64Neg,
    call(mathIndex("exp")),
    op.f64Add,
    op.f64Div,
    op.else,
    A_,
    call(mathIndex("exp")),
    op.tee,
    Le,
    ONE,
    get(Le),
    op.f64Add,
    op.f64Div,
    op.end,
  ],
  relu: select(A_, ZERO, [A_, ZERO, op.f64Gt]),
  // (a > 0 ? a : 0) + log1p(exp(-|a|))
  softplus: [
    select(A_, ZERO, [A_, ZERO, op.f64Gt]),
    A_,
    op.f64Abs,
    op.f64Neg,
    call(mathIndex("exp")),
    call(mathIndex("log1p")),
    op.f64Add,
  ],
  // Math.sign: 1, −1, or a itself (±0, NaN)
  sign: select(ONE, select(f64(-1), A_, [A_, ZERO, op.f64Lt]), [A_, ZERO, op.f64Gt]),
  square: [A_, A_, op.f64Mul],
}))();

/**
 * The elementwise ops the WebAssembly program writes out (`copy` is `broadcastTo`, `powScalar`
 * is `square` for p = 2 and `pow` otherwise, as in the JavaScript kernels).
 *
 * @example
 * ```ts
 * import { WASM_FORMULAS } from "./wasm_tape.ts";
 * console.log(WASM_FORMULAS.has("tanh"), WASM_FORMULAS.has("gather")); // true false
 * ```
 */
export const WASM_FORMULAS: ReadonlySet<string> = /* @__PURE__ */ new Set(Object.keys(FORMULAS));

const elementAt = (shift: number) => [get(Li), i32(shift), op.i32Shl];

/** `for (i = 0; i < n; i++) body` (nothing for n = 0). */
const forEach = (n: number, body: Bytes): Bytes =>
  n < 1 ? [] : [
    i32(0),
    set(Li),
    op.loop,
    VOID,
    body,
    addTo(Li, i32(1)),
    get(Li),
    i32(n),
    op.i32LtS,
    op.brIf,
    0,
    op.end,
  ];

function read(r: WasmRead, scalar: number): Bytes {
  if (r.kind === "v") return [elementAt(3), f64Load(r.at)];
  if (r.kind === "s") return get(scalar);
  return [elementAt(2), i32Load(r.map!), i32(3), op.i32Shl, f64Load(r.at)];
}

function emit(s: WasmOp): Bytes {
  switch (s.kind) {
    case "mm": {
      const product = [
        [s.A, s.B, s.C, s.n, s.k, s.m, s.sAi, s.sAp].map(i32),
        call(s.dense ? MM_DENSE : MM),
      ];
      if (s.trB === undefined) return product;
      return [[s.trB.from, s.B, s.trB.rows, s.trB.cols].map(i32), call(TR), product];
    }
    case "sum":
    case "max": {
      const fill = forEach(s.outN, [
        elementAt(3),
        f64(s.kind === "sum" ? 0 : -Infinity),
        f64Store(s.out),
      ]);
      // j = 8 map[i]
      const j = [elementAt(2), i32Load(s.map), i32(3), op.i32Shl, set(Lj)];
      const body = s.kind === "sum"
        ? [
          j,
          get(Lj),
          get(Lj),
          f64Load(s.out),
          elementAt(3),
          f64Load(s.a),
          op.f64Add,
          f64Store(s.out),
        ]
        : [
          j,
          elementAt(3),
          f64Load(s.a),
          set(La),
          // if (!(x <= o[j])) o[j] = x
          get(La),
          get(Lj),
          f64Load(s.out),
          op.f64Le,
          op.i32Eqz,
          op.if,
          VOID,
          get(Lj),
          get(La),
          f64Store(s.out),
          op.end,
        ];
      return [fill, forEach(s.n, body)];
    }
    case "map": {
      const formula = s.f === "powScalar"
        ? (s.p === 2 ? FORMULAS.square : [A_, f64(s.p!), call(POW)])
        : FORMULAS[s.f];
      if (formula === undefined) throw new Error(`wasmTape: no WebAssembly for op \`${s.f}\``);
      const hoist = [
        s.a.kind === "s" ? [i32(0), f64Load(s.a.at), set(Lsa)] : [],
        s.b?.kind === "s" ? [i32(0), f64Load(s.b.at), set(Lsb)] : [],
      ];
      const body = [
        read(s.a, Lsa),
        set(La),
        s.b ? [read(s.b, Lsb), set(Lb)] : [],
        elementAt(3),
        formula,
        f64Store(s.out),
      ];
      return [hoist, forEach(s.n, body)];
    }
  }
}

/**
 * Compiles the parts of a tape (lists of {@link WasmOp}) into one WebAssembly module whose
 * functions run on the memory of `kernels` (calling its matrix products), and returns one
 * JavaScript function per part.
 *
 * @example y = tanh(x) + x on four numbers in the kernels' memory
 * ```ts
 * import { wasmMatmul } from "./wasm_matmul.ts";
 * import { wasmTape } from "./wasm_tape.ts";
 * const k = wasmMatmul(12 * 8);
 * const f = new Float64Array(k.memory.buffer, 0, 12);
 * f.set([0, 1, -1, 2]);
 * const [run] = wasmTape(k, [[
 *   { kind: "map", f: "tanh", out: 32, n: 4, a: { kind: "v", at: 0 } },
 *   { kind: "map", f: "add", out: 64, n: 4, a: { kind: "v", at: 32 }, b: { kind: "v", at: 0 } },
 * ]]);
 * run();
 * console.log(Math.abs(f[8 + 1] - (Math.tanh(1) + 1)) < 1e-15); // true
 * ```
 */
export function wasmTape(kernels: WasmMatmul, parts: readonly WasmOp[][]): (() => void)[] {
  const types = section(
    1,
    vec([
      [0x60, 8, ...new Array(8).fill(I32), 0], // 0: (i32 × 8) → ()
      [0x60, 4, I32, I32, I32, I32, 0], // 1: (i32 × 4) → ()
      [0x60, 1, F64, 1, F64], // 2: f64 → f64
      [0x60, 2, F64, F64, 1, F64], // 3: (f64, f64) → f64
      [0x60, 0, 0], // 4: () → (), the parts
    ]),
  );
  const fn = (field: string, type: number) => [...name("k"), ...name(field), 0x00, type];
  const imports = section(
    2,
    vec([
      [...name("k"), ...name("mem"), 0x02, 0x00, 0x01],
      fn("mm", 0),
      fn("mmDense", 0),
      fn("tr", 1),
      ...MATH.map((f) => fn(f, 2)),
      fn("pow", 3),
    ]),
  );
  // Each run of elementwise ops and reductions between two matrix products is a function of its
  // own (V8 optimizes each soon after it first runs; one function for a whole part would run
  // unoptimized for longer), and each part is a function that calls them and the products.
  const runs: WasmOp[][] = [];
  const partBodies = parts.map((steps) => {
    const body: Bytes[] = [];
    let run: WasmOp[] | null = null;
    for (const st of steps) {
      if (st.kind === "mm") {
        body.push(emit(st));
        run = null;
      } else {
        if (run === null) {
          run = [];
          runs.push(run);
          body.push(call(IMPORTED + parts.length + runs.length - 1));
        }
        run.push(st);
      }
    }
    return body;
  });
  const funcs = section(3, vec([...parts, ...runs].map(() => [4])));
  const exports = section(
    7,
    vec(parts.map((_, i) => [...name(`p${i}`), 0x00, IMPORTED + i])),
  );
  const codes = section(
    10,
    vec([
      ...partBodies.map((body) => code([], body)),
      ...runs.map((run) => code([[2, I32], [8, F64]], run.map(emit))),
    ]),
  );
  const module = new WebAssembly.Module(moduleOf([types, imports, funcs, exports, codes]));
  const inst = new WebAssembly.Instance(module, {
    k: {
      mem: kernels.memory,
      mm: kernels.mm,
      mmDense: kernels.mmDense,
      tr: kernels.tr,
      exp: Math.exp,
      log: Math.log,
      sin: Math.sin,
      cos: Math.cos,
      log1p: Math.log1p,
      pow: Math.pow,
    },
  });
  return parts.map((_, i) => inst.exports[`p${i}`] as () => void);
}
