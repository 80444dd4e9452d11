import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL as toFileUrl } from "node:url";
import { Rng } from "../random.ts";
import {
  broadcastTo,
  compileTape,
  engine,
  hvp,
  logisticLoss,
  logSoftmax,
  logSumExp,
  max,
  maximum,
  min,
  minimum,
  softmax,
  softmaxCrossEntropy,
  Tensor,
  tensor,
  valueAndGrad,
} from "./mod.ts";

type Rec = Record<string, Tensor>;

const randomTensor = (shape: number[], rng: Rng, scale = 1) => {
  const t = new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
  for (let i = 0; i < t.size; i++) t.data[i] = scale * rng.normal();
  return t;
};

/** One-hot rows of integer labels. */
const oneHot = (labels: readonly number[], classes: number) => {
  const Y = new Tensor(new Float64Array(labels.length * classes), [labels.length, classes]);
  labels.forEach((c, i) => (Y.data[i * classes + c] = 1));
  return Y;
};

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-12 * Math.max(1, Math.abs(expected[i]));
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

/**
 * A function to compile, the shapes of its parameters and data, and its oracle: the dynamic
 * autodiff of `reference` (by default the same function) with the data fixed.
 */
interface Case {
  f: (x: Rec) => Tensor;
  params: Record<string, number[]>;
  data: (rng: Rng) => Rec;
  reference?: (p: Rec, data: Rec) => Tensor;
}

const N = 7, D = 5, H = 4, C = 3;
const labels = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.int(C));

const labelsOf = (Y: Tensor) =>
  Array.from({ length: Y.shape[0] }, (_, i) => Y.data.subarray(i * C, (i + 1) * C).indexOf(1));

const mlpLogits = (x: Rec) => x.X.matmul(x.W1).add(x.b1).tanh().matmul(x.W2).add(x.b2);

const cases: Record<string, Case> = {
  // softmax cross-entropy written with a one-hot label matrix (the tape cannot read integer
  // labels); the oracle is the library's softmaxCrossEntropy on the integer labels
  "an MLP with tanh and softmax cross-entropy": {
    f: (x) => logSoftmax(mlpLogits(x), 1).mul(x.Y).sum(1).mean().neg(),
    params: { W1: [D, H], b1: [H], W2: [H, C], b2: [C] },
    data: (rng) => {
      const y = labels(rng, N);
      return { X: randomTensor([N, D], rng), Y: oneHot(y, C) };
    },
    reference: (p, d) => softmaxCrossEntropy(mlpLogits({ ...p, X: d.X }), labelsOf(d.Y)),
  },
  "a logistic loss": {
    f: (x) => logisticLoss(x.X.matmul(x.w).add(x.b), x.y).add(x.w.square().sum().mul(1e-2)),
    params: { w: [D], b: [] },
    data: (rng) => ({
      X: randomTensor([N, D], rng),
      y: tensor(Array.from({ length: N }, () => rng.int(2))),
    }),
  },
  "broadcasting elementwise ops": {
    f: (x) => {
      const z = x.a.add(x.b).mul(x.c).sub(x.b.div(x.c.square().add(1))); // [3, 1] with [4], [1, 4]
      return z.sin().mul(z.cos()).add(z.sigmoid().softplus().sqrt().log()).add(z.abs().relu())
        .add(maximum(z, x.a.exp()).mul(minimum(z, 0.5))).add(z.pow(3).div(z.square().add(2)))
        .sum().add(broadcastTo(x.a, [2, 3, 1]).mean()).div(3);
    },
    params: { a: [3, 1], b: [4] },
    data: (rng) => ({ c: randomTensor([1, 4], rng) }),
  },
  "reductions over axes": {
    f: (x) => {
      const A = x.A.mul(x.s);
      return A.sum(0).square().sum().add(A.sum(1, true).tanh().mean())
        .add(max(A, 1).sum()).sub(min(A, 0).mean()).add(max(A))
        .add(logSumExp(A, 1).mean()).add(softmax(A, 0).mul(x.T).sum())
        .add(A.matmul(x.v).square().mean()).add(A.reshape([-1]).square().mean());
    },
    params: { A: [4, 3], v: [3] },
    data: (rng) => ({ s: randomTensor([], rng), T: randomTensor([4, 3], rng) }),
  },
};

