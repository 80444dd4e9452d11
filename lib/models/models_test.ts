import assert from "node:assert/strict";
import { grad, noGrad, Tensor, tensor } from "../autodiff/mod.ts";
import { linearData, twoMoons } from "../data/mod.ts";
import { Rng } from "../random.ts";
import {
  accuracyFromLogits,
  linearRegression,
  logisticRegression,
  mlp,
  type Model,
  type ModelParams,
  rowTargets,
  softmaxRegression,
} from "./mod.ts";

/** Random parameters with the shapes of model.init (the linear models start at zero). */
function randomParams(model: Model, seed: number): ModelParams {
  const rng = new Rng(seed);
  const params = model.init(rng);
  for (const t of Object.values(params)) {
    for (let i = 0; i < t.data.length; i++) t.data[i] = 0.5 * rng.normal();
  }
  return params;
}

function randomMatrix(n: number, d: number, rng: Rng): Tensor {
  return tensor(Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal())));
}

/** Checks grad(loss) against central differences for every parameter entry. */
function checkGradient(model: Model, X: Tensor, y: Tensor, seed: number): void {
  const params = randomParams(model, seed);
  const loss = (p: ModelParams) => model.loss(p, X, y);
  const g = grad(loss)(params);
  const h = 1e-6;
  for (const [name, t] of Object.entries(params)) {
    assert.deepEqual(g[name].shape, t.shape, `gradient shape of ${name}`);
    for (let i = 0; i < t.data.length; i++) {
      const saved = t.data[i];
      t.data[i] = saved + h;
      const up = loss(params).item();
      t.data[i] = saved - h;
      const down = loss(params).item();
      t.data[i] = saved;
      const fd = (up - down) / (2 * h);
      assert.ok(
        Math.abs(fd - g[name].data[i]) <= 1e-7 * Math.max(1, Math.abs(fd)),
        `${model.name} ∂/∂${name}[${i}]: autodiff ${g[name].data[i]}, finite difference ${fd}`,
      );
    }
  }
}

/** Plain gradient descent on the full batch; returns the loss before and after. */
function train(model: Model, X: Tensor, y: Tensor, alpha: number, steps: number) {
  let params = model.init(new Rng(0));
  const lossGrad = grad((p: ModelParams) => model.loss(p, X, y));
  const before = model.loss(params, X, y).item();
  for (let t = 0; t < steps; t++) {
    const g = lossGrad(params);
    params = noGrad(() =>
      Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.sub(g[k].mul(alpha))]))
    );
  }
  return { before, after: model.loss(params, X, y).item(), params };
}

const rng = new Rng(11);
const X5 = randomMatrix(5, 3, rng);
const yReal = tensor([0.5, -1, 2, 0, 1.5]);
const yBinary = tensor([0, 1, 1, 0, 1]);
const yClass = tensor([0, 2, 1, 3, 2]);

Deno.test("model gradients match central finite differences", () => {
  checkGradient(linearRegression({ inputs: 3 }), X5, yReal, 1);
  checkGradient(logisticRegression({ inputs: 3 }), X5, yBinary, 2);
  checkGradient(softmaxRegression({ inputs: 3, classes: 4 }), X5, yClass, 3);
  for (const activation of ["tanh", "relu", "sigmoid"] as const) {
    checkGradient(mlp({ sizes: [3, 4, 4], activation }), X5, yClass, 4);
    checkGradient(mlp({ sizes: [3, 5, 1], activation, output: "logistic" }), X5, yBinary, 5);
    checkGradient(mlp({ sizes: [3, 2, 3, 1], activation, output: "linear" }), X5, yReal, 6);
  }
});

Deno.test("linearRegression() loss is the mean squared error", () => {
  const model = linearRegression({ inputs: 2 });
  const p = { w: tensor([1, -1]), b: tensor(0.5) };
  const X = tensor([[1, 2], [3, 0]]), y = tensor([0, 1]);
  // ŷ = [-0.5, 3.5]: errors -0.5 and 2.5.
  assert.deepEqual(model.predict(p, X).toArray(), [-0.5, 3.5]);
  assert.equal(model.loss(p, X, y).item(), (0.25 + 6.25) / 2);
  assert.equal(model.accuracy, undefined);
});

