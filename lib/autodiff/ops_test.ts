/**
 * Gradient checks for every op: the gradient and the Hessian-vector product from the engine
 * against central finite differences, on seeded random inputs of several shapes (broadcasting and
 * reductions included). The loss is Σ w ⊙ op(inputs) with random weights w, so every output entry
 * gets its own seed.
 */
import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import * as ad from "./mod.ts";
import { grad, hvp, randn, Tensor } from "./mod.ts";

type Inputs = Record<string, Tensor>;

interface Case {
  name: string;
  /** Input shapes, or explicit tensors. */
  inputs: Record<string, readonly number[] | Tensor>;
  f: (x: Inputs) => Tensor;
  /** Map random normal draws into the op's domain (e.g. positive for log). */
  domain?: (v: number) => number;
  /** Skip the second-order check (ops whose second derivative is zero almost everywhere). */
  firstOrderOnly?: boolean;
}

const pos = (v: number) => 0.5 + Math.abs(v);
const awayFromZero = (v: number) => (v >= 0 ? 0.2 + v : -0.2 + v);

const cases: Case[] = [
  { name: "add same shape", inputs: { a: [3, 4], b: [3, 4] }, f: ({ a, b }) => ad.add(a, b) },
  { name: "add row broadcast", inputs: { a: [3, 4], b: [4] }, f: ({ a, b }) => ad.add(a, b) },
  { name: "add both broadcast", inputs: { a: [2, 1, 3], b: [4, 1] }, f: ({ a, b }) => a.add(b) },
  { name: "add scalar tensor", inputs: { a: [], b: [2, 3] }, f: ({ a, b }) => a.add(b) },
  { name: "add number", inputs: { a: [5] }, f: ({ a }) => ad.add(a, 2.5) },
  { name: "sub broadcast", inputs: { a: [4, 1], b: [1, 3] }, f: ({ a, b }) => ad.sub(a, b) },
  { name: "mul broadcast", inputs: { a: [2, 3, 4], b: [3, 1] }, f: ({ a, b }) => ad.mul(a, b) },
  { name: "mul self", inputs: { a: [4] }, f: ({ a }) => a.mul(a).mul(a) },
  {
    name: "div broadcast",
    inputs: { a: [3, 4], b: [4] },
    f: ({ a, b }) => ad.div(a, ad.add(ad.square(b), 1)),
  },
  { name: "div by tensor", inputs: { a: [3], b: [3] }, f: ({ a, b }) => a.div(b), domain: pos },
  { name: "neg", inputs: { a: [2, 3] }, f: ({ a }) => ad.neg(a).mul(a) },
  {
    name: "pow tensor exponent",
    inputs: { a: [3, 2], b: [2] },
    f: ({ a, b }) => ad.pow(a, b),
    domain: pos,
  },
  { name: "pow number base", inputs: { b: [4] }, f: ({ b }) => ad.pow(2, b) },
  { name: "pow 3", inputs: { a: [5] }, f: ({ a }) => ad.pow(a, 3) },
  { name: "pow -1.5", inputs: { a: [5] }, f: ({ a }) => a.pow(-1.5), domain: pos },
  { name: "pow 0.5", inputs: { a: [5] }, f: ({ a }) => a.pow(0.5), domain: pos },
  { name: "square", inputs: { a: [2, 2] }, f: ({ a }) => ad.square(a) },
  { name: "exp", inputs: { a: [3, 3] }, f: ({ a }) => ad.exp(a) },
  { name: "log", inputs: { a: [3, 3] }, f: ({ a }) => ad.log(a), domain: pos },
  { name: "sqrt", inputs: { a: [6] }, f: ({ a }) => ad.sqrt(a), domain: pos },
  { name: "abs", inputs: { a: [6] }, f: ({ a }) => ad.abs(a).mul(a), domain: awayFromZero },
  { name: "sin", inputs: { a: [6] }, f: ({ a }) => ad.sin(a) },
  { name: "cos", inputs: { a: [6] }, f: ({ a }) => ad.cos(a) },
  { name: "tanh", inputs: { a: [2, 3] }, f: ({ a }) => ad.tanh(a) },
  { name: "sigmoid", inputs: { a: [2, 3] }, f: ({ a }) => ad.sigmoid(a.mul(3)) },
  { name: "relu", inputs: { a: [8] }, f: ({ a }) => ad.relu(a).mul(a), domain: awayFromZero },
  { name: "softplus", inputs: { a: [8] }, f: ({ a }) => ad.softplus(a.mul(4)) },
  {
    name: "maximum broadcast",
    inputs: { a: [3, 4], b: [4] },
    f: ({ a, b }) => ad.maximum(a, b).mul(a),
  },
  { name: "minimum", inputs: { a: [5], b: [5] }, f: ({ a, b }) => ad.minimum(a, b).square() },
  {
    name: "where",
    inputs: { a: [2, 3], b: [3] },
    f: ({ a, b }) => ad.where(ad.tensor([[1, 0, 1], [0, 0, 1]]), a.square(), b.exp()),
  },
  {
    name: "matmul 2-D",
    inputs: { a: [3, 4], b: [4, 2] },
    f: ({ a, b }) => ad.matmul(a, b).square(),
  },
  {
    name: "matmul batched",
    inputs: { a: [2, 3, 4], b: [2, 4, 5] },
    f: ({ a, b }) => ad.matmul(a, b).tanh(),
  },
  {
    name: "matmul batch broadcast",
    inputs: { a: [2, 1, 3, 4], b: [3, 4, 2] },
    f: ({ a, b }) => a.matmul(b).sin(),
  },
  {
    name: "matmul matrix-vector",
    inputs: { a: [3, 4], b: [4] },
    f: ({ a, b }) => a.matmul(b).exp(),
  },
  {
    name: "matmul vector-matrix",
    inputs: { a: [4], b: [4, 3] },
    f: ({ a, b }) => a.matmul(b).exp(),
  },
  { name: "matmul dot", inputs: { a: [4], b: [4] }, f: ({ a, b }) => a.matmul(b).square() },
  { name: "sum all", inputs: { a: [3, 4] }, f: ({ a }) => ad.sum(a.square()) },
  { name: "sum axis 0", inputs: { a: [3, 4] }, f: ({ a }) => ad.sum(a, 0).square() },
  { name: "sum axis -1 keepdims", inputs: { a: [2, 3, 4] }, f: ({ a }) => a.sum(-1, true).mul(a) },
  { name: "sum axes [0, 2]", inputs: { a: [2, 3, 4] }, f: ({ a }) => a.sum([0, 2]).sin() },
  { name: "mean axis 1", inputs: { a: [3, 5] }, f: ({ a }) => ad.mean(a.exp(), 1) },
  { name: "mean all", inputs: { a: [3, 5] }, f: ({ a }) => ad.mean(a).square() },
  { name: "max all", inputs: { a: [3, 4] }, f: ({ a }) => ad.max(a.mul(a)) },
  { name: "max axis 0 keepdims", inputs: { a: [3, 4] }, f: ({ a }) => ad.max(a, 0, true).mul(a) },
  { name: "max axis 1", inputs: { a: [2, 3, 4] }, f: ({ a }) => a.max(1).square() },
  { name: "min axis -1", inputs: { a: [3, 4] }, f: ({ a }) => ad.min(a, -1).square() },
  {
    name: "reshape",
    inputs: { a: [2, 6] },
    f: ({ a }) => ad.reshape(a, [3, -1]).matmul(ad.ones([4, 1])).square(),
  },
  {
    name: "transpose 2-D",
    inputs: { a: [2, 3] },
    f: ({ a }) => ad.transpose(a).mul(ad.arange(2)).square(),
  },
  {
    name: "transpose perm",
    inputs: { a: [2, 3, 4] },
    f: ({ a }) => ad.transpose(a, [2, 0, 1]).mul(ad.arange(3)).square(),
  },
  { name: "slice axis 0", inputs: { a: [5, 2] }, f: ({ a }) => ad.slice(a, 1, 4).square() },
  {
    name: "slice axis 1 negative",
    inputs: { a: [2, 5] },
    f: ({ a }) => ad.slice(a, -3, -1, 1).exp(),
  },
  {
    name: "gather with repeats",
    inputs: { a: [4, 3] },
    f: ({ a }) => ad.gather(a, [3, 0, 3, 1]).square(),
  },
  {
    name: "scatterAdd",
    inputs: { a: [3, 2] },
    f: ({ a }) => ad.scatterAdd(a, [1, 1, 3], 4).square(),
  },
  {
    name: "at and unbind",
    inputs: { a: [3] },
    f: ({ a }) => {
      const [x, y, z] = a.unbind();
      return x.mul(y).add(z.square()).add(a.at(-1));
    },
  },
  {
    name: "concat axis 1",
    inputs: { a: [2, 3], b: [2, 1] },
    f: ({ a, b }) => ad.concat([a, b, a], 1).square(),
  },
  {
    name: "stack",
    inputs: { a: [3], b: [3] },
    f: ({ a, b }) => ad.stack([a, b.mul(a)], 1).square(),
  },
  {
    name: "broadcastTo",
    inputs: { a: [3, 1] },
    f: ({ a }) => ad.broadcastTo(a, [2, 3, 4]).square(),
  },
  { name: "sumTo", inputs: { a: [2, 3, 4] }, f: ({ a }) => ad.sumTo(a.square(), [3, 1]) },
  { name: "logSumExp", inputs: { a: [3, 4] }, f: ({ a }) => ad.logSumExp(a.mul(3)) },
  { name: "logSoftmax axis 0", inputs: { a: [3, 4] }, f: ({ a }) => ad.logSoftmax(a, 0) },
  { name: "softmax", inputs: { a: [2, 5] }, f: ({ a }) => ad.softmax(a.mul(2)) },
  { name: "mse", inputs: { a: [4, 2], b: [4, 2] }, f: ({ a, b }) => ad.mse(a.tanh(), b) },
  {
    name: "logisticLoss",
    inputs: { z: [6] },
    f: ({ z }) => ad.logisticLoss(z.mul(3), ad.tensor([0, 1, 1, 0, 1, 0])),
  },
  {
    name: "softmaxCrossEntropy",
    inputs: { z: [4, 3] },
    f: ({ z }) => ad.softmaxCrossEntropy(z.mul(2), [0, 2, 1, 2]),
  },
];