for (const [name, c] of Object.entries(cases)) {
  Deno.test(`compileTape() equals valueAndGrad() and hvp() on ${name} to 1e-12`, () => {
    const rng = new Rng(name.length);
    const keys = Object.keys(c.params);
    const draw = () => Object.fromEntries(keys.map((k) => [k, randomTensor(c.params[k], rng)]));
    const example = { ...draw(), ...c.data(rng) };
    const tape = compileTape(c.f, example, keys, { hvp: true });
    assert.deepEqual(tape.params, keys);
    // one tape, several parameter values and data sets
    for (let trial = 0; trial < 5; trial++) {
      const p = draw(), v = draw(), data = c.data(rng);
      for (const k of tape.data) tape.set(k, data[k].data);
      for (const k of keys) {
        tape.set(k, p[k].data);
        tape.direction(k).set(v[k].data);
      }
      const ref = c.reference
        ? (q: Rec) => c.reference!(q, data)
        : (q: Rec) => c.f({ ...q, ...data });
      const [value, g] = valueAndGrad(ref)(p);
      const hv = hvp(ref)(p, v);
      assertClose([tape.valueAndGrad()], [value], `${name} value`);
      tape.hvp();
      for (const k of keys) {
        assertClose(tape.grad(k), g[k].data, `${name} gradient ${k}`);
        assertClose(tape.hv(k), hv[k].data, `${name} Hessian-vector product ${k}`);
      }
    }
  });
}

Deno.test("compileTape() gives a padded, reweighted short batch the loss of its real rows", () => {
  // one tape of N rows serves a batch of 3: zero rows of X and Y, the real label rows weighted
  // N / 3, so the mean over N rows is the mean over the 3 real ones (gradient and H v alike)
  const rng = new Rng(11), rows = 3;
  const c = cases["an MLP with tanh and softmax cross-entropy"];
  const keys = Object.keys(c.params);
  const p = Object.fromEntries(keys.map((k) => [k, randomTensor(c.params[k], rng)]));
  const v = Object.fromEntries(keys.map((k) => [k, randomTensor(c.params[k], rng)]));
  const example = { ...p, X: randomTensor([N, D], rng), Y: oneHot(labels(rng, N), C) };
  const tape = compileTape(c.f, example, keys, { hvp: true });
  const X = randomTensor([rows, D], rng), y = labels(rng, rows);
  const Xb = tape.input("X"), Yb = tape.input("Y");
  Xb.fill(0);
  Yb.fill(0);
  Xb.set(X.data);
  y.forEach((k, i) => (Yb[i * C + k] = N / rows));
  for (const k of keys) tape.direction(k).set(v[k].data);
  const ref = (q: Rec) => softmaxCrossEntropy(mlpLogits({ ...q, X }), y);
  const [value, g] = valueAndGrad(ref)(p);
  const hv = hvp(ref)(p, v);
  assertClose([tape.valueAndGrad()], [value], "value");
  tape.hvp();
  for (const k of keys) {
    assertClose(tape.grad(k), g[k].data, `gradient ${k}`);
    assertClose(tape.hv(k), hv[k].data, `Hessian-vector product ${k}`);
  }
});

Deno.test("compileTape() gives zero H v for a parameter that enters linearly", () => {
  const tape = compileTape(
    (x) => x.a.square().sum().add(x.b.mul(3).sum()),
    {
      a: tensor([1, 2]),
      b: tensor([5]),
    },
    ["a", "b"],
    { hvp: true },
  );
  assert.equal(tape.valueAndGrad(), 20);
  assert.deepEqual(Array.from(tape.grad("b")), [3]);
  tape.direction("a").set([1, 1]);
  tape.direction("b").set([1]);
  tape.hvp();
  assert.deepEqual(Array.from(tape.hv("a")), [2, 2]);
  assert.deepEqual(Array.from(tape.hv("b")), [0]);
});

Deno.test("compileTape() skips only the traced products' values: a product of constants is kept", () => {
  // the trace skips computing matrix products whose result is recorded (the tape replays them);
  // a product of two captured constants is a constant of the tape and must keep its values
  const A = tensor([[1, 2], [3, 4]]), B = tensor([[5, 6], [7, 8]]);
  const f = (x: Rec) => x.w.matmul(A).mul(A.matmul(B)).sum();
  const w = tensor([[1, -1], [2, 0.5]]);
  const tape = compileTape(f, { w }, ["w"]);
  const [value, grad] = valueAndGrad((p: Rec) => f(p))({ w });
  assertClose([tape.valueAndGrad()], [value], "value");
  assertClose(tape.grad("w"), grad.w.data, "gradient");
  assert.equal(engine.shapesOnly, false, "engine.shapesOnly is restored after tracing");
  assert.match(tape.source, /^\/\/ value and gradient\nb\d+ = matmul\(b\d+, b\d+\) \[2×2·2×2\]/);
  // and an eager product after compiling computes its values
  assert.deepEqual(A.matmul(B).toArray(), [[19, 22], [43, 50]]);
});

