/**
 * An experiment, not part of the course: Adam's update written in WebAssembly, for the bench's
 * `digits-mlp-wasm-adam`. It measures what issue 15's CPU-time target would gain if the
 * optimizers' updates ran inside WebAssembly instead of JavaScript (see bench/README, "Issue 15,
 * third session"). The course's Adam is `lib/optim/adam.ts`; this is a second copy of its
 * update, which is exactly what the course avoids, so it lives here and nothing in `lib/` or the
 * notebooks uses it. `bench_test.ts` checks it gives the library's numbers bit for bit.
 *
 * `adam(th, g, s, r, n, c1, rho2, c2, negStep, sqrtBc2, delta)` updates n parameters in place
 * (byte offsets into the memory it is given), each element as the library's loop computes it:
 *
 *   s ← s + c1 (g − s),   r ← r ρ2 + (c2 g) g,   θ ← θ + (negStep s) / (√r / sqrtBc2 + δ)
 *
 * with c1 = 1 − ρ1, c2 = 1 − ρ2, negStep = −α / (1 − ρ1ᵗ) and sqrtBc2 = √(1 − ρ2ᵗ).
 *
 * @module
 */

import {
  addTo,
  code,
  F64,
  f64Load,
  f64Store,
  get,
  I32,
  i32,
  moduleOf,
  name,
  op,
  section,
  set,
  vec,
  VOID,
} from "../lib/autodiff/wasm_asm.ts";

/** The update of {@link wasmAdam}: byte offsets, the count, then the step's constants. */
export type WasmAdamStep = (
  th: number,
  g: number,
  s: number,
  r: number,
  n: number,
  c1: number,
  rho2: number,
  c2: number,
  negStep: number,
  sqrtBc2: number,
  delta: number,
) => void;

// parameters, then locals: i, and g[i], the new s and the new r
const [TH, G, S, R, N, C1, RHO2, C2, NS, SB, DL] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const [I, GI, SN, RN] = [11, 12, 13, 14];
/** base + 8 i */
const at = (base: number) => [get(base), get(I), i32(3), op.i32Shl, op.i32Add];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const body = [
    i32(0),
    set(I),
    op.block,
    VOID,
    op.loop,
    VOID,
    [get(I), get(N), op.i32GeS, op.brIf, 1],
    [at(G), f64Load(), set(GI)],
    // s + c1 (g − s)
    [
      at(S),
      f64Load(),
      get(C1),
      get(GI),
      at(S),
      f64Load(),
      op.f64Sub,
      op.f64Mul,
      op.f64Add,
      set(SN),
    ],
    // r ρ2 + (c2 g) g
    [at(R), f64Load(), get(RHO2), op.f64Mul, get(C2), get(GI), op.f64Mul, get(GI), op.f64Mul],
    [op.f64Add, set(RN)],
    [at(S), get(SN), f64Store(), at(R), get(RN), f64Store()],
    // θ + (negStep s) / (√r / sqrtBc2 + δ)
    [at(TH), at(TH), f64Load(), get(NS), get(SN), op.f64Mul],
    [get(RN), op.f64Sqrt, get(SB), op.f64Div, get(DL), op.f64Add, op.f64Div, op.f64Add, f64Store()],
    addTo(I, i32(1)),
    [op.br, 0, op.end, op.end],
  ];
  return moduleOf([
    section(1, vec([[0x60, 11, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, 0]])),
    section(2, vec([[...name("k"), ...name("mem"), 0x02, 0x00, 0x01]])),
    section(3, vec([[0]])),
    section(7, vec([[...name("adam"), 0x00, 0]])),
    section(10, vec([code([[1, I32], [3, F64]], body)])),
  ]);
}

/**
 * Adam's update in WebAssembly on `memory` (in place; see the module notes).
 *
 * @example One step from s = r = 0 moves θ by −α sign(g)
 * ```ts
 * import { wasmAdam } from "./wasm_adam.ts";
 * const memory = new WebAssembly.Memory({ initial: 1 });
 * const f = new Float64Array(memory.buffer, 0, 4); // θ, g, s, r of one parameter
 * f.set([1, 0.5, 0, 0]);
 * const [r1, r2, a] = [0.9, 0.999, 0.1];
 * wasmAdam(memory)(0, 8, 16, 24, 1, 1 - r1, r2, 1 - r2, -a / (1 - r1), Math.sqrt(1 - r2), 1e-8);
 * console.log(Math.abs(f[0] - 0.9) < 1e-6); // true
 * ```
 */
export function wasmAdam(memory: WebAssembly.Memory): WasmAdamStep {
  const module = new WebAssembly.Module(moduleBytes());
  const inst = new WebAssembly.Instance(module, { k: { mem: memory } });
  return inst.exports.adam as WasmAdamStep;
}