function draw(shape: readonly number[], rng: Rng, domain?: (v: number) => number): Tensor {
  const t = randn(shape as number[], rng);
  if (domain) { for (let i = 0; i < t.size; i++) t.data[i] = domain(t.data[i]); }
  return t;
}

function perturbed(x: Inputs, key: string, i: number, h: number): Inputs {
  const d = x[key].data.slice();
  d[i] += h;
  return { ...x, [key]: new Tensor(d, x[key].shape) };
}

function close(got: number, want: number, rtol: number, atol: number, what: string) {
  assert.ok(
    Math.abs(got - want) <= atol + rtol * Math.abs(want),
    `${what}: got ${got}, finite differences ${want}`,
  );
}

for (const c of cases) {
  Deno.test(`${c.name}: gradient matches central finite differences`, () => {
    const rng = new Rng(c.name.length * 7919 + 1);
    const x: Inputs = {};
    for (const [k, s] of Object.entries(c.inputs)) {
      x[k] = s instanceof Tensor ? s : draw(s, rng, c.domain);
    }
    const shape = ad.noGrad(() => c.f(x)).shape;
    const w = draw(shape, rng);
    const loss = (p: Inputs) => ad.sum(ad.mul(c.f(p), w));
    const g = grad(loss)(x);
    const h = 1e-6;
    for (const k of Object.keys(x)) {
      assert.deepEqual(g[k].shape, x[k].shape);
      for (let i = 0; i < x[k].size; i++) {
        const fd = (loss(perturbed(x, k, i, h)).item() - loss(perturbed(x, k, i, -h)).item()) /
          (2 * h);
        close(g[k].data[i], fd, 1e-6, 1e-7, `d/d${k}[${i}]`);
      }
    }
  });

  if (c.firstOrderOnly) continue;
  Deno.test(`${c.name}: hvp matches finite differences of the gradient`, () => {
    const rng = new Rng(c.name.length * 104729 + 3);
    const x: Inputs = {};
    const v: Inputs = {};
    for (const [k, s] of Object.entries(c.inputs)) {
      x[k] = s instanceof Tensor ? s : draw(s, rng, c.domain);
    }
    for (const k of Object.keys(x)) v[k] = draw(x[k].shape, rng);
    const shape = ad.noGrad(() => c.f(x)).shape;
    const w = draw(shape, rng);
    const loss = (p: Inputs) => ad.sum(ad.mul(c.f(p), w));
    const hv = hvp(loss)(x, v);
    const h = 1e-5;
    const shift = (s: number): Inputs => {
      const out: Inputs = {};
      for (const k of Object.keys(x)) out[k] = x[k].add(v[k].mul(s));
      return out;
    };
    const gp = grad(loss)(shift(h)), gm = grad(loss)(shift(-h));
    for (const k of Object.keys(x)) {
      for (let i = 0; i < x[k].size; i++) {
        const fd = (gp[k].data[i] - gm[k].data[i]) / (2 * h);
        close(hv[k].data[i], fd, 1e-5, 1e-6, `(Hv)_${k}[${i}]`);
      }
    }
  });
}