Deno.test("logisticRegression() loss equals the cross-entropy written with Math", () => {
  const model = logisticRegression({ inputs: 2 });
  const p = { w: tensor([0.3, -0.7]), b: tensor(0.2) };
  const rows = [[1, 2], [-1, 0.5], [3, 1]], labels = [1, 0, 1];
  const X = tensor(rows), y = tensor(labels);
  let expected = 0;
  rows.forEach(([a, b], i) => {
    const prob = 1 / (1 + Math.exp(-(0.3 * a - 0.7 * b + 0.2)));
    expected -= labels[i] * Math.log(prob) + (1 - labels[i]) * Math.log(1 - prob);
  });
  expected /= 3;
  assert.ok(Math.abs(model.loss(p, X, y).item() - expected) < 1e-14);
  const probs = model.probabilities(p, X).data;
  assert.ok(Math.abs(probs[0] - 1 / (1 + Math.exp(0.9))) < 1e-15);
  // z = [-0.9, -0.45, 0.4]: predicted 0, 0, 1 against 1, 0, 1.
  assert.equal(model.accuracy(p, X, y), 2 / 3);
});

Deno.test("softmaxRegression() loss equals the cross-entropy written with Math", () => {
  const model = softmaxRegression({ inputs: 2, classes: 3 });
  const W = [[1, 0, -1], [0.5, 2, 0]], b = [0, 0.1, -0.2];
  const p = { W: tensor(W), b: tensor(b) };
  const rows = [[1, 1], [2, -1]], labels = [2, 0];
  let expected = 0;
  rows.forEach((x, i) => {
    const z = [0, 1, 2].map((k) => x[0] * W[0][k] + x[1] * W[1][k] + b[k]);
    const logSum = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    expected += logSum - z[labels[i]];
  });
  expected /= 2;
  const loss = model.loss(p, tensor(rows), tensor(labels)).item();
  assert.ok(Math.abs(loss - expected) < 1e-14, `${loss} vs ${expected}`);
  const probs = model.probabilities(p, tensor(rows));
  assert.ok(Math.abs(probs.sum(1).data[0] - 1) < 1e-15);
  // z₀ = [1.5, 2.1, -1.2] → class 1 (label 2); z₁ = [1.5, -1.9, -2.2] → class 0 (label 0).
  assert.equal(model.accuracy(p, tensor(rows), tensor(labels)), 0.5);
});

Deno.test("accuracyFromLogits() takes the argmax or the sign", () => {
  assert.equal(accuracyFromLogits(tensor([[0, 1, 0], [5, 1, 2]]), tensor([1, 0])), 1);
  assert.equal(accuracyFromLogits(tensor([0.1, -0.1]), tensor([1, 1])), 0.5);
  assert.throws(() => accuracyFromLogits(tensor([1, 2]), tensor([1])), /2 rows of logits but 1/);
});

Deno.test("gradient descent reduces each model's loss", () => {
  const lin = linearData({ n: 100, w: [1, -2, 0.5], b: 1, noise: 0.1, seed: 0 });
  const r = train(linearRegression({ inputs: 3 }), lin.X, lin.y, 0.1, 100);
  assert.ok(r.after < 0.02 && r.after < r.before / 100, `linear: ${r.before} → ${r.after}`);

  const moons = twoMoons({ n: 200, noise: 0.1, seed: 0 });
  const logit = logisticRegression({ inputs: 2 });
  const l = train(logit, moons.X, moons.y, 0.5, 200);
  assert.ok(l.after < l.before, `logistic: ${l.before} → ${l.after}`);
  assert.ok(logit.accuracy(l.params, moons.X, moons.y) > 0.8);

  const net = mlp({ sizes: [2, 16, 2], activation: "tanh" });
  const m = train(net, moons.X, moons.y, 0.5, 500);
  assert.ok(m.after < 0.5 * m.before, `mlp: ${m.before} → ${m.after}`);
  assert.ok(net.accuracy!(m.params, moons.X, moons.y) > 0.95);
});

Deno.test("mlp() initializes by seed with Glorot or He scale and zero biases", () => {
  const a = mlp({ sizes: [200, 300, 10] }).init(new Rng(1));
  const b = mlp({ sizes: [200, 300, 10] }).init(new Rng(1));
  assert.deepEqual(a.W1.data, b.W1.data);
  assert.ok(a.b1.data.every((v) => v === 0));
  const bound = Math.sqrt(6 / 500);
  assert.ok(a.W1.data.every((v) => Math.abs(v) <= bound));
  // Uniform on ±a has variance a²/3 = 2 / (fan_in + fan_out).
  const varW = a.W1.data.reduce((s, v) => s + v * v, 0) / a.W1.size;
  assert.ok(Math.abs(varW / (2 / 500) - 1) < 0.05, `variance ${varW}`);
  const he = mlp({ sizes: [200, 300, 10], activation: "relu" }).init(new Rng(2));
  const varHe = he.W1.data.reduce((s, v) => s + v * v, 0) / he.W1.size;
  assert.ok(Math.abs(varHe / (2 / 200) - 1) < 0.05, `variance ${varHe}`);
  assert.notDeepEqual(mlp({ sizes: [2, 3, 2] }).init(new Rng(3)).W1.data, a.W1.data);
});

