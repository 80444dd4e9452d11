/**
 * The compiled tape's matrix product in WebAssembly with 128-bit SIMD (two float64 per
 * instruction). JavaScript has no SIMD and V8 first interprets a new kernel for thousands of
 * iterations before optimizing it; a WebAssembly function is compiled to machine code before its
 * first call (V8's baseline compiler takes microseconds for this one), so a tape is fast from the
 * first step and the wider products run about twice as fast as the best JavaScript loop here.
 *
 * The module is written out below instruction by instruction (there is no assembler to depend
 * on): `mm` computes C = A B for a row-major B and C and an A read with any strides (so Aᵀ costs
 * nothing), eight columns of a row of C at a time in four two-lane accumulators, skipping zeros
 * of A (half the pixels of the digits are 0) as the JavaScript kernels do; `tr` transposes a
 * matrix (for products with Bᵀ). Every element of C is the sum over p of A(i, p) B(p, j) in
 * order p = 0, 1, …, k − 1, rounded after each multiply and add: the same numbers as the plain
 * JavaScript loop.
 *
 * @module
 */

import {
  addTo,
  type Bytes,
  code,
  F64,
  f64Load,
  f64Store,
  get,
  I32,
  i32,
  leb,
  moduleOf,
  name,
  op,
  section,
  set,
  V128,
  vec,
  VOID,
  whileLoop,
} from "./wasm_asm.ts";
import { WASM_MATMUL_BYTES } from "./wasm_matmul_bytes.ts";

const simd = (code: number) => [0xfd, leb(code)];
const v128Load = (offset: number) => [simd(0x00), 3, leb(offset)];
const v128Store = (offset: number) => [simd(0x0b), 3, leb(offset)];
const f64x2Splat = simd(0x14), f64x2Add = simd(0xf0), f64x2Mul = simd(0xf2);
const v128Zero = [simd(0x0c), new Array(16).fill(0)];
// mm(A, B, C, n, k, m, sAi, sAp): byte offsets A, B, C; A(i, p) at A + 8 (i sAi + p sAp);
// B(p, j) at B + 8 (p m + j); C(i, j) at C + 8 (i m + j), overwritten.
const [A, B, C, N, K, M, SAI, SAP] = [0, 1, 2, 3, 4, 5, 6, 7];
// locals: i, j, p, ap (address in A), bp (address in B), cp (address in C), a and s (f64), av and
// c0..c3 (v128)
const [Li, Lj, Lp, Lap, Lbp, Lcp, La, Ls, Lav, Lc0] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
// and for blocks of four rows: rs (8 sAi: the byte step from one row of A to the next), column
// start of the remainder, row end; a1..a3 (f64); b0, b1 and q0..q7 (v128)
const [Lrs, Lcol, Lend, La1, Lb0, Lq0] = [21, 22, 23, 24, 27, 29];
const mmLocals = [[6, I32], [2, F64], [5, V128], [3, I32], [3, F64], [10, V128]] as const;
const f64Zero = [op.f64Const, 0, 0, 0, 0, 0, 0, 0, 0];

