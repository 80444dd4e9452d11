import assert from "node:assert/strict";
import { grad, hessian, hvp, type Tensor, tensor, valueAndGrad } from "../autodiff/mod.ts";
import { adahessian, adam, runOptimizer } from "../optim/mod.ts";
import { Rng } from "../random.ts";
import {
  beale,
  himmelblau,
  monkeySaddle,
  nonconvex1d,
  quadratic,
  rosenbrock,
  saddle,
  type TestFunction,
  testFunction2D,
} from "./mod.ts";

const ALL: TestFunction[] = [
  quadratic(1),
  quadratic(25),
  beale,
  rosenbrock,
  himmelblau,
  saddle,
  monkeySaddle,
  nonconvex1d,
];

const norm = (v: readonly number[]) => Math.hypot(...v);

/** Eigenvalues of a symmetric 1×1 or 2×2 matrix, ascending. */
function eigenvalues(H: number[][]): number[] {
  if (H.length === 1) return [H[0][0]];
  const [[a, b], [c, d]] = H;
  assert.ok(Math.abs(b - c) <= 1e-9 * (1 + Math.abs(b)), `Hessian not symmetric: ${b} vs ${c}`);
  const m = (a + d) / 2, r = Math.hypot((a - d) / 2, b);
  return [m - r, m + r];
}

function randomPoints(fn: TestFunction, count: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from(
    { length: count },
    () => fn.domain.map(([lo, hi]) => lo + (hi - lo) * rng.uniform()),
  );
}

for (const fn of ALL) {
  Deno.test(`${fn.name}: value() agrees with f on tensors and on plain arrays`, () => {
    for (const p of randomPoints(fn, 50, 1)) {
      const v = fn.value(p);
      const onTensor = fn.f(tensor(p)).item();
      assert.ok(
        Math.abs(onTensor - v) <= 1e-12 * Math.max(1, Math.abs(v)),
        `at [${p}]: value ${v}, f(tensor) ${onTensor}`,
      );
      assert.equal(fn.f(p), v);
    }
  });

  Deno.test(`${fn.name}: grad() matches central finite differences`, () => {
    const h = 1e-6;
    for (const p of randomPoints(fn, 20, 2)) {
      const g = fn.grad(p);
      assert.deepEqual(g, grad(fn.f)(p));
      for (let i = 0; i < p.length; i++) {
        const plus = [...p], minus = [...p];
        plus[i] += h;
        minus[i] -= h;
        const fd = (fn.value(plus) - fn.value(minus)) / (2 * h);
        const scale = Math.max(1, Math.abs(g[i]), Math.abs(fn.value(p)));
        assert.ok(Math.abs(fd - g[i]) <= 1e-6 * scale, `∂${i} at [${p}]: fd ${fd}, grad ${g[i]}`);
      }
    }
  });

  Deno.test(`${fn.name}: valueAndGrad() and hvp() (compiled) equal the dynamic autodiff`, () => {
    const vg = valueAndGrad(fn.f as (p: Tensor) => Tensor);
    const h = hvp(fn.f as (p: Tensor) => Tensor);
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    const points = randomPoints(fn, 30, 3);
    const vs = randomPoints(fn, 30, 4);
    points.forEach((p, k) => {
      const [value, g] = fn.valueAndGrad(p);
      const [value0, g0] = vg(p);
      close(value, value0, `value at [${p}]`);
      g.forEach((gi, i) => close(gi, g0[i], `∂${i} at [${p}]`));
      fn.grad(p).forEach((gi, i) => close(gi, g0[i], `grad() ∂${i} at [${p}]`));
      const Hv = fn.hvp(p, vs[k]), Hv0 = h(p, vs[k]);
      Hv.forEach((x, i) => close(x, Hv0[i], `(Hv)${i} at [${p}]`));
      const H = hessian(fn.f)(p);
      H.forEach((row, i) =>
        assert.ok(
          Math.abs(row.reduce((s, hij, j) => s + hij * vs[k][j], 0) - Hv[i]) <=
            1e-9 * Math.max(1, Math.abs(Hv[i])),
          `(Hv)${i} against the full Hessian at [${p}]`,
        )
      );
    });
  });

  Deno.test(`${fn.name}: known minima have zero gradient and a positive-definite Hessian`, () => {
    for (const m of fn.minima) {
      assert.ok(norm(grad(fn.f)(m)) < 1e-9, `gradient at minimum [${m}]: ${grad(fn.f)(m)}`);
      const lambda = eigenvalues(hessian(fn.f)(m));
      assert.ok(lambda[0] > 1e-6, `Hessian eigenvalues at minimum [${m}]: ${lambda}`);
    }
    if (fn.minima.length > 0) {
      assert.ok(Math.abs(fn.value(fn.minima[0]) - fn.fmin) < 1e-12);
      for (const m of fn.minima) assert.ok(fn.value(m) >= fn.fmin - 1e-12);
    } else {
      assert.equal(fn.fmin, -Infinity);
    }
  });

  Deno.test(`${fn.name}: known saddles and maxima have zero gradient and the right curvature`, () => {
    for (const s of fn.saddles ?? []) {
      assert.ok(norm(grad(fn.f)(s)) < 1e-9, `gradient at saddle [${s}]: ${grad(fn.f)(s)}`);
      const lambda = eigenvalues(hessian(fn.f)(s));
      if (fn === monkeySaddle) {
        // Degenerate: the Hessian vanishes; f still takes both signs arbitrarily close by.
        assert.deepEqual(lambda.map((l) => Math.abs(l)), [0, 0]);
        assert.ok(fn.value([1e-3, 0]) > 0 && fn.value([-1e-3, 0]) < 0);
      } else {
        assert.ok(lambda[0] < -1e-6 && lambda[1] > 1e-6, `Hessian at saddle [${s}]: ${lambda}`);
      }
    }
    for (const m of fn.maxima ?? []) {
      assert.ok(norm(grad(fn.f)(m)) < 1e-9, `gradient at maximum [${m}]`);
      assert.ok(eigenvalues(hessian(fn.f)(m)).at(-1)! < -1e-6, `Hessian at maximum [${m}]`);
    }
  });

  Deno.test(`${fn.name}: start, minima and saddles lie inside the domain`, () => {
    assert.equal(fn.domain.length, fn.dim);
    const inside = (p: readonly number[]) =>
      p.length === fn.dim && p.every((v, i) => v >= fn.domain[i][0] && v <= fn.domain[i][1]);
    assert.ok(inside(fn.start), `start [${fn.start}]`);
    for (const p of [...fn.minima, ...(fn.saddles ?? []), ...(fn.maxima ?? [])]) {
      assert.ok(inside(p), `[${p}] outside ${JSON.stringify(fn.domain)}`);
    }
    assert.ok(fn.name.length > 0 && fn.note.length > 0);
  });
}