Deno.test("broadcasting errors name the op and both shapes", () => {
  assert.throws(
    () => ad.add(ad.zeros([2, 3]), ad.zeros([4])),
    /add: shapes \[2,3\] and \[4\] cannot be broadcast together/,
  );
  assert.throws(() => ad.mul(ad.zeros([3]), ad.zeros([2])), /mul: shapes \[3\] and \[2\]/);
  assert.throws(
    () => ad.matmul(ad.zeros([2, 3]), ad.zeros([4, 5])),
    /matmul: shapes \[2,3\] and \[4,5\] do not match: the inner dimensions 3 and 4 differ/,
  );
  assert.throws(() => ad.reshape(ad.zeros([2, 3]), [4]), /reshape: cannot reshape \[2,3\]/);
  assert.throws(
    () => ad.concat([ad.zeros([2, 3]), ad.zeros([2, 4])]),
    /concat: shapes \[2,3\] and \[2,4\]/,
  );
  assert.throws(() => ad.sum(ad.zeros([2, 3]), 2), /sum: invalid axis 2/);
  assert.throws(() => ad.gather(ad.zeros([2, 3]), [2]), /gather: invalid row index 2/);
  assert.throws(() => ad.softmaxCrossEntropy(ad.zeros([2, 3]), [0, 3]), /invalid label 3 at row 1/);
});

