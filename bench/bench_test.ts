// Correctness of the benchmark's fast paths and of its output format (never timing: the speed
// targets are read off `deno task bench --peers`).

import assert from "node:assert/strict";
import { compileTape, hvp, Tensor, valueAndGrad } from "../lib/autodiff/mod.ts";
import { loadDigits } from "../lib/data/mod.ts";
import { beale } from "../lib/functions/beale.ts";
import { adam, type Differentiable, runOptimizer } from "../lib/optim/mod.ts";
import { Rng } from "../lib/random.ts";
import { parseArgs, WORKLOADS } from "./main.ts";
import { median, medianRecords, pairedRatios, roundRatios } from "./rounds.ts";
import { compare, EXPERIMENTS, formatTable, parseRecords, raceDifferences } from "./peers.ts";
import {
  adahessianStep,
  bealeOracle,
  bealeRace,
  type BenchRecord,
  digitsLoss,
  digitsMlp,
  digitsModel,
  DigitsOracle,
  flatParams,
  raceOptimizers,
  runRace,
} from "./workloads.ts";
import { wasmAdam } from "./wasm_adam.ts";

type Rec = Record<string, Tensor>;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

Deno.test("runRace() with the compiled gradient matches runOptimizer() on beale.f to 1e-12", () => {
  const steps = 300;
  const fast = runRace(steps, "compiled");
  for (const [name, opt] of raceOptimizers()) {
    const run = runOptimizer(opt, beale.f, beale.start.slice(), steps);
    const last = run.params[steps] as number[];
    assert.ok(maxDiff(fast.final[name], last) <= 1e-12, name);
    if (opt.lookahead) {
      const ahead = opt.lookahead(last, run.states[steps - 1]);
      assert.ok(maxDiff(fast.lookahead[name], ahead) <= 1e-12, `${name} lookahead`);
    }
  }
});

Deno.test("bealeOracle() gives the same value and gradient three ways", () => {
  const compiled = bealeOracle("compiled") as Differentiable<number[]>;
  const analytic = bealeOracle("analytic") as Differentiable<number[]>;
  for (const p of [[1, 1.5], [3, 0.5], [-2.5, 4], [0.3, -1.2]]) {
    const [v, g] = valueAndGrad(beale.f)(p);
    const [vc, gc] = compiled.valueAndGrad(p), [va, ga] = analytic.valueAndGrad(p);
    assert.equal(vc, v.valueOf());
    assert.deepEqual(gc, g);
    const scale = 1 + Math.abs(v.valueOf());
    assert.ok(Math.abs(va - v.valueOf()) <= 1e-12 * scale);
    assert.ok(maxDiff(ga, g) <= 1e-12 * scale * 10);
  }
});

Deno.test("bealeRace() prints one JSON line with the required fields", () => {
  const r = bealeRace({ steps: 20 });
  const line = JSON.stringify(r);
  assert.ok(!line.includes("\n"));
  const back = parseRecords(`noise\n${line}\n`)[0];
  assert.equal(back.workload, "beale-race");
  assert.equal(back.impl, "course");
  assert.equal(back.steps, 160);
  for (const k of ["seconds", "per_step_us"]) assert.equal(typeof back[k], "number");
  assert.deepEqual(Object.keys(back.final as object).length, 8);
  assert.ok(Math.abs(back.per_step_us - (back.seconds / back.steps) * 1e6) < 1e-6);
});

function digitsBatch(rows: number) {
  const { X, y } = loadDigits({ scale: true });
  return {
    X: new Tensor(X.data.slice(100 * 64, (100 + rows) * 64), [rows, 64]),
    y: new Tensor(y.data.slice(100, 100 + rows), [rows]),
  };
}

Deno.test("compileTape() gives the library's loss, gradient and hvp on the digits MLP to 1e-12", () => {
  const p = digitsModel.init(new Rng(3));
  const { X, y } = digitsBatch(32);
  const Y = new Tensor(new Float64Array(320), [32, 10]);
  for (let i = 0; i < 32; i++) Y.data[i * 10 + y.data[i]] = 1;
  const tape = compileTape(digitsLoss, { ...p, X, Y }, Object.keys(p), { hvp: true });
  const loss = (q: Rec) => digitsModel.loss(q, X, y);
  const [v, g] = valueAndGrad(loss)(p);
  assert.ok(Math.abs(tape.valueAndGrad() - v.valueOf()) <= 1e-12);
  const rng = new Rng(4);
  const dir: Rec = {};
  for (const k of Object.keys(p)) {
    dir[k] = new Tensor(p[k].data.map(() => rng.uniform() - 0.5), p[k].shape);
    tape.direction(k).set(dir[k].data);
  }
  tape.hvp();
  const h = hvp(loss)(p, dir);
  for (const k of Object.keys(p)) {
    assert.ok(maxDiff(tape.grad(k), g[k].data) <= 1e-12, `grad ${k}`);
    assert.ok(maxDiff(tape.hv(k), h[k].data) <= 1e-12, `hvp ${k}`);
  }
});

