import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as ad from "./mod.ts";
import { compileGrad, compileValueAndGrad, type Tensor, valueAndGrad } from "./mod.ts";
import { beale, rosenbrock } from "./testdata/functions.ts";

const functions: Record<string, (p: Tensor) => Tensor> = {
  beale,
  rosenbrock,
  himmelblau: (p) => {
    const [x, y] = p.unbind();
    return x.square().add(y).sub(11).square().add(x.add(y.square()).sub(7).square());
  },
  piecewise: (p) =>
    ad.maximum(p.abs(), 0.3).sum().add(p.relu().mul(p.at(0)).sum()).add(ad.max(p.exp())),
  zoo: (p) =>
    ad.where(ad.greater(p, 0), p.sin(), p.cos()).mul(p.tanh()).sum()
      .add(ad.logSumExp(p.mul(3))).add(p.sigmoid().softplus().sqrt().log().sum())
      .add(ad.minimum(p, p.square()).div(p.square().add(1)).pow(3).sum()),
  small_mlp: (p) => {
    const W = p.slice(0, 6).reshape([2, 3]), b = p.slice(6, 9);
    const X = ad.tensor([[1, 2], [-1, 0.5], [0.3, -2], [2, 2]]);
    const h = X.matmul(W).add(b).tanh();
    return ad.softmaxCrossEntropy(h, [0, 2, 1, 2]).add(ad.stack([W.sum(), b.sum()]).square().sum())
      .add(ad.concat([W.T.reshape([-1]), b]).gather([0, 3, 3]).sum());
  },
};

for (const [name, f] of Object.entries(functions)) {
  Deno.test(`compileValueAndGrad() matches valueAndGrad() on ${name}`, () => {
    const n = name === "small_mlp" ? 9 : name === "zoo" || name === "piecewise" ? 3 : 2;
    const rng = new Rng(name.length);
    const example = Array.from({ length: n }, () => rng.normal());
    const vg = compileValueAndGrad(f, example), dyn = valueAndGrad(f);
    for (let k = 0; k < 25; k++) {
      const x = Array.from({ length: n }, () => 2 * rng.normal());
      const [v1, g1] = vg(x), [v2, g2] = dyn(x);
      assert.ok(Math.abs(v1 - v2) <= 1e-14 * Math.max(1, Math.abs(v2)), `${name} value at ${x}`);
      for (let i = 0; i < n; i++) {
        assert.ok(
          Math.abs(g1[i] - g2[i]) <= 1e-13 * Math.max(1, Math.abs(g2[i])),
          `${name} grad[${i}] at ${x}: ${g1[i]} vs ${g2[i]}`,
        );
      }
      const out = new Float64Array(n);
      assert.equal(vg.into(x, out), v1);
      assert.deepEqual(Array.from(out), g1);
    }
  });
}

Deno.test("compileGrad() returns the gradient alone", () => {
  assert.deepEqual(compileGrad(rosenbrock, [0, 0])([1, 1]), [0, 0]);
});

Deno.test("compileValueAndGrad() rejects non-scalar functions, wrong input sizes and huge traces", () => {
  assert.throws(
    () => compileValueAndGrad((p) => p.square(), [1, 2]),
    /must return a scalar Tensor/,
  );
  const vg = compileValueAndGrad(rosenbrock, [0, 0]);
  assert.throws(() => vg([1, 2, 3]), /expected 2 inputs, got 3/);
  assert.throws(
    () =>
      compileValueAndGrad(
        (p) => p.reshape([100, 100]).matmul(p.reshape([100, 100])).sum(),
        new Array(10000).fill(0),
      ),
    /the trace has \d+ scalars \(limit 20000\)/,
  );
});
