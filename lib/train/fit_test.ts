import assert from "node:assert/strict";
import { Tensor } from "../autodiff/mod.ts";
import { linearData, loadDigits, twoMoons } from "../data/mod.ts";
import { linearRegression, logisticRegression, mlp, type Model } from "../models/mod.ts";
import { adahessian, adam, nesterov, type Optimizer, runOptimizer, sgd } from "../optim/mod.ts";
import { Rng } from "../random.ts";
import { fit } from "./fit.ts";

const moons = twoMoons({ n: 120, seed: 3 });
const moonsTest = twoMoons({ n: 60, seed: 4 });

Deno.test("fit() with full batches is gradient descent on the full loss", async () => {
  const data = linearData({ n: 40, seed: 2 });
  const model = linearRegression({ inputs: 2 });
  const full = (p: Record<string, Tensor>) => model.loss(p, data.X, data.y);
  const reference = runOptimizer(sgd({ alpha: 0.1 }), full, model.init(new Rng(0)), 15);
  const want = reference.params[15];
  // compiled: false is the same computation as runOptimizer, bit for bit; the default (a
  // compiled tape) adds in another order, so it agrees to rounding
  for (const compiled of [false, "auto"] as const) {
    const history = await fit(model, data, sgd({ alpha: 0.1 }), {
      epochs: 15,
      batchSize: 1000,
      shuffle: false,
      compiled,
    });
    const got = history.params;
    for (const k of ["w", "b"]) {
      Array.from(got[k].data).forEach((v, i) => assert.ok(Math.abs(v - want[k].data[i]) < 1e-12));
    }
    const losses = history.steps.map((s) => s.loss);
    if (compiled === false) assert.deepEqual(losses, reference.loss);
    else losses.forEach((l, i) => assert.ok(Math.abs(l - reference.loss[i]) <= 1e-12 * l, `${i}`));
    assert.equal(history.stop.reason, "completed");
  }
});

Deno.test("fit() records every step and every epoch (epoch 0 = before training)", async () => {
  const history = await fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.5 }), {
    epochs: 4,
    batchSize: 25, // 5 batches per epoch, the last one partial
    test: moonsTest,
  });
  assert.equal(history.steps.length, 20);
  assert.deepEqual(history.steps.map((s) => s.step), Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(
    history.steps.map((s) => s.epoch),
    [1, 2, 3, 4].flatMap((e) => Array(5).fill(e)),
  );
  assert.deepEqual(history.epochs.map((e) => e.epoch), [0, 1, 2, 3, 4]);
  for (const e of history.epochs) {
    for (const k of ["trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "time"] as const) {
      assert.ok(Number.isFinite(e[k]), `${k} of epoch ${e.epoch}`);
    }
  }
  assert.ok(history.epochs[4].trainLoss < history.epochs[0].trainLoss);
  assert.ok(history.steps.every((s, i) => i === 0 || s.time >= history.steps[i - 1].time));
  assert.match(history.stop.message, /^completed 4 epochs \(20 steps\) in .* test accuracy/);
});

Deno.test("fit() is reproducible from its seed", async () => {
  const run = (seed: number) =>
    fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.5 }), {
      epochs: 2,
      batchSize: 16,
      seed,
    });
  const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
  assert.deepEqual(a.steps.map((s) => s.loss), b.steps.map((s) => s.loss));
  assert.notDeepEqual(a.steps.map((s) => s.loss), c.steps.map((s) => s.loss));
});

Deno.test("fit() shows a progress line updated in place, and is silent without a display", async () => {
  const calls: { text: string; id: string; update?: boolean }[] = [];
  await fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.5 }), {
    epochs: 3,
    batchSize: 40,
    progress: (bundle, { display_id, update }) => {
      calls.push({ text: bundle["text/plain"], id: display_id, update });
    },
  });
  assert.ok(calls.length >= 5, `${calls.length} updates`);
  assert.equal(new Set(calls.map((c) => c.id)).size, 1);
  assert.equal(calls[0].update, undefined);
  assert.ok(calls.slice(1).every((c) => c.update === true));
  assert.match(calls[0].text, /epoch 0\/3 ▕░+▏ step 0\/9 · loss 0.6931/);
  assert.match(calls.at(-1)!.text, /completed 3 epochs \(9 steps\)/);
  // Outside a notebook the default is silent (this test process has no Deno.jupyter).
  const quiet = await fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.5 }), {
    epochs: 1,
  });
  assert.equal(quiet.epochs.length, 2);
});