Deno.test("ops match hand-computed values", () => {
  const a = ad.tensor([[1, 2], [3, 4]]);
  assert.deepEqual(ad.matmul(a, a).toArray(), [[7, 10], [15, 22]]);
  assert.deepEqual(ad.sum(a, 0).toArray(), [4, 6]);
  assert.deepEqual(ad.max(a, 1, true).toArray(), [[2], [4]]);
  assert.deepEqual(ad.transpose(ad.arange(6).reshape([1, 2, 3]), [2, 0, 1]).toArray(), [
    [[0, 3]],
    [[1, 4]],
    [[2, 5]],
  ]);
  assert.deepEqual(ad.logSumExp(ad.tensor([1e308, 1e308])).item(), 1e308 + Math.log(2));
  assert.deepEqual(ad.softmax(ad.tensor([[-1e9, 0, 1e9]])).toArray(), [[0, 0, 1]]);
  assert.equal(ad.logisticLoss(ad.tensor([1000]), ad.tensor([0])).item(), 1000);
  assert.equal(ad.logisticLoss(ad.tensor([-1000]), ad.tensor([0])).item(), 0);
  assert.equal(ad.softmaxCrossEntropy(ad.tensor([[1e6, 0]]), [1]).item(), 1e6);
});

Deno.test("huge logits give finite losses and gradients", () => {
  const z = ad.tensor([[1e4, -1e4, 0], [0, 0, 5e3]]);
  const g = grad((z: Tensor) => ad.softmaxCrossEntropy(z, [1, 2]))(z);
  assert.ok(g.data.every(Number.isFinite));
  assert.deepEqual(g.toArray(), [[0.5, -0.5, 0], [0, 0, 0]]);
  const gl = grad((z: Tensor) => ad.logisticLoss(z, ad.tensor([1, 0])))(ad.tensor([-800, 800]));
  assert.deepEqual(Array.from(gl.data), [-0.5, 0.5]);
});

Deno.test("maximum() splits the gradient at ties; max() shares it among tied entries", () => {
  const g = grad((p: Record<string, Tensor>) => ad.maximum(p.a, p.b).sum())({
    a: ad.tensor([1, 2]),
    b: ad.tensor([1, 3]),
  });
  assert.deepEqual(Array.from(g.a.data), [0.5, 0]);
  assert.deepEqual(Array.from(g.b.data), [0.5, 1]);
  const gm = grad((a: Tensor) => ad.max(a))(ad.tensor([3, 1, 3]));
  assert.deepEqual(Array.from(gm.data), [0.5, 0, 0.5]);
});

