import assert from "node:assert/strict";
import { linearData, twoMoons } from "./synthetic.ts";

/** Least squares [w; b] by the normal equations (Gaussian elimination), an independent oracle. */
function leastSquares(X: Float64Array, y: Float64Array, n: number, d: number): number[] {
  const p = d + 1;
  const A = Array.from({ length: p }, () => new Array(p + 1).fill(0));
  for (let i = 0; i < n; i++) {
    const row = [...X.subarray(i * d, (i + 1) * d), 1];
    for (let r = 0; r < p; r++) {
      for (let c = 0; c < p; c++) A[r][c] += row[r] * row[c];
      A[r][p] += row[r] * y[i];
    }
  }
  for (let k = 0; k < p; k++) {
    for (let r = k + 1; r < p; r++) {
      const m = A[r][k] / A[k][k];
      for (let c = k; c <= p; c++) A[r][c] -= m * A[k][c];
    }
  }
  const x = new Array(p).fill(0);
  for (let k = p - 1; k >= 0; k--) {
    let s = A[k][p];
    for (let c = k + 1; c < p; c++) s -= A[k][c] * x[c];
    x[k] = s / A[k][k];
  }
  return x;
}

Deno.test("linearData() without noise is exactly X w + b", () => {
  const { X, y } = linearData({ n: 20, w: [1, -2], b: 0.5, noise: 0, seed: 4 });
  for (let i = 0; i < 20; i++) {
    assert.ok(Math.abs(y.data[i] - (X.data[2 * i] - 2 * X.data[2 * i + 1] + 0.5)) < 1e-12);
  }
});

Deno.test("linearData() least squares recovers the true parameters", () => {
  const { X, y } = linearData({ n: 2000, w: [2, -3.4, 0.7], b: 4.2, noise: 0.1, seed: 0 });
  const fit = leastSquares(X.data, y.data, 2000, 3);
  [2, -3.4, 0.7, 4.2].forEach((v, k) => assert.ok(Math.abs(fit[k] - v) < 0.01, `${fit}`));
  const resid = Array.from(
    y.data,
    (v, i) =>
      v -
      (fit[0] * X.data[3 * i] + fit[1] * X.data[3 * i + 1] + fit[2] * X.data[3 * i + 2] + fit[3]),
  );
  const sd = Math.sqrt(resid.reduce((a, r) => a + r * r, 0) / 2000);
  assert.ok(Math.abs(sd - 0.1) < 0.01, `residual sd ${sd}`);
});

Deno.test("linearData() and twoMoons() are reproducible by seed", () => {
  assert.deepEqual(linearData({ seed: 7 }).y.data, linearData({ seed: 7 }).y.data);
  assert.notDeepEqual(linearData({ seed: 7 }).y.data, linearData({ seed: 8 }).y.data);
  assert.deepEqual(twoMoons({ seed: 7 }).X.data, twoMoons({ seed: 7 }).X.data);
});

Deno.test("twoMoons() without noise puts each class on its half circle", () => {
  const { X, y } = twoMoons({ n: 101, noise: 0, seed: 1 });
  assert.equal(y.data.reduce((a, b) => a + b, 0), 50);
  for (let i = 0; i < 101; i++) {
    const [px, py] = [X.data[2 * i], X.data[2 * i + 1]];
    const r = y.data[i] === 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-12);
    assert.ok(y.data[i] === 0 ? py >= -1e-12 : py <= 0.5 + 1e-12);
  }
});

Deno.test("synthetic generators reject bad sizes and noise", () => {
  assert.throws(() => linearData({ n: 0 }), /invalid n: 0/);
  assert.throws(() => twoMoons({ noise: -1 }), /invalid noise: -1/);
  assert.throws(() => linearData({ w: [] }), /invalid w/);
});