Deno.test("DigitsOracle pads a short batch without changing the loss, gradient or hvp", () => {
  const p = digitsModel.init(new Rng(5));
  const { X, y } = digitsBatch(5);
  const o = new DigitsOracle(p, { hvp: true });
  o.setBatch(X, y);
  const theta = flatParams(p);
  const [v, g] = o.valueAndGrad(theta);
  const loss = (q: Rec) => digitsModel.loss(q, X, y);
  const [v2, g2] = valueAndGrad(loss)(p);
  assert.ok(Math.abs(v - (v2 as unknown as number)) <= 1e-12);
  assert.ok(maxDiff(g.data, flatParams(g2).data) <= 1e-12);
  const rng = new Rng(6);
  const dir = new Tensor(theta.data.map(() => rng.uniform() - 0.5), theta.shape);
  const h = o.hvp(theta, dir);
  const h2 = hvp(loss)(p, o.unflatten(dir));
  assert.ok(maxDiff(h.data, flatParams(h2).data) <= 1e-12);
  assert.deepEqual(o.unflatten(theta).W2.shape, [64, 10]);
});

Deno.test("digitsMlp() with the tape trains like the eager autodiff (one epoch)", () => {
  const a = digitsMlp({ epochs: 1 }), b = digitsMlp({ epochs: 1, oracle: "autodiff" });
  assert.equal(a.steps, 57);
  assert.ok(Math.abs((a.train_accuracy as number) - (b.train_accuracy as number)) <= 1 / 1797);
  assert.ok((a.peak_rss_mb as number) > 0);
});

Deno.test("wasmAdam() (the bench's experiment) gives the library's Adam bit for bit", () => {
  const rng = new Rng(11), n = 101, steps = 30;
  const opt = adam({ alpha: 0.01 });
  const { rho1, rho2, delta, alpha } = opt.hyper as { [k: string]: number };
  const memory = new WebAssembly.Memory({ initial: 1 });
  const all = new Float64Array(memory.buffer, 0, 4 * n);
  const th = all.subarray(0, n), g = all.subarray(n, 2 * n);
  th.set(Array.from({ length: n }, () => rng.normal()));
  let params = new Tensor(th.slice(), [n]), state = opt.init(params);
  const update = wasmAdam(memory);
  for (let t = 1; t <= steps; t++) {
    // gradients of all sizes, zeros and signed zeros among them
    const grad = Array.from(
      { length: n },
      (_, i) => i % 17 === 0 ? (i % 2 ? -0 : 0) : rng.normal() * 10 ** (i % 7 - 3),
    );
    g.set(grad);
    ({ params, state } = opt.step(params, new Tensor(Float64Array.from(grad), [n]), state));
    const negStep = -alpha / (1 - rho1 ** t), sqrtBc2 = Math.sqrt(1 - rho2 ** t);
    update(0, 8 * n, 16 * n, 24 * n, n, 1 - rho1, rho2, 1 - rho2, negStep, sqrtBc2, delta);
  }
  assert.deepEqual(Array.from(th), Array.from((params as Tensor).data));
  assert.deepEqual(Array.from(all.subarray(2 * n, 3 * n)), Array.from((state.s as Tensor).data));
  assert.deepEqual(Array.from(all.subarray(3 * n, 4 * n)), Array.from((state.r as Tensor).data));
  // and the experiment's training run ends where the course's does
  const a = digitsMlp({ epochs: 1 }), b = digitsMlp({ epochs: 1, wasmAdam: true });
  assert.equal(b.workload, "digits-mlp-wasm-adam");
  assert.equal(b.train_accuracy, a.train_accuracy);
});

Deno.test("adahessianStep() reports a ratio and stays finite", () => {
  const r = adahessianStep({ reps: 3 });
  assert.equal(r.finite, true);
  assert.ok((r.ratio as number) > 0);
  assert.equal(r.per_step_us, r.adahessian_step_us);
});

const torchRace = (course: BenchRecord): BenchRecord => ({
  ...course,
  impl: "torch",
  final: { ...(course.final as object), nesterov: (course.lookahead as Rec).nesterov },
});

