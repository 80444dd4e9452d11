import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import {
  grad,
  hessian,
  hvp,
  jacobian,
  noGrad,
  randn,
  setDebugNans,
  Tensor,
  tensor,
  valueAndGrad,
} from "./mod.ts";
import { beale, rosenbrock } from "./testdata/functions.ts";

function bealeHessian([x, y]: number[]): number[][] {
  const c = [1.5, 2.25, 2.625];
  const H = [[0, 0], [0, 0]];
  for (let i = 1; i <= 3; i++) {
    const r = c[i - 1] - x + x * y ** i;
    const gx = y ** i - 1, gy = i * x * y ** (i - 1);
    const rxy = i * y ** (i - 1), ryy = i * (i - 1) * x * (i >= 2 ? y ** (i - 2) : 0);
    H[0][0] += 2 * gx * gx;
    H[0][1] += 2 * (gx * gy + r * rxy);
    H[1][1] += 2 * (gy * gy + r * ryy);
  }
  H[1][0] = H[0][1];
  return H;
}

function closeAll(
  got: number[] | number[][],
  want: number[] | number[][],
  rtol: number,
  what: string,
) {
  const g = got.flat(), w = want.flat();
  assert.equal(g.length, w.length, what);
  for (let i = 0; i < g.length; i++) {
    assert.ok(
      Math.abs(g[i] - w[i]) <= rtol * Math.max(1, Math.abs(w[i])),
      `${what}[${i}]: got ${g[i]}, want ${w[i]}`,
    );
  }
}

Deno.test("grad() mirrors its argument: number, number[], Tensor, record", () => {
  const f = (x: Tensor) => x.square().sum();
  assert.equal(grad(f)(3), 6);
  assert.deepEqual(grad(f)([1, -2]), [2, -4]);
  const gt = grad(f)(tensor([[1, 2]]));
  assert.deepEqual(gt.shape, [1, 2]);
  assert.deepEqual(gt.toArray(), [[2, 4]]);
  const gr = grad((p: { w: Tensor; b: Tensor }) => p.w.mul(p.b).sum())({
    w: tensor([1, 2]),
    b: tensor(3),
  });
  assert.deepEqual(gr.w.toArray(), [3, 3]);
  assert.equal(gr.b.item(), 3);
  assert.deepEqual(Object.keys(gr), ["w", "b"]);
});

Deno.test("grad() gives zeros for inputs the output does not depend on", () => {
  const g = grad((p: { a: Tensor; b: Tensor }) => p.a.sum())({ a: tensor([1]), b: tensor([5, 6]) });
  assert.deepEqual(g.b.toArray(), [0, 0]);
  assert.deepEqual(grad(() => tensor(1))([1, 2]), [0, 0]);
});

Deno.test("valueAndGrad() returns the value and the gradient", () => {
  const [v, g] = valueAndGrad(rosenbrock)([0, 0]);
  assert.equal(v, 1);
  assert.deepEqual(g, [-2, 0]);
});

Deno.test("grad() of Beale and Rosenbrock matches the closed forms", () => {
  const rng = new Rng(11);
  for (let k = 0; k < 20; k++) {
    const x = rng.uniform() * 4 - 2, y = rng.uniform() * 4 - 2;
    const r = 1.5 - x + x * y, s = 2.25 - x + x * y * y, t = 2.625 - x + x * y ** 3;
    const gb = [
      2 * r * (y - 1) + 2 * s * (y * y - 1) + 2 * t * (y ** 3 - 1),
      2 * r * x + 2 * s * 2 * x * y + 2 * t * 3 * x * y * y,
    ];
    closeAll(grad(beale)([x, y]), gb, 1e-13, "beale gradient");
    const gr = [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];
    closeAll(grad(rosenbrock)([x, y]), gr, 1e-13, "rosenbrock gradient");
  }
});

Deno.test("hessian() and hvp() match the closed-form Hessians of a quadratic, Rosenbrock and Beale", () => {
  const rng = new Rng(12);
  const A = tensor([[4, 1, 0], [1, 3, -1], [0, -1, 2]]), b = tensor([1, -2, 0.5]);
  const quad = (x: Tensor) => x.matmul(A.matmul(x)).mul(0.5).add(b.matmul(x));
  closeAll(hessian(quad)([0.3, -1, 2]), A.toArray() as number[][], 0, "quadratic Hessian");
  closeAll(hvp(quad)([0.3, -1, 2], [1, 2, 3]), [6, 4, 4], 0, "quadratic hvp");
  for (let k = 0; k < 20; k++) {
    const p = [rng.uniform() * 4 - 2, rng.uniform() * 4 - 2];
    const v = [rng.normal(), rng.normal()];
    const [x, y] = p;
    const Hr = [[1200 * x * x - 400 * y + 2, -400 * x], [-400 * x, 200]];
    closeAll(hessian(rosenbrock)(p), Hr, 1e-13, "rosenbrock Hessian");
    closeAll(
      hvp(rosenbrock)(p, v),
      [0, 1].map((i) => Hr[i][0] * v[0] + Hr[i][1] * v[1]),
      1e-13,
      "rosenbrock hvp",
    );
    const Hb = bealeHessian(p);
    closeAll(hessian(beale)(p), Hb, 1e-12, "beale Hessian");
    closeAll(
      hvp(beale)(p, v),
      [0, 1].map((i) => Hb[i][0] * v[0] + Hb[i][1] * v[1]),
      1e-12,
      "beale hvp",
    );
  }
});

