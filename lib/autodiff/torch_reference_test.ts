/**
 * PyTorch as the oracle: tools/reference/autodiff_torch.py evaluated composite expressions in
 * float64 (value, gradient, Hessian-vector product) and stored inputs and results in
 * testdata/torch_reference.json. Each expression is rebuilt here with the same name.
 */
import assert from "node:assert/strict";
import * as ad from "./mod.ts";
import { fromData, hvp, type Tensor, valueAndGrad } from "./mod.ts";

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  params: Record<string, Encoded>;
  consts: Record<string, Encoded | number[]>;
  v: Record<string, Encoded>;
  value: number;
  grad: Record<string, number[]>;
  hvp: Record<string, number[]>;
}
type P = Record<string, Tensor>;
interface K {
  t: Record<string, Tensor>;
  labels: number[];
}

const ref = JSON.parse(
  await Deno.readTextFile(new URL("./testdata/torch_reference.json", import.meta.url)),
) as { torch: string; cases: Case[] };

const decode = (e: Encoded) => fromData(Float64Array.from(e.data), e.shape);

const expressions: Record<string, (p: P, k: K) => Tensor> = {
  mlp_tanh_ce: (p, k) => {
    const h = k.t.X.matmul(p.W1).add(p.b1).tanh();
    return ad.softmaxCrossEntropy(h.matmul(p.W2).add(p.b2), k.labels);
  },
  logistic_regression: (p, k) => ad.logisticLoss(k.t.X.matmul(p.w).add(p.b), k.t.y),
  broadcasting: ({ a, b, c }) =>
    a.mul(b).sub(c).exp().mul(a.add(b).sigmoid()).div(c.mul(c).add(1)).sum()
      .add(a.sub(b).pow(2).mean()),
  reductions: ({ A }) => {
    const lse = ad.logSumExp(A, 1);
    return A.sub(A.max(1, true)).exp().sum(1).log().sum()
      .add(A.mean(0).pow(2).sum())
      .add(A.min(0).sum())
      .add(lse.mul(A.sum(1, true).reshape([-1])).mean())
      .add(A.max().mul(A.sum([0, 1])));
  },
  beale: ({ p }) => {
    const [x, y] = p.unbind();
    return ad.sub(1.5, x).add(x.mul(y)).pow(2)
      .add(ad.sub(2.25, x).add(x.mul(y.pow(2))).pow(2))
      .add(ad.sub(2.625, x).add(x.mul(y.pow(3))).pow(2));
  },
  beale_random: (p) => expressions.beale(p, { t: {}, labels: [] }),
  rosenbrock: ({ p }) => {
    const [x, y] = p.unbind();
    return ad.sub(1, x).pow(2).add(y.sub(x.pow(2)).pow(2).mul(100));
  },
  ridge_mse: ({ w }, k) => ad.mse(k.t.X.matmul(w), k.t.Y).add(w.pow(2).sum().mul(0.1)),
  huge_logits_ce: ({ z }, k) =>
    ad.softmaxCrossEntropy(z.mul(50), k.labels).add(ad.logSoftmax(z.mul(1e3), 1).exp().sum()),
  elementwise_zoo: ({ A, B }) => {
    const M = A.matmul(B);
    return M.abs().add(1).sqrt().mul(M.sin()).sum()
      .add(A.cos().pow(3).sum())
      .add(A.mul(A).add(1).log().sum().div(B.exp().sum()))
      .add(ad.pow(B.abs().add(0.5), B).sum())
      .add(M.mul(3).softplus().mean());
  },
  structural: ({ x }) => {
    const y = ad.concat([x.slice(1, 4), x.gather([0, 0, 4])], 0);
    const z = ad.stack([y, y.mul(y)], 1);
    const t = z.transpose([2, 0, 1]).reshape([3, -1]);
    return t.tanh().matmul(t.T).sum().add(x.slice(1, 3, 1).pow(2).sum().mul(x.at(2).at(0)));
  },
  piecewise: ({ x, y }) =>
    ad.where(ad.greater(x, 0), x.pow(2), x.neg().mul(y)).sum()
      .add(ad.maximum(x, y).pow(2).sum())
      .add(ad.minimum(x.mul(2), y).sum())
      .add(x.sub(y).relu().pow(3).sum()),
  batched_matmul: ({ A, B }) => {
    const C = A.matmul(B).tanh();
    return ad.logSoftmax(C, -1).sum().add(C.matmul(C.transpose([0, 2, 1])).pow(2).mean());
  },
};

function close(got: ArrayLike<number>, want: number[], what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    assert.ok(
      err <= 1e-12 * Math.max(1, Math.abs(want[i])),
      `${what}[${i}]: got ${got[i]}, torch ${want[i]} (difference ${err})`,
    );
  }
}

Deno.test("torch reference covers every expression", () => {
  assert.deepEqual(ref.cases.map((c) => c.name).sort(), Object.keys(expressions).sort());
  assert.ok(ref.torch.startsWith("2."));
});

for (const c of ref.cases) {
  Deno.test(`${c.name}: value, gradient and hvp match torch (float64) to 1e-12`, () => {
    const f = expressions[c.name];
    const k: K = { t: {}, labels: [] };
    for (const [name, e] of Object.entries(c.consts)) {
      if (Array.isArray(e)) k.labels = e;
      else k.t[name] = decode(e);
    }
    const params: P = {}, v: P = {};
    for (const name of Object.keys(c.params)) {
      params[name] = decode(c.params[name]);
      v[name] = decode(c.v[name]);
    }
    const [value, g] = valueAndGrad((p: P) => f(p, k))(params);
    close([value], [c.value], "value");
    for (const name of Object.keys(c.params)) close(g[name].data, c.grad[name], `grad ${name}`);
    const hv = hvp((p: P) => f(p, k))(params, v);
    for (const name of Object.keys(c.params)) close(hv[name].data, c.hvp[name], `hvp ${name}`);
  });
}