Deno.test("compileTape() names unsupported ops and tells what to use instead", () => {
  const w = tensor([1, 2, 3]);
  for (
    const [op, f] of [
      ["gather", (x: Rec) => x.w.gather([0, 2]).sum()],
      ["slice", (x: Rec) => x.w.slice(0, 2).sum()],
      ["transpose", (x: Rec) => x.w.reshape([1, 3]).T.matmul(x.w.reshape([1, 3])).sum()],
    ] as const
  ) {
    assert.throws(
      () => compileTape(f, { w }, ["w"]),
      {
        message: `compileTape: op \`${op}\` is not supported; use the dynamic autodiff ` +
          "(valueAndGrad) for this function",
      },
    );
  }
  assert.throws(
    () =>
      compileTape((x) => x.A.matmul(x.A).sum(), { A: new Tensor(new Float64Array(8), [2, 2, 2]) }, [
        "A",
      ]),
    /op `matmul` is supported on matrices and vectors, not batched \(\[2,2,2\] and \[2,2,2\]\); use the dynamic autodiff/,
  );
});

Deno.test("compileTape() rejects a data input whose values f reads in JavaScript", () => {
  // softmaxCrossEntropy reads integer labels into a constant: the tape would keep the first ones
  const example = { z: tensor([[1, 2], [3, 4]]), y: tensor([0, 1]) };
  assert.throws(
    () => compileTape((x) => softmaxCrossEntropy(x.z, x.y), example, ["z"]),
    /data input "y" is not read by any op of the tape; .*labels as a one-hot matrix/,
  );
});

Deno.test("compileTape() rejects bad arguments and calls with what to do", () => {
  const example = { w: tensor([1, 2]) };
  const f = (x: Rec) => x.w.square().sum();
  assert.throws(() => compileTape((x) => x.w.square(), example, ["w"]), /scalar Tensor.*\[2\]/);
  assert.throws(
    () => compileTape(f, example, ["v"]),
    /no example for parameter "v" \(the example has "w"\)/,
  );
  assert.throws(() => compileTape(f, example, []), /no parameters/);
  const tape = compileTape(f, example, ["w"]);
  assert.throws(() => tape.set("w", [1, 2, 3]), /input "w" needs 2 values, got 3/);
  assert.throws(() => tape.grad("x"), /no parameter "x" \(parameters: "w"\)/);
  assert.throws(() => tape.hvp(), /hvp\(\) needs a tape compiled with \{ hvp: true \}/);
  const withHvp = compileTape(f, example, ["w"], { hvp: true });
  assert.throws(() => withHvp.hvp(), /call valueAndGrad\(\) first/);
});

Deno.test("compileTape() doc examples print what their comments say", async () => {
  const file = join(dirname(fromFileUrl(import.meta.url)), "tape.ts");
  const src = await Deno.readTextFile(file);
  const tmp = await Deno.makeTempDir({ prefix: "tape_examples_" });
  const original = console.log;
  let checked = 0;
  try {
    for (const [i, m] of [...src.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
      const lines = m[1].split("\n").map((l) => l.replace(/^\s*\* ?/, ""));
      const expected: string[] = [];
      const code = lines.map((l) => {
        const c = l.match(/^(\s*console\.log\(.*\);)\s*\/\/ (.*)$/);
        if (c === null) return l;
        expected.push(c[2]);
        return c[1];
      }).join("\n").replace(
        /from "\.\/mod\.ts"/g,
        `from "${toFileUrl(join(dirname(file), "mod.ts")).href}"`,
      );
      if (expected.length === 0) continue;
      const path = join(tmp, `ex${i}.ts`);
      await Deno.writeTextFile(path, code);
      const printed: string[] = [];
      console.log = (...args: unknown[]) =>
        printed.push(args.map((a) => (typeof a === "string" ? a : Deno.inspect(a))).join(" "));
      try {
        await import(toFileUrl(path).href);
      } finally {
        console.log = original;
      }
      const norm = (s: string) => s.replace(/\s+/g, "").replaceAll('"', "'");
      assert.deepEqual(printed.map(norm), expected.map(norm), `example ${i}`);
      checked++;
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  assert.ok(checked >= 4, `only ${checked} examples checked`);
});