Deno.test("fit() stops on a non-finite loss, keeps the last finite parameters and hints at α", async () => {
  const data = linearData({ n: 50, seed: 1 });
  const history = await fit(linearRegression({ inputs: 2 }), data, sgd({ alpha: 50 }), {
    epochs: 200,
    batchSize: 50,
  });
  assert.equal(history.stop.reason, "diverged");
  assert.match(
    history.stop.message,
    /^diverged at step \d+ \(epoch \d+\): .*lower the learning rate \(α = 50\)$/,
  );
  assert.ok(history.steps.every((s) => Number.isFinite(s.loss)));
  assert.ok(Object.values(history.params).every((t) => Array.from(t.data).every(Number.isFinite)));
});

Deno.test("fit() runs Nesterov and AdaHessian through the driver", async () => {
  for (const opt of [nesterov({ alpha: 0.2, rho: 0.9 }), adahessian({ alpha: 0.2 })]) {
    const h = await fit(logisticRegression({ inputs: 2 }), moons, opt, {
      epochs: 3,
      batchSize: 30,
    });
    assert.equal(h.stop.reason, "completed", opt.name);
    assert.ok(h.epochs[3].trainLoss < h.epochs[0].trainLoss, opt.name);
  }
});

Deno.test("fit() rejects invalid options, naming them", async () => {
  const m = logisticRegression({ inputs: 2 }), o = sgd({ alpha: 0.1 });
  await assert.rejects(() => fit(m, moons, o, { epochs: -1 }), /invalid epochs: -1/);
  await assert.rejects(() => fit(m, moons, o, { batchSize: 0 }), /invalid batchSize: 0/);
  await assert.rejects(() => fit(m, moons, o, { epoch: 3 } as object), /invalid option: epoch/);
});

Deno.test("fit() calls onStep after every step with the new params and state, and returns the state", async () => {
  const seen: { step: number; epoch: number; t: number; w: number }[] = [];
  const history = await fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.1 }), {
    epochs: 2,
    batchSize: 40,
    progress: false,
    onStep: ({ step, epoch, params, state }) =>
      seen.push({ step, epoch, t: state.t, w: params.w.data[0] }),
  });
  assert.equal(seen.length, 6);
  assert.deepEqual(seen.map((s) => s.step), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(seen.map((s) => s.epoch), [1, 1, 1, 2, 2, 2]);
  assert.deepEqual(seen.map((s) => s.t), [1, 2, 3, 4, 5, 6]);
  assert.equal(seen[5].w, history.params.w.data[0]);
  assert.equal(history.state.t, 6);
  await assert.rejects(
    // deno-lint-ignore no-explicit-any
    () => fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.1 }), { onStep: 1 as any }),
    /invalid onStep/,
  );
});

Deno.test("fit() with evalEvery evaluates every few epochs and always the last", async () => {
  const every = await fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.1 }), {
    epochs: 7,
    batchSize: 1000,
    progress: false,
  });
  const sparse = await fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.1 }), {
    epochs: 7,
    batchSize: 1000,
    progress: false,
    evalEvery: 3,
  });
  assert.deepEqual(sparse.epochs.map((e) => e.epoch), [0, 3, 6, 7]);
  assert.deepEqual(
    sparse.epochs.map((e) => e.trainLoss),
    [0, 3, 6, 7].map((k) => every.epochs[k].trainLoss),
  );
  assert.deepEqual(sparse.steps.map((s) => s.loss), every.steps.map((s) => s.loss));
  await assert.rejects(
    () => fit(logisticRegression({ inputs: 2 }), moons, sgd({ alpha: 0.1 }), { evalEvery: 0 }),
    /invalid evalEvery: 0/,
  );
});

/** The first n digits (pixels / 16). */
function digitsHead(n: number) {
  const { X, y } = loadDigits({ scale: true });
  return {
    X: new Tensor(X.data.slice(0, n * 64), [n, 64]),
    y: new Tensor(y.data.slice(0, n), [n]),
  };
}