Deno.test("hvp() works on records of tensors (a model's parameters)", () => {
  const rng = new Rng(13);
  const X = randn([5, 3], rng), y = randn([5], rng);
  const loss = (p: { w: Tensor; b: Tensor }) => X.matmul(p.w).add(p.b).sub(y).square().mean();
  const w = randn([3], rng), b = tensor(0.2);
  const v = { w: randn([3], rng), b: tensor(-1) };
  const hv = hvp(loss)({ w, b }, v);
  // H = (2/n) [Xᵀ X, Xᵀ1; 1ᵀX, n] for least squares.
  const n = 5, Xd = X.toArray() as number[][], vw = Array.from(v.w.data), vb = -1;
  const want = [0, 1, 2].map((j) =>
    (2 / n) *
    Xd.reduce((s, row) => s + row[j] * (row[0] * vw[0] + row[1] * vw[1] + row[2] * vw[2] + vb), 0)
  );
  closeAll(Array.from(hv.w.data), want, 1e-13, "hvp w");
  const wantB = (2 / n) *
    Xd.reduce((s, row) => s + row[0] * vw[0] + row[1] * vw[1] + row[2] * vw[2] + vb, 0);
  closeAll([hv.b.item()], [wantB], 1e-13, "hvp b");
});

Deno.test("grad(grad(f)) is the exact second derivative, and grad nests three deep", () => {
  const f = (x: Tensor) => x.sin().mul(x.square()).sum();
  const d2 = grad(grad(f));
  for (const x of [-1.3, 0.2, 2.5]) {
    const want = 2 * Math.sin(x) + 4 * x * Math.cos(x) - x * x * Math.sin(x);
    assert.ok(Math.abs(d2(x) - want) < 1e-13, `at ${x}: ${d2(x)} vs ${want}`);
  }
  assert.equal(grad(grad(grad((x: Tensor) => x.pow(4).sum())))(2), 48);
});

Deno.test("nested grad() keeps the perturbations apart (no perturbation confusion)", () => {
  // d/dx [x · d/dy (x y)] = d/dx [x · x] = 2x
  const outer = grad((x: Tensor) => x.mul(grad((y: Tensor) => x.mul(y).sum())(tensor([1]))).sum());
  assert.deepEqual(outer([3]), [6]);
});

Deno.test("jacobian() of an elementwise map is diagonal", () => {
  assert.deepEqual(jacobian((x: Tensor) => x.exp())([0, 1]), [[1, 0], [0, Math.E]]);
});

Deno.test("the micrograd README expression gives g = 24.7041, dg/da = 138.8338, dg/db = 645.5773", () => {
  const expr = (p: { a: Tensor; b: Tensor }) => {
    const { a, b } = p;
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(tensor(1).add(c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(tensor(3).mul(d).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2.0);
    g = g.add(tensor(10.0).div(f));
    return g;
  };
  const [g, d] = valueAndGrad(expr)({ a: tensor(-4.0), b: tensor(2.0) });
  assert.equal(g.toFixed(4), "24.7041");
  assert.equal(d.a.item().toFixed(4), "138.8338");
  assert.equal(d.b.item().toFixed(4), "645.5773");
  assert.ok(Math.abs(g - (24.5 + 10 / 49)) < 1e-14); // e = -7, f = 49 exactly
});

Deno.test("grad() of a non-scalar function says so and what to do", () => {
  assert.throws(
    () => grad((x: Tensor) => x.square())([1, 2]),
    /grad: f returned a tensor of shape \[2\], but a gradient needs a scalar output .*sum\(\) or mean\(\) it, or use jacobian/,
  );
  assert.throws(
    () => grad((() => 3) as unknown as (x: Tensor) => Tensor)([1]),
    /must return a Tensor/,
  );
  assert.throws(
    () => grad((x: Tensor) => x.sum())("x" as unknown as number[]),
    /cannot differentiate/,
  );
  assert.throws(
    () => tensor([1, 2]).item(),
    /item\(\) needs a tensor with exactly one element, got shape \[2\]/,
  );
});

Deno.test("setDebugNans(true) throws at the first op that makes a NaN or Infinity", () => {
  setDebugNans(true);
  try {
    assert.throws(
      () => tensor([4, -1]).sqrt().add(1),
      /^Error: Op sqrt produced NaN at flat index 1/,
    );
    assert.throws(
      () => grad((x: Tensor) => x.sqrt().sum())([0]),
      /Op div produced Infinity .*in the backward pass of sqrt/,
    );
    assert.throws(() => tensor([1000]).exp(), /Op exp produced Infinity/);
  } finally {
    setDebugNans(false);
  }
  assert.ok(Number.isNaN(tensor([-1]).sqrt().item())); // off again: no check
});

Deno.test("noGrad() records no graph and the backward pass leaves none behind", () => {
  const w = tensor([1, 2]);
  const out = noGrad(() => grad((v: Tensor) => v.square().sum())(w));
  assert.deepEqual(out.toArray(), [2, 4]); // grad still works inside noGrad
  assert.equal(out.requiresGrad, false);
  assert.equal(out.node, null);
  assert.equal(noGrad(() => w.mul(new Tensor(Float64Array.of(1, 1), [2], true))).node, null);
  const g = grad((v: Tensor) => v.square().sum())(w);
  assert.equal(g.requiresGrad, false);
  assert.equal(g.node, null);
});