Deno.test("mlp() output shapes follow the output option", () => {
  const X = randomMatrix(7, 3, new Rng(0));
  const p = (o: "softmax" | "logistic" | "linear", last: number) => {
    const m = mlp({ sizes: [3, 4, last], output: o });
    return m.predict(m.init(new Rng(0)), X).shape;
  };
  assert.deepEqual(p("softmax", 5), [7, 5]);
  assert.deepEqual(p("logistic", 1), [7]);
  assert.deepEqual(p("linear", 1), [7]);
  assert.deepEqual(p("linear", 2), [7, 2]);
  assert.equal(mlp({ sizes: [3, 1], output: "linear" }).kind, "regression");
});

Deno.test("models reject bad options and inputs with messages naming them", () => {
  assert.throws(() => mlp({ sizes: [3] }), /invalid sizes: \[3\]/);
  assert.throws(() => mlp({ sizes: [3, 0, 2] }), /invalid sizes\[1\]: 0/);
  // @ts-expect-error: an unknown activation
  assert.throws(() => mlp({ sizes: [3, 2], activation: "gelu" }), /invalid activation: gelu/);
  assert.throws(() => mlp({ sizes: [3, 2], output: "logistic" }), /last size must be 1/);
  assert.throws(() => mlp({ sizes: [3, 1] }), /softmax output needs at least 2 classes/);
  assert.throws(() => linearRegression({ inputs: 0 }), /invalid inputs: 0/);
  const model = softmaxRegression({ inputs: 3, classes: 2 });
  assert.throws(
    () => model.predict(model.init(new Rng(0)), tensor([[1, 2]])),
    /softmax regression: expected X of shape \[n, 3\] \(one row per example\), got \[1,2\]/,
  );
});

Deno.test("rowLoss() with weights 1/n equals loss, and zero-weight rows drop out", () => {
  const rng = new Rng(11);
  const n = 7, X = randomMatrix(n, 3, rng), Xpad = randomMatrix(n + 2, 3, rng);
  Xpad.data.set(X.data);
  const labels = tensor([0, 2, 1, 1, 0, 2, 2]), bits = tensor([1, 0, 0, 1, 1, 0, 1]);
  const values = tensor([0.3, -1.2, 2, 0.1, -0.4, 1.5, 0.7]);
  const cases: [Model, Tensor][] = [
    [softmaxRegression({ inputs: 3, classes: 3 }), labels],
    [logisticRegression({ inputs: 3 }), bits],
    [linearRegression({ inputs: 3 }), values],
    [mlp({ sizes: [3, 5, 3], activation: "tanh" }), labels],
    [mlp({ sizes: [3, 4, 1], activation: "relu", output: "logistic" }), bits],
    [mlp({ sizes: [3, 4, 1], activation: "sigmoid", output: "linear" }), values],
    [mlp({ sizes: [3, 4, 2], output: "linear" }), randomMatrix(n, 2, rng)],
  ];
  for (const [model, y] of cases) {
    const params = randomParams(model, 5);
    const k = model.kind === "multiclass" ? 3 : 0;
    const T = rowTargets(model.kind, y, k);
    const want = model.loss(params, X, y).item();
    const got = model.rowLoss!(params, X, T, tensor(Array(n).fill(1 / n))).item();
    assert.ok(Math.abs(got - want) <= 1e-12, `${model.name} (${model.kind}): ${got} vs ${want}`);
    // padded with two zero-weight rows (random inputs, zero targets)
    const Tpad = new Tensor(new Float64Array((n + 2) * (T.size / n)), [n + 2, ...T.shape.slice(1)]);
    Tpad.data.set(T.data);
    const w = tensor([...Array(n).fill(1 / n), 0, 0]);
    const padded = model.rowLoss!(params, Xpad, Tpad, w).item();
    assert.ok(Math.abs(padded - want) <= 1e-12, `${model.name} padded: ${padded} vs ${want}`);
  }
  assert.throws(() => rowTargets("multiclass", tensor([0, 3]), 3), /invalid label 3 at row 1/);
});