/** The accumulation loop over p for `lanes` columns (8: four vectors, 2: one, 1: a scalar). */
function panel(lanes: 8 | 2 | 1, skip: boolean): Bytes {
  const vectors = lanes === 8 ? 4 : 1;
  const zero = lanes === 1
    ? [f64Zero, set(Ls)]
    : Array.from({ length: vectors }, (_, q) => [v128Zero, set(Lc0 + q)]).flat();
  const update = lanes === 1
    ? [get(Ls), get(La), get(Lbp), f64Load(), op.f64Mul, op.f64Add, set(Ls)]
    : [
      get(La),
      f64x2Splat,
      set(Lav),
      Array.from({ length: vectors }, (_, q) => [
        get(Lc0 + q),
        get(Lav),
        get(Lbp),
        v128Load(16 * q),
        f64x2Mul,
        f64x2Add,
        set(Lc0 + q),
      ]).flat(),
    ];
  const store = lanes === 1
    ? [get(Lcp), get(Ls), f64Store()]
    : Array.from({ length: vectors }, (_, q) => [
      get(Lcp),
      get(Lc0 + q),
      v128Store(16 * q),
    ]).flat();
  return [
    zero,
    // ap = A + 8 i sAi; bp = B + 8 j
    get(A),
    get(Li),
    get(SAI),
    op.i32Mul,
    i32(3),
    op.i32Shl,
    op.i32Add,
    set(Lap),
    get(B),
    get(Lj),
    i32(3),
    op.i32Shl,
    op.i32Add,
    set(Lbp),
    i32(0),
    set(Lp),
    whileLoop([get(K), get(Lp), op.i32GtS], [
      // a = A(i, p); skip the update when a = 0
      get(Lap),
      f64Load(),
      skip ? [op.tee, leb(La), f64Zero, op.f64Ne, op.if, VOID, update, op.end] : [
        set(La),
        update,
      ],
      addTo(Lap, get(SAP), i32(3), op.i32Shl),
      addTo(Lbp, get(M), i32(3), op.i32Shl),
      addTo(Lp, i32(1)),
    ]),
    // cp = C + 8 (i m + j)
    get(C),
    get(Li),
    get(M),
    op.i32Mul,
    get(Lj),
    op.i32Add,
    i32(3),
    op.i32Shl,
    op.i32Add,
    set(Lcp),
    store,
    addTo(Lj, i32(lanes)),
  ];
}

/**
 * A 4×4 block of C at rows i..i+3, columns j..j+3: eight two-lane accumulators, so each B load
 * serves four rows and each A load four columns (the one-row panels load B once per two
 * multiply-adds). A step p is skipped when the four A(i + r, p) are all 0.
 */
function block4(skip: boolean): Bytes {
  const a = (r: number) => (r === 0 ? La : La1 + r - 1);
  const q = (r: number, v: number) => Lq0 + 2 * r + v;
  const rowAddr = (r: number) =>
    r === 0 ? get(Lap) : [get(Lap), get(Lrs), i32(r), op.i32Mul, op.i32Add];
  return [
    Array.from({ length: 8 }, (_, k) => [v128Zero, set(Lq0 + k)]).flat(),
    get(A),
    get(Li),
    get(Lrs),
    op.i32Mul,
    op.i32Add,
    set(Lap),
    get(B),
    get(Lj),
    i32(3),
    op.i32Shl,
    op.i32Add,
    set(Lbp),
    i32(0),
    set(Lp),
    whileLoop([get(K), get(Lp), op.i32GtS], [
      [0, 1, 2, 3].flatMap((r) => [rowAddr(r), f64Load(), set(a(r))]),
      skip
        ? [
          [0, 1, 2, 3].flatMap((r) => [get(a(r)), f64Zero, op.f64Ne]),
          op.i32Or,
          op.i32Or,
          op.i32Or,
          op.if,
          VOID,
        ]
        : [],
      get(Lbp),
      v128Load(0),
      set(Lb0),
      get(Lbp),
      v128Load(16),
      set(Lb0 + 1),
      [0, 1, 2, 3].flatMap((r) => [
        get(a(r)),
        f64x2Splat,
        set(Lav),
        [0, 1].flatMap((v) => [
          get(q(r, v)),
          get(Lav),
          get(Lb0 + v),
          f64x2Mul,
          f64x2Add,
          set(q(r, v)),
        ]),
      ]),
      skip ? [op.end] : [],
      addTo(Lap, get(SAP), i32(3), op.i32Shl),
      addTo(Lbp, get(M), i32(3), op.i32Shl),
      addTo(Lp, i32(1)),
    ]),
    // cp = C + 8 (i m + j), then one row of C further for each r
    get(C),
    get(Li),
    get(M),
    op.i32Mul,
    get(Lj),
    op.i32Add,
    i32(3),
    op.i32Shl,
    op.i32Add,
    set(Lcp),
    [0, 1, 2, 3].flatMap((r) => [
      get(Lcp),
      get(q(r, 0)),
      v128Store(0),
      get(Lcp),
      get(q(r, 1)),
      v128Store(16),
      addTo(Lcp, get(M), i32(3), op.i32Shl),
    ]),
    addTo(Lj, i32(4)),
  ];
}

