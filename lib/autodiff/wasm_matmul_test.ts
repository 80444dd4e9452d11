import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { moduleBytes, toBase64Lines, wasmMatmul } from "./wasm_matmul.ts";
import { WASM_MATMUL_BYTES } from "./wasm_matmul_bytes.ts";

/** The plain triple loop: C(i, j) = Σ_p A(i, p) B(p, j), p in order (the oracle). */
function naive(A: Float64Array, B: Float64Array, n: number, k: number, m: number, ta: boolean) {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? A[p * n + i] : A[i * k + p]) * B[p * m + j];
      C[i * m + j] = s;
    }
  }
  return C;
}

Deno.test("wasmMatmul() mm and mmDense equal the plain loop bit for bit, A plain or transposed", () => {
  const rng = new Rng(1);
  // every remainder of the 4×4 blocks and of the 8-, 2- and 1-column panels
  const shapes = [[1, 1, 1], [2, 3, 2], [3, 5, 7], [4, 4, 4], [5, 9, 11], [9, 7, 13], [32, 64, 10]];
  for (const [n, k, m] of shapes) {
    for (const ta of [false, true]) {
      const w = wasmMatmul((n * k + k * m + n * m) * 8);
      const f = new Float64Array(w.memory.buffer);
      const A = f.subarray(0, n * k), B = f.subarray(n * k, n * k + k * m);
      const C = f.subarray(n * k + k * m, n * k + k * m + n * m);
      A.forEach((_, i) => A[i] = rng.uniform() < 0.4 ? 0 : rng.normal()); // zeros, as in pixels
      B.forEach((_, i) => B[i] = rng.normal());
      const want = naive(A, B, n, k, m, ta);
      const [sAi, sAp] = ta ? [1, n] : [k, 1];
      for (const kernel of [w.mm, w.mmDense]) {
        C.fill(NaN);
        kernel(0, n * k * 8, (n * k + k * m) * 8, n, k, m, sAi, sAp);
        assert.deepEqual(Array.from(C), Array.from(want), `${n}×${k}×${m} ta=${ta}`);
      }
    }
  }
});

Deno.test("wasmMatmul() tr transposes any shape", () => {
  for (const [r, c] of [[1, 1], [1, 7], [3, 5], [8, 8], [17, 9], [64, 33]]) {
    const w = wasmMatmul(2 * r * c * 8);
    const f = new Float64Array(w.memory.buffer);
    for (let i = 0; i < r * c; i++) f[i] = i + 1;
    w.tr(0, r * c * 8, r, c);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) assert.equal(f[r * c + j * r + i], f[i * c + j]);
    }
  }
});

Deno.test("wasm_matmul_bytes.ts is the module that moduleBytes() assembles from the kernels' code", () => {
  assert.equal(
    WASM_MATMUL_BYTES,
    toBase64Lines(moduleBytes()).join(""),
    "the kernels changed: run `deno run -W lib/autodiff/wasm_matmul.ts` to write the bytes again",
  );
});