Deno.test("compare() uses Nesterov's look-ahead point and prints PASS/FAIL per check", () => {
  const course = bealeRace({ steps: 50 });
  const torch = torchRace(course);
  const diffs = raceDifferences(course, torch);
  assert.equal(Math.max(...Object.values(diffs)), 0);
  const mlpC = { workload: "digits-mlp", impl: "course", seconds: 1, steps: 10, per_step_us: 1e5 };
  const mlpT = { ...mlpC, impl: "torch", per_step_us: 2e5 };
  const { table, checks } = compare(
    [course, { ...mlpC, train_accuracy: 0.97, peak_rss_mb: 100 } as BenchRecord],
    [torch, { ...mlpT, train_accuracy: 0.95, peak_rss_mb: 300 } as BenchRecord],
  );
  const byName = Object.fromEntries(checks.map((c) => [c.name, c.pass]));
  assert.equal(byName["beale-race nesterov final point agrees with torch to 1e-8"], true);
  assert.equal(byName["digits-mlp course training accuracy ≥ 0.96"], true);
  assert.equal(byName["digits-mlp torch training accuracy ≥ 0.96"], false);
  assert.equal(byName["target: digits-mlp ≥ 2× faster than torch (one thread)"], true);
  assert.match(formatTable(table), /digits-mlp\s+µs per step\s+1\.00e\+5|digits-mlp\s+µs per step/);
  const moved = { ...torch, final: { ...(torch.final as object), sgd: [0, 0] } } as BenchRecord;
  assert.equal(raceDifferences(course, moved).sgd > 1e-8, true);
});

Deno.test("parseArgs() reads --peers, --rounds, --no-build and workload names, and rejects the rest", () => {
  assert.deepEqual(parseArgs(["--peers", "--no-build"]), {
    peers: true,
    rounds: 3,
    workloads: Object.keys(WORKLOADS).filter((w) =>
      w !== "course-build" && !w.endsWith("-autodiff") && !(w in EXPERIMENTS)
    ),
  });
  assert.deepEqual(parseArgs(["digits-mlp"]).workloads, ["digits-mlp"]);
  // the experiment runs when named or with --all
  assert.ok(parseArgs(["--all"]).workloads.includes("digits-mlp-wasm-adam"));
  assert.deepEqual(parseArgs(["digits-mlp-wasm-adam"]).workloads, ["digits-mlp-wasm-adam"]);
  assert.equal(parseArgs(["--peers", "--rounds", "5"]).rounds, 5);
  assert.equal(parseArgs(["--rounds=1", "--peers"]).rounds, 1);
  assert.throws(
    () => parseArgs(["--peers", "--rounds", "0"]),
    /--rounds needs a whole number ≥ 1, got "0"/,
  );
  assert.throws(
    () => parseArgs(["--rounds", "2"]),
    /--rounds repeats the comparison .*: add --peers/,
  );
  assert.throws(
    () => parseArgs(["--peers", "--rounds"]),
    /--rounds needs a whole number ≥ 1, got ""/,
  );
  assert.throws(() => parseArgs(["--fast"]), /unknown argument: --fast/);
});

Deno.test("medianRecords() takes each side's median time, largest memory, and keeps the rest", () => {
  const rec = (impl: "course" | "torch", seconds: number, rss: number): BenchRecord => ({
    workload: "digits-mlp",
    impl,
    seconds,
    steps: 10,
    per_step_us: seconds * 1e5,
    cpu_seconds: seconds * 2,
    peak_rss_mb: rss,
    train_accuracy: 0.97,
  });
  const rounds = [
    [rec("course", 1, 70), rec("torch", 4, 300)],
    [rec("torch", 6, 310), rec("course", 3, 72)],
    [rec("course", 2, 71), rec("torch", 5, 305)],
  ];
  const merged = medianRecords(rounds);
  const c = merged.find((r) => r.impl === "course")!, t = merged.find((r) => r.impl === "torch")!;
  assert.equal(c.seconds, 2);
  assert.equal(c.per_step_us, 2e5);
  assert.equal(c.cpu_seconds, 4);
  assert.equal(c.peak_rss_mb, 72);
  assert.equal(c.train_accuracy, 0.97);
  assert.deepEqual(c.spread, [1, 3]);
  assert.equal(c.rounds, 3);
  assert.equal(t.seconds, 5);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /median\(\) of no numbers/);
  const { wall, cpu } = roundRatios(rounds, "digits-mlp");
  assert.deepEqual(wall.map((x) => Math.round(x * 100) / 100), [4, 2, 2.5]);
  assert.deepEqual(cpu.map((x) => Math.round(x * 100) / 100), [4, 2, 2.5]);
  // the targets use the median of the rounds' ratios (2.5), not the ratio of the medians (5 / 2)
  assert.deepEqual(pairedRatios(rounds), { "digits-mlp|torch": { wall: 2.5, cpu: 2.5 } });
  const { checks } = compare(
    medianRecords(rounds).filter((r) => r.impl === "course"),
    medianRecords(rounds).filter((r) => r.impl === "torch"),
    pairedRatios(rounds),
  );
  const target = checks.find((c) => c.name.startsWith("target: digits-mlp ≥"))!;
  assert.match(target.detail, /^2\.50×/);
});