const mmBody = (skip: boolean) => [
  // rs = 8 sAi
  get(SAI),
  i32(3),
  op.i32Shl,
  set(Lrs),
  i32(0),
  set(Li),
  // blocks of four rows: 4×4 blocks, then the last columns of each of the four rows
  whileLoop([get(N), get(Li), i32(4), op.i32Add, op.i32GeS], [
    i32(0),
    set(Lj),
    whileLoop([get(M), get(Lj), i32(4), op.i32Add, op.i32GeS], block4(skip)),
    get(Lj),
    set(Lcol),
    get(Li),
    i32(4),
    op.i32Add,
    set(Lend),
    whileLoop([get(Lend), get(Li), op.i32GtS], [
      get(Lcol),
      set(Lj),
      whileLoop([get(M), get(Lj), i32(2), op.i32Add, op.i32GeS], panel(2, skip)),
      whileLoop([get(M), get(Lj), op.i32GtS], panel(1, skip)),
      addTo(Li, i32(1)),
    ]),
  ]),
  // the last rows one at a time: eight columns at a time, then two, then one
  whileLoop([get(N), get(Li), op.i32GtS], [
    i32(0),
    set(Lj),
    whileLoop([get(M), get(Lj), i32(8), op.i32Add, op.i32GeS], panel(8, skip)),
    whileLoop([get(M), get(Lj), i32(2), op.i32Add, op.i32GeS], panel(2, skip)),
    whileLoop([get(M), get(Lj), op.i32GtS], panel(1, skip)),
    addTo(Li, i32(1)),
  ]),
];

// tr(S, D, r, c): D (c×r) = Sᵀ for S (r×c), byte offsets. Eight rows of S at a time, so that the
// eight stores for one column of S fill one cache line of D (a plain row-by-row transpose of a
// 256×256 matrix stores with a stride of 2 KB and runs thirty times slower).
// locals: i, j, i0 (first row of the band), iEnd
const [TS, TD, TR, TC, Ti, Tj, Ti0, Tend] = [0, 1, 2, 3, 4, 5, 6, 7];
const trBody = [
  i32(0),
  set(Ti0),
  whileLoop([get(TR), get(Ti0), op.i32GtS], [
    // iEnd = min(i0 + 8, r)
    get(TR),
    get(Ti0),
    i32(8),
    op.i32Add,
    op.tee,
    leb(Tend),
    get(Tend),
    get(TR),
    op.i32GtS,
    op.select,
    set(Tend),
    i32(0),
    set(Tj),
    whileLoop([get(TC), get(Tj), op.i32GtS], [
      get(Ti0),
      set(Ti),
      whileLoop([get(Tend), get(Ti), op.i32GtS], [
        // D[j r + i] = S[i c + j]
        get(TD),
        get(Tj),
        get(TR),
        op.i32Mul,
        get(Ti),
        op.i32Add,
        i32(3),
        op.i32Shl,
        op.i32Add,
        get(TS),
        get(Ti),
        get(TC),
        op.i32Mul,
        get(Tj),
        op.i32Add,
        i32(3),
        op.i32Shl,
        op.i32Add,
        f64Load(),
        f64Store(),
        addTo(Ti, i32(1)),
      ]),
      addTo(Tj, i32(1)),
    ]),
    addTo(Ti0, i32(8)),
  ]),
];

/**
 * The module's bytes, assembled from the code above. Assembling them takes 10 to 15 ms in a fresh
 * process here (thousands of small arrays, each new page of memory a page fault), so the library
 * loads a copy written out by this function, `wasm_matmul_bytes.ts`; `wasm_matmul_test.ts` checks
 * that the copy is what this function assembles, and `deno run lib/autodiff/wasm_matmul.ts`
 * writes it again after a change to the kernels.
 *
 * @example The module is valid WebAssembly
 * ```ts
 * import { moduleBytes } from "./wasm_matmul.ts";
 * console.log(WebAssembly.validate(moduleBytes())); // true
 * ```
 */
export function moduleBytes(): Uint8Array<ArrayBuffer> {
  const types = section(
    1,
    vec([[0x60, ...vec(new Array(8).fill([I32])), 0], [0x60, ...vec(new Array(4).fill([I32])), 0]]),
  );
  const imports = section(2, vec([[...name("env"), ...name("mem"), 0x02, 0x00, 0x01]]));
  const funcs = section(3, vec([[0], [0], [1]]));
  const exports = section(
    7,
    vec([[...name("mm"), 0x00, 0], [...name("mmDense"), 0x00, 1], [...name("tr"), 0x00, 2]]),
  );
  const codes = section(
    10,
    vec([code(mmLocals, mmBody(true)), code(mmLocals, mmBody(false)), code([[4, I32]], trBody)]),
  );
  return moduleOf([types, imports, funcs, exports, codes]);
}