Deno.test("beale has the lecture's domain and minimum", () => {
  assert.deepEqual(beale.domain, [[-4.5, 4.5], [-4.5, 4.5]]);
  assert.deepEqual(beale.minima, [[3, 0.5]]);
  assert.equal(beale.value([3, 0.5]), 0);
  assert.ok(beale.logScale);
});

Deno.test("himmelblau has four minima, all with value 0", () => {
  assert.equal(himmelblau.minima.length, 4);
  for (const m of himmelblau.minima) assert.ok(himmelblau.value(m) < 1e-24);
});

Deno.test("nonconvex1d has a plateau, a local and a global minimum", () => {
  const [global, local] = nonconvex1d.minima;
  assert.ok(nonconvex1d.value(global) < nonconvex1d.value(local) - 0.3);
  assert.ok(Math.abs(nonconvex1d.grad([4])[0]) < 1e-7);
  assert.ok(Math.abs(nonconvex1d.value([4]) - 1) < 1e-7);
});

Deno.test("test functions reject a point of the wrong dimension", () => {
  assert.throws(
    () => beale.value([1]),
    /Beale: expected a point with 2 coordinate\(s\), got \[1\]/,
  );
  assert.throws(() => nonconvex1d.f(tensor([1, 2])), /expected a point with 1 coordinate/);
});

Deno.test("testFunction2D() builds a record whose f works under grad and hessian", () => {
  const fn = testFunction2D({
    name: "cross",
    tensor: (x, y) => x.mul(y),
    number: (x, y) => x * y,
    domain: [[-1, 1], [-1, 1]],
    minima: [],
    fmin: -Infinity,
    start: [0.5, 0.5],
    note: "a saddle",
  });
  assert.deepEqual(grad(fn.f)([2, 3]), [3, 2]);
  assert.deepEqual(hessian(fn.f)([2, 3]), [[0, 1], [1, 0]]);
});

Deno.test("a test-function record drives runOptimizer() without the dynamic autodiff", () => {
  // The record is a Differentiable: the run must match one on the bare tensor function.
  const fast = runOptimizer(adam({ alpha: 0.01 }), rosenbrock, [-1.2, 1], 200);
  const slow = runOptimizer(adam({ alpha: 0.01 }), rosenbrock.f as (p: Tensor) => Tensor, [
    -1.2,
    1,
  ], 200);
  fast.params.forEach((p, t) =>
    p.forEach((x, i) => assert.ok(Math.abs(x - slow.params[t][i]) <= 1e-12, `step ${t}`))
  );
  // AdaHessian gets its Hessian-vector products from the record too.
  const ah = runOptimizer(adahessian({ alpha: 0.1, seed: 0 }), beale, [1, 1.5], 50);
  const ah0 = runOptimizer(adahessian({ alpha: 0.1, seed: 0 }), beale.f as (p: Tensor) => Tensor, [
    1,
    1.5,
  ], 50);
  ah.params.at(-1)!.forEach((x, i) => assert.ok(Math.abs(x - ah0.params.at(-1)![i]) <= 1e-9));
});

Deno.test("hvp() rejects a vector of the wrong dimension", () => {
  assert.throws(() => beale.hvp([1, 1], [1]), /Beale \(the vector v of hvp\): expected a point/);
});