/** Asserts two numbers agree to 1e-10 (absolute, or relative for large ones). */
function close(a: number | undefined, b: number | undefined, what: string) {
  assert.ok(a !== undefined && b !== undefined, what);
  assert.ok(Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

Deno.test("fit() with compiled: true gives the history and parameters of the dynamic autodiff", async () => {
  const digits = digitsHead(300); // batches of 32: the last one has 12 rows
  const digitsTest = { X: digitsHead(400).X, y: digitsHead(400).y };
  const runs: [string, () => Model, { X: Tensor; y: Tensor }, () => Optimizer, number][] = [
    ["MLP + Adam", () => mlp({ sizes: [64, 16, 10] }), digits, () => adam({ alpha: 1e-2 }), 32],
    [
      "MLP + AdaHessian",
      () => mlp({ sizes: [64, 16, 10] }),
      digits,
      () => adahessian({ alpha: 0.1, seed: 3 }),
      32,
    ],
    [
      "logistic + Adam",
      () => logisticRegression({ inputs: 2 }),
      moons,
      () => adam({ alpha: 0.05 }),
      25,
    ],
    [
      "logistic + AdaHessian",
      () => logisticRegression({ inputs: 2 }),
      moons,
      () => adahessian({ alpha: 0.2, seed: 1 }),
      25,
    ],
  ];
  for (const [what, model, data, opt, batchSize] of runs) {
    const test = data === moons ? moonsTest : digitsTest;
    const run = (compiled: boolean) =>
      fit(model(), data, opt(), { epochs: 3, batchSize, seed: 5, test, compiled, progress: false });
    const [dyn, tape] = [await run(false), await run(true)];
    assert.ok(data.X.shape[0] % batchSize !== 0, `${what}: a short last batch`);
    assert.equal(tape.steps.length, dyn.steps.length, what);
    tape.steps.forEach((s, i) => close(s.loss, dyn.steps[i].loss, `${what} step ${i} loss`));
    assert.equal(tape.epochs.length, 4, what);
    tape.epochs.forEach((e, i) => {
      for (const k of ["trainLoss", "trainAccuracy", "testLoss", "testAccuracy"] as const) {
        close(e[k], dyn.epochs[i][k], `${what} epoch ${i} ${k}`);
      }
    });
    for (const [k, t] of Object.entries(tape.params)) {
      assert.deepEqual(t.shape, dyn.params[k].shape, `${what} ${k}`);
      t.data.forEach((v, i) => close(v, dyn.params[k].data[i], `${what} ${k}[${i}]`));
    }
    assert.ok(tape.epochs[3].trainLoss < tape.epochs[0].trainLoss, what);
  }
});

Deno.test("fit() with compiled: true names what it cannot compile", async () => {
  const plain: Model = { ...logisticRegression({ inputs: 2 }), rowLoss: undefined };
  await assert.rejects(
    () => fit(plain, moons, sgd({ alpha: 0.1 }), { compiled: true, progress: false }),
    /compiled: true needs a model with rowLoss/,
  );
  const gathering: Model = {
    ...logisticRegression({ inputs: 2 }),
    rowLoss: (p, X, T, w) => X.matmul(p.w.gather([0, 1])).add(p.b).sub(T).square().mul(w).sum(),
  };
  await assert.rejects(
    () => fit(gathering, moons, sgd({ alpha: 0.1 }), { compiled: true, progress: false }),
    /compileTape: op `gather` is not supported/,
  );
});

Deno.test("fit() compiles by default when the model allows, else trains on the autodiff", async () => {
  const digits = digitsHead(200);
  const start = mlp({ sizes: [64, 8, 10] }).init(new Rng(2));
  const copy = Object.fromEntries(Object.entries(start).map(([k, t]) => [k, t.data.slice()]));
  const run = (model: Model, compiled?: boolean | "auto") =>
    fit(model, digits, adam({ alpha: 1e-2 }), {
      epochs: 2,
      params: start,
      compiled,
      progress: false,
    });
  const [auto, dyn] = [
    await run(mlp({ sizes: [64, 8, 10] })),
    await run(mlp({ sizes: [64, 8, 10] }), false),
  ];
  auto.steps.forEach((s, i) => close(s.loss, dyn.steps[i].loss, `step ${i}`));
  // recycling never writes into the caller's initial parameters
  for (const [k, t] of Object.entries(start)) {
    assert.deepEqual(Array.from(t.data), Array.from(copy[k]));
  }
  // no rowLoss: the default falls back to the dynamic autodiff (compiled: true would throw)
  const plain: Model = { ...mlp({ sizes: [64, 8, 10] }), rowLoss: undefined };
  const fallback = await run(plain);
  fallback.steps.forEach((s, i) => assert.equal(s.loss, dyn.steps[i].loss, `fallback step ${i}`));
});