// Compiled on first use, not at import: the browser bundle of the interactive figures imports this
// file but never multiplies matrices, and a page whose policy forbids compiling WebAssembly (the
// handouts') must still load it.
let compiled: WebAssembly.Module | null = null;

/** The kernels of {@link wasmMatmul}, bound to one memory. */
export interface WasmMatmul {
  /** The memory the kernels read and write (float64 buffers are views into it). */
  readonly memory: WebAssembly.Memory;
  /**
   * C (n×m) = A B, byte offsets into the memory; A(i, p) is read at A + 8 (i sAi + p sAp): (k, 1)
   * for A stored n×k, (1, n) for Aᵀ with A stored k×n.
   */
  mm(
    A: number,
    B: number,
    C: number,
    n: number,
    k: number,
    m: number,
    sAi: number,
    sAp: number,
  ): void;
  /**
   * The same product without the test for zeros of A (which costs more than it saves on dense
   * operands: hidden activations, gradients); the same numbers when B is finite.
   */
  mmDense(
    A: number,
    B: number,
    C: number,
    n: number,
    k: number,
    m: number,
    sAi: number,
    sAp: number,
  ): void;
  /** D (c×r) = Sᵀ for S stored r×c, byte offsets. */
  tr(S: number, D: number, r: number, c: number): void;
}

/**
 * The WebAssembly matrix kernels on a fresh memory of at least `bytes` bytes (the module is
 * compiled once per process, on first use; each call instantiates it on its own memory). Float64 buffers for
 * the kernels are views into `memory.buffer`; offsets are in bytes.
 *
 * @example A 2×2 product
 * ```ts
 * import { wasmMatmul } from "./wasm_matmul.ts";
 * const k = wasmMatmul(12 * 8);
 * const f = new Float64Array(k.memory.buffer, 0, 12);
 * f.set([1, 2, 3, 4, 5, 6, 7, 8]); // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]
 * k.mm(0, 4 * 8, 8 * 8, 2, 2, 2, 2, 1);
 * console.log(Array.from(f.subarray(8))); // [19, 22, 43, 50]
 * ```
 */
export function wasmMatmul(bytes: number): WasmMatmul {
  compiled ??= new WebAssembly.Module(fromBase64(WASM_MATMUL_BYTES));
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const inst = new WebAssembly.Instance(compiled, { env: { mem: memory } });
  const { mm, mmDense, tr } = inst.exports as unknown as Omit<WasmMatmul, "memory">;
  return { memory, mm, mmDense, tr };
}

/** Base64 to bytes (`atob` is in Deno and in browsers). */
function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Base64 of bytes in lines of 96 characters (how `wasm_matmul_bytes.ts` is written).
 *
 * @example
 * ```ts
 * import { toBase64Lines } from "./wasm_matmul.ts";
 * console.log(toBase64Lines(new Uint8Array([0, 97, 115, 109]))); // [ "AGFzbQ==" ]
 * ```
 */
export function toBase64Lines(bytes: Uint8Array): string[] {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).match(/.{1,96}/g) ?? [];
}

if (import.meta.main) {
  const path = new URL("./wasm_matmul_bytes.ts", import.meta.url);
  const lines = toBase64Lines(moduleBytes()).map((l) => `  "${l}"`).join(" +\n");
  Deno.writeTextFileSync(
    path,
    `// Written by \`deno run -W lib/autodiff/wasm_matmul.ts\` from moduleBytes() in wasm_matmul.ts: the\n` +
      `// WebAssembly matrix kernels, base64. Do not edit; wasm_matmul_test.ts checks it is current.\n\n` +
      `/** The bytes of wasm_matmul.ts's module (see \`moduleBytes\` there), base64. */\n` +
      // a sum of literals, not [...].join(""): a bundler drops it from code that never uses it
      `export const WASM_MATMUL_BYTES: string =\n${lines};\n`,
  );
  console.log(`wrote ${path.pathname}`);
}
