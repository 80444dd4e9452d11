/**
 * The Hutchinson estimate behind AdaHessian: for Rademacher z, E[z ⊙ Hz] = diag(H), and the
 * average of K samples has error ∝ 1/√K (its variance per entry is Σ_{j≠i} H_ij² / K).
 */

import assert from "node:assert/strict";
import { hvp } from "../autodiff/grad.ts";
import { fromData, type Tensor } from "../autodiff/tensor.ts";
import { Rng } from "../random.ts";
import { hutchinsonDiagonal, rademacherLike } from "./adahessian.ts";

const n = 12;
const rngA = new Rng(11);
// A symmetric, non-diagonal Hessian: H = B + Bᵀ.
const B = Array.from({ length: n * n }, () => rngA.normal());
const H = new Float64Array(n * n);
for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = B[i * n + j] + B[j * n + i];
const Ht = fromData(H, [n, n]);
const f = (x: Tensor) => x.mul(Ht.matmul(x)).sum().mul(0.5); // ½ xᵀHx, Hessian H
const Hv = hvp(f);
const x0 = Array.from({ length: n }, (_, i) => i / n);
const offDiag2 = (() => {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += H[i * n + j] ** 2;
  return s;
})();

/** RMS error of the K-sample estimate of diag(H), over all entries and `reps` repetitions. */
function rmsError(K: number, reps: number, rng: Rng): number {
  let sq = 0;
  for (let r = 0; r < reps; r++) {
    const est = new Float64Array(n);
    for (let k = 0; k < K; k++) {
      const z = rademacherLike(new Array<number>(n).fill(0), rng);
      const hz = Hv(x0, z);
      for (let i = 0; i < n; i++) est[i] += z[i] * hz[i] / K;
    }
    for (let i = 0; i < n; i++) sq += (est[i] - H[i * n + i]) ** 2;
  }
  return Math.sqrt(sq / (reps * n));
}

Deno.test("Hutchinson estimate of diag(H) converges at 1/sqrt(samples)", () => {
  const rng = new Rng(3);
  const Ks = [8, 32, 128, 512, 2048];
  const errs = Ks.map((K) => rmsError(K, 6, rng));
  // Least-squares slope of log(error) against log(K).
  const xs = Ks.map(Math.log), ys = errs.map(Math.log);
  const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
  let num = 0, den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  const slope = num / den;
  console.log(`errors ${errs.map((e) => e.toPrecision(3)).join(", ")}; slope ${slope.toFixed(3)}`);
  assert.ok(Math.abs(slope + 0.5) < 0.1, `log-log slope ${slope} (expected −0.5)`);
  // The constant too: error² · K ≈ Σ_{j≠i} H_ij² / n on average.
  const c = errs.map((e, i) => e * e * Ks[i]).reduce((a, b) => a + b) / Ks.length;
  assert.ok(Math.abs(c / (offDiag2 / n) - 1) < 0.3, `error² K = ${c}, expected ${offDiag2 / n}`);
});

Deno.test("hutchinsonDiagonal() is |z ⊙ Hz| and exact for a diagonal Hessian", () => {
  const rng = new Rng(4);
  const z = rademacherLike([0, 0, 0], rng);
  assert.deepEqual(hutchinsonDiagonal([0, 0, 0], z, z.map((zi, i) => (i + 1) * zi)), [1, 2, 3]);
  const z2 = [1, -1], hz = [-3, -4]; // a non-diagonal H: entries are |z_i (Hz)_i|
  assert.deepEqual(hutchinsonDiagonal([0, 0], z2, hz), [3, 4]);
});

Deno.test("hutchinsonDiagonal() averages 4-D kernels over their spatial axes", () => {
  // Shape [out 1, in 2, kh 2, kw 2]: each 2×2 block is replaced by its mean.
  const like = fromData(new Float64Array(8), [1, 2, 2, 2]);
  const z = fromData(Float64Array.of(1, -1, 1, -1, 1, 1, 1, 1), [1, 2, 2, 2]);
  const hz = fromData(Float64Array.of(1, -2, 3, -4, 5, 6, 7, 8), [1, 2, 2, 2]);
  const D = hutchinsonDiagonal(like, z, hz);
  assert.deepEqual(D.shape, [1, 2, 2, 2]);
  assert.deepEqual(Array.from(D.data), [2.5, 2.5, 2.5, 2.5, 6.5, 6.5, 6.5, 6.5]);
  const off = hutchinsonDiagonal(like, z, hz, false);
  assert.deepEqual(Array.from(off.data), [1, 2, 3, 4, 5, 6, 7, 8]);
});

Deno.test("rademacherLike() draws ±1 with equal frequency from the seeded generator", () => {
  const a = rademacherLike(new Array<number>(10000).fill(0), new Rng(9));
  const b = rademacherLike(new Array<number>(10000).fill(0), new Rng(9));
  assert.deepEqual(a, b);
  assert.ok(a.every((x) => x === 1 || x === -1));
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  assert.ok(Math.abs(mean) < 0.04, `mean ${mean}`);
});