Deno.test("relu() and abs() have gradient 0 at 0 (as in PyTorch)", () => {
  assert.deepEqual(grad((x: Tensor) => ad.relu(x).sum())([0, 1, -1]), [0, 1, 0]);
  assert.deepEqual(grad((x: Tensor) => ad.abs(x).sum())([0, 2, -2]), [0, 1, -1]);
});

Deno.test("detach() passes values but no gradient", () => {
  // d/dx [x · stop(e^x)] = e^x (the detached factor is a constant)
  const g = grad((x: Tensor) => x.mul(ad.detach(x).exp()).sum())([0.5, -1]);
  assert.deepEqual(g, [Math.exp(0.5), Math.exp(-1)]);
});

Deno.test("matmul() and its backward agree with a naive triple loop for every small shape", () => {
  const rng = new Rng(77);
  const naive = (a: Float64Array, b: Float64Array, n: number, k: number, m: number) => {
    const c = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * m + j];
        c[i * m + j] = s;
      }
    }
    return c;
  };
  const T = (a: Float64Array, r: number, c: number) => ad.transpose(ad.fromData(a, [r, c])).data;
  for (let n = 1; n <= 6; n++) {
    for (let k = 1; k <= 6; k++) {
      for (const m of [1, 2, 5]) {
        const A = randn([n, k], rng), B = randn([k, m], rng), G = randn([n, m], rng);
        const C = ad.matmul(A, B);
        const want = naive(A.data, B.data, n, k, m);
        for (let i = 0; i < want.length; i++) {
          close(C.data[i], want[i], 1e-14, 1e-14, `C ${n}x${k}x${m}`);
        }
        const g = grad((p: Inputs) => ad.sum(ad.mul(ad.matmul(p.A, p.B), G)))({ A, B });
        const gA = naive(G.data, T(B.data, k, m), n, m, k),
          gB = naive(T(A.data, n, k), G.data, k, n, m);
        for (let i = 0; i < gA.length; i++) {
          close(g.A.data[i], gA[i], 1e-14, 1e-14, `gA ${n}x${k}x${m}`);
        }
        for (let i = 0; i < gB.length; i++) {
          close(g.B.data[i], gB[i], 1e-14, 1e-14, `gB ${n}x${k}x${m}`);
        }
      }
    }
  }
});

/** A random pair of broadcast-compatible shapes (up to 3 axes, sizes 1 to 3). */
function randomShapes(rng: Rng): [number[], number[]] {
  const nd = 1 + rng.int(3);
  const full = Array.from({ length: nd }, () => 1 + rng.int(3));
  const pick = () => {
    const drop = rng.int(nd); // drop some leading axes
    return full.slice(drop).map((d) => (rng.uniform() < 0.3 ? 1 : d));
  };
  return [pick(), pick()];
}

Deno.test("binary ops and reductions on random broadcast shapes match finite differences", () => {
  const rng = new Rng(2026);
  const ops: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ["add", (a, b) => ad.add(a, b)],
    ["sub", (a, b) => ad.sub(a, b)],
    ["mul", (a, b) => ad.mul(a, b)],
    ["div", (a, b) => ad.div(a, ad.exp(b))],
    ["maximum", (a, b) => ad.maximum(a, b)],
    ["where", (a, b) => ad.where(ad.greater(a, 0.2), a.sin(), b.square())],
  ];
  for (let trial = 0; trial < 40; trial++) {
    const [sa, sb] = randomShapes(rng);
    const [name, op] = ops[trial % ops.length];
    const a = randn(sa, rng), b = randn(sb, rng);
    const out = op(a, b);
    const axis = out.ndim === 0 ? undefined : rng.int(out.ndim);
    const keep = rng.uniform() < 0.5;
    const w = randn(ad.sum(out, axis, keep).shape as number[], rng);
    const loss = (p: Inputs) => ad.sum(ad.mul(ad.sum(op(p.a, p.b), axis, keep).tanh(), w));
    const x = { a, b };
    const g = grad(loss)(x);
    const h = 1e-6;
    for (const k of ["a", "b"]) {
      assert.deepEqual(g[k].shape, x[k as "a" | "b"].shape, `${name} [${sa}] [${sb}]`);
      for (let i = 0; i < g[k].size; i++) {
        const fd = (loss(perturbed(x, k, i, h)).item() - loss(perturbed(x, k, i, -h)).item()) /
          (2 * h);
        close(g[k].data[i], fd, 1e-6, 1e-7, `${name} [${sa}] [${sb}] axis ${axis} d/d${k}[${i}]`);
      }
    }
  }
});
