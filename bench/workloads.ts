/**
 * The benchmark workloads of the course library (issue 9), each a function that runs the work
 * once, in-process, and returns one JSON-ready record: `beale-race`, `digits-mlp`,
 * `adahessian-step` and `course-build`. `bench/main.ts` prints them; `bench/peers/torch_bench.py`
 * runs the same work in PyTorch.
 *
 * @module
 */

import {
  backward,
  type CompiledTape,
  compileTape,
  compileValueAndGrad,
  logSoftmax,
  Tensor,
} from "../lib/autodiff/mod.ts";
import { loadDigits, minibatches } from "../lib/data/mod.ts";
import { beale } from "../lib/functions/beale.ts";
import { wasmMatmul } from "../lib/autodiff/wasm_matmul.ts";
import { mlp } from "../lib/models/mlp.ts";
import {
  adadelta,
  adagrad,
  adahessian,
  adam,
  adamw,
  type Differentiable,
  momentum,
  nesterov,
  type Optimizer,
  optimStep,
  recycleStep,
  rmsprop,
  sgd,
} from "../lib/optim/mod.ts";
import process from "node:process";
import { Rng } from "../lib/random.ts";
import { wasmAdam } from "./wasm_adam.ts";

/** One line of benchmark output. */
export interface BenchRecord {
  workload: string;
  impl: "course" | "torch" | "optax";
  seconds: number;
  steps: number;
  per_step_us: number;
  [result: string]: unknown;
}

/** The eight optimizers of the race, with the hyperparameters (torch's in the peer). */
export function raceOptimizers(): [string, Optimizer][] {
  return [
    ["sgd", sgd({ alpha: 1e-3 })],
    ["momentum", momentum({ alpha: 1e-3, rho: 0.9 })],
    ["nesterov", nesterov({ alpha: 1e-3, rho: 0.9 })],
    ["adagrad", adagrad({ alpha: 0.1, delta: 1e-10 })],
    ["rmsprop", rmsprop({ alpha: 1e-2, rho: 0.9, delta: 1e-8 })],
    ["adadelta", adadelta({ alpha: 1.0, rho: 0.9, delta: 1e-6 })],
    ["adam", adam({ alpha: 1e-2, rho1: 0.9, rho2: 0.999, delta: 1e-8 })],
    ["adamw", adamw({ alpha: 1e-2, rho1: 0.9, rho2: 0.999, delta: 1e-8, lambda: 1e-2 })],
  ];
}

/** Steps per optimizer in the race. */
export const RACE_STEPS = 5000;

/** How the race gets Beale's gradient. */
export type BealeOracle = "compiled" | "autodiff" | "analytic";

/**
 * Beale's value and gradient for {@link optimStep}:
 * - `"compiled"`: the library's autodiff traces `beale.f` once and generates straight-line JS
 *   (`compileValueAndGrad`); the headline;
 * - `"autodiff"`: `beale.f` through the ordinary tape-based autodiff (the driver's default path);
 * - `"analytic"`: a hand-written gradient (an extra line only: not the library's autodiff).
 */
export function bealeOracle(kind: BealeOracle): Differentiable<number[]> | typeof beale.f {
  if (kind === "autodiff") return beale.f;
  if (kind === "analytic") {
    return {
      valueAndGrad([x, y]: number[]): [number, number[]] {
        const y2 = y * y, y3 = y2 * y;
        const a = 1.5 - x + x * y, b = 2.25 - x + x * y2, c = 2.625 - x + x * y3;
        return [
          a * a + b * b + c * c,
          [
            2 * (a * (y - 1) + b * (y2 - 1) + c * (y3 - 1)),
            2 * x * (a + 2 * b * y + 3 * c * y2),
          ],
        ];
      },
    };
  }
  const vg = compileValueAndGrad(beale.f as (p: Tensor) => Tensor, beale.start);
  return { valueAndGrad: (p: number[]) => vg(p) };
}

/** Final points of a race: for optimizers with a look-ahead (Nesterov) also the look-ahead point. */
export interface RaceResult {
  final: Record<string, number[]>;
  lookahead: Record<string, number[]>;
}

/**
 * The race itself: every optimizer of {@link raceOptimizers} for `steps` steps from Beale's start
 * (1, 1.5) through {@link optimStep}.
 */
export function runRace(steps: number, kind: BealeOracle = "compiled"): RaceResult {
  const f = bealeOracle(kind) as Differentiable<number[]>;
  const final: Record<string, number[]> = {}, lookahead: Record<string, number[]> = {};
  for (const [name, opt] of raceOptimizers()) {
    let params = beale.start.slice();
    let state = opt.init(params);
    for (let i = 0; i < steps; i++) ({ params, state } = optimStep(opt, f, params, state));
    final[name] = params;
    if (opt.lookahead) lookahead[name] = opt.lookahead(params, state);
  }
  return { final, lookahead };
}

/**
 * CPU seconds used by this process so far (all threads: the JIT compilers and the GC count), to
 * read next to the wall-clock `seconds` on a busy machine.
 */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * CPU seconds of this process's V8 worker threads (the optimizing compilers and the garbage
 * collector's helpers), from /proc/self/task (Linux; `undefined` elsewhere): how much of
 * {@link cpuSeconds} ran beside the main thread.
 */
export function v8WorkerCpuSeconds(): number | undefined {
  try {
    let ns = 0;
    for (const e of Deno.readDirSync("/proc/self/task")) {
      const dir = `/proc/self/task/${e.name}`;
      if (!Deno.readTextFileSync(`${dir}/comm`).startsWith("V8 ")) continue;
      ns += Number(Deno.readTextFileSync(`${dir}/schedstat`).split(" ")[0]);
    }
    return ns / 1e9;
  } catch {
    return undefined;
  }
}

function record(
  workload: string,
  seconds: number,
  steps: number,
  rest: Record<string, unknown>,
): BenchRecord {
  return {
    workload,
    impl: "course",
    seconds,
    steps,
    per_step_us: (seconds / steps) * 1e6,
    ...rest,
  };
}

/**
 * `beale-race`: 8 optimizers × 5,000 steps on Beale, float64. The time includes tracing and
 * compiling the gradient (a cold run, as a notebook cell would see it).
 */
export function bealeRace(
  { steps = RACE_STEPS, oracle = "compiled" as BealeOracle } = {},
): BenchRecord {
  const w0 = v8WorkerCpuSeconds(); // read outside the timed region
  const started = performance.now(), cpu0 = cpuSeconds();
  const { final, lookahead } = runRace(steps, oracle);
  const seconds = (performance.now() - started) / 1000, cpu = cpuSeconds() - cpu0;
  const w1 = v8WorkerCpuSeconds();
  const workload = oracle === "compiled" ? "beale-race" : `beale-race-${oracle}`;
  return record(workload, seconds, steps * 8, {
    cpu_seconds: cpu,
    v8_worker_cpu_seconds: w0 === undefined || w1 === undefined ? undefined : w1 - w0,
    gradient: oracle,
    final,
    lookahead,
    note: "nesterov's lookahead (θ + ρv) is torch's iterate",
  });
}

/** Peak resident memory of this process so far, in MB (VmHWM, else the current RSS). */
export function peakRssMb(): number {
  try {
    const m = Deno.readTextFileSync("/proc/self/status").match(/VmHWM:\s+(\d+)\s+kB/);
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to the current RSS
  }
  return Deno.memoryUsage().rss / 2 ** 20;
}

/** The digits-mlp network: 64-64-10, tanh, softmax cross-entropy. */
export const digitsModel = mlp({ sizes: [64, 64, 10], activation: "tanh" });

/** The digits-mlp-wide network: 64-256-256-10, tanh, softmax cross-entropy (matmul-bound). */
export const wideModel = mlp({ sizes: [64, 256, 256, 10], activation: "tanh" });

type Record_ = Record<string, Tensor>;

/** Rows per batch in digits-mlp. */
export const BATCH = 32;

/**
 * The digits-mlp loss as the tape sees it: softmax cross-entropy written with a label matrix Y,
 * −(1/N) Σᵢ Σ_c Y_ic log softmax(zᵢ)_c. With Y one-hot this is `softmaxCrossEntropy` (the same
 * ops in the same order); a smaller last batch is padded to N rows with zero label rows and the
 * real rows weighted N / rows, so one tape of fixed shape serves every batch.
 */
export function digitsLoss(x: Record<string, Tensor>, model = digitsModel): Tensor {
  return logSoftmax(model.predict(x, x.X), 1).mul(x.Y).sum(1).mean().neg();
}

/** The digits network's parameters as one flat vector, a 1-D tensor (W1, b1, W2, b2 in order). */
export function flatParams(params: Record_): Tensor {
  let n = 0;
  for (const t of Object.values(params)) n += t.size;
  const out = new Float64Array(n);
  let off = 0;
  for (const t of Object.values(params)) {
    out.set(t.data, off);
    off += t.size;
  }
  return new Tensor(out, [n]);
}

/**
 * The loss of the digits network on one batch as a {@link Differentiable} of the flat parameter
 * vector (see {@link flatParams}), backed by a compiled tape ({@link compileTape}): the library's
 * autodiff traces the loss, its gradient and (with `hvp: true`) a Hessian-vector product once,
 * and every call replays them with preallocated buffers. `setBatch` loads the next batch (up to
 * {@link BATCH} rows).
 *
 * Why one flat vector: one leaf is one update loop of the optimizer instead of one per layer
 * (Adam is elementwise: the same numbers either way). The training loops hand each step's dead
 * parameters and state back with `recycle` (lib/optim/tree.ts), so a step allocates no fresh
 * Float64Array (fresh ones cost page faults here, about 26 per Adam step on this network, ~15 µs
 * each, until a garbage collection returns memory). The gradient and Hessian-vector product it
 * returns live in buffers that the next call overwrites, which is all an optimizer step needs.
 */
export class DigitsOracle implements Differentiable<Tensor> {
  readonly tape: CompiledTape;
  private last: Tensor | null = null;
  private readonly keys: string[];
  private readonly shapes: Record<string, readonly number[]>;
  private readonly offsets: number[] = [];
  private readonly g: Tensor;
  private readonly h: Tensor;
  /** the tape's buffers for each parameter: inputs, gradients, directions and H v */
  private readonly inputs: Float64Array[];
  private readonly grads: Float64Array[];
  private readonly directions: Float64Array[] | null;
  private readonly hvs: Float64Array[] | null;

  constructor(params: Record_, { hvp = false, model = digitsModel } = {}) {
    const X = new Tensor(new Float64Array(BATCH * 64), [BATCH, 64]);
    const Y = new Tensor(new Float64Array(BATCH * 10), [BATCH, 10]);
    this.keys = Object.keys(params);
    const loss = (x: Record_) => digitsLoss(x, model);
    this.tape = compileTape(loss, { ...params, X, Y }, this.keys, { hvp });
    this.shapes = Object.fromEntries(this.keys.map((k) => [k, params[k].shape]));
    let off = 0;
    for (const k of this.keys) {
      this.offsets.push(off);
      off += params[k].size;
    }
    this.offsets.push(off);
    this.g = flatParams(params);
    this.h = flatParams(params);
    const tape = this.tape;
    this.inputs = this.keys.map((k) => tape.input(k));
    this.grads = this.keys.map((k) => tape.grad(k));
    this.directions = hvp ? this.keys.map((k) => tape.direction(k)) : null;
    this.hvs = hvp ? this.keys.map((k) => tape.hv(k)) : null;
  }

  /** The named parameters of a flat vector (a copy). */
  unflatten(theta: Tensor): Record_ {
    const out: Record_ = {};
    this.keys.forEach((k, i) => {
      out[k] = new Tensor(theta.data.slice(this.offsets[i], this.offsets[i + 1]), this.shapes[k]);
    });
    return out;
  }

  /** Loads a batch: rows of X (pixels / 16) and their labels. */
  setBatch(X: Tensor, y: Tensor): void {
    this.setRows(X, y, Array.from({ length: y.size }, (_, i) => i), 0, y.size);
  }

  /**
   * Loads the batch `order[start..end)` of the rows of (X, y), copied straight into the tape's
   * input buffers (what `minibatches` yields, without making a tensor per batch).
   */
  setRows(X: Tensor, y: Tensor, order: readonly number[], start: number, end: number): void {
    const rows = end - start, d = 64;
    if (!(rows >= 1 && rows <= BATCH) || X.size !== y.size * d) {
      throw new Error(
        `DigitsOracle: a batch has 1 to ${BATCH} rows of ${d} pixels, got ${rows} rows of [${X.shape}]`,
      );
    }
    const xb = this.tape.input("X"), yb = this.tape.input("Y"), xs = X.data, ys = y.data;
    xb.fill(0);
    yb.fill(0);
    const w = rows === BATCH ? 1 : BATCH / rows;
    // plain loops, no views: V8 optimizes them within the first calls
    for (let r = 0; r < rows; r++) {
      const row = order[start + r], src = row * d, dst = r * d;
      for (let j = 0; j < d; j++) xb[dst + j] = xs[src + j];
      yb[r * 10 + ys[row]] = w;
    }
    this.last = null;
  }

  /** Copies the flat vector's parts into the tape's buffers (plain loops: no views per step). */
  private scatter(flat: Tensor, parts: readonly Float64Array[]): void {
    const o = this.offsets, src = flat.data;
    for (let i = 0; i < parts.length; i++) {
      const buf = parts[i], off = o[i];
      for (let j = 0; j < buf.length; j++) buf[j] = src[off + j];
    }
  }

  private gather(out: Tensor, parts: readonly Float64Array[]): Tensor {
    const o = this.offsets, dst = out.data;
    for (let i = 0; i < parts.length; i++) {
      const buf = parts[i], off = o[i];
      for (let j = 0; j < buf.length; j++) dst[off + j] = buf[j];
    }
    return out;
  }

  valueAndGrad = (theta: Tensor): [number, Tensor] => {
    if (theta !== this.last) this.scatter(theta, this.inputs);
    const v = this.tape.valueAndGrad();
    this.last = theta;
    return [v, this.gather(this.g, this.grads)];
  };

  hvp = (theta: Tensor, v: Tensor): Tensor => {
    if (theta !== this.last) this.valueAndGrad(theta);
    this.scatter(v, this.directions!);
    this.tape.hvp();
    return this.gather(this.h, this.hvs!);
  };
}

/** How digits-mlp gets its gradients: the compiled tape (headline) or the eager autodiff. */
export type MlpOracle = "tape" | "autodiff";

/**
 * `digits-mlp`: Adam lr 1e-3, batch 32 (the last batch of an epoch has 5 rows), 10 epochs over
 * the 1,797 digits (pixels / 16), weights and batch order seeded with 0. The time includes
 * compiling the tape, not drawing the initial weights (torch_bench.py times the same part).
 */
export function digitsMlp(
  { epochs = 10, oracle = "tape" as MlpOracle, wide = false, wasmAdam: inWasm = false } = {},
): BenchRecord {
  const { X, y } = loadDigits({ scale: true });
  const model = wide ? wideModel : digitsModel;
  // as torch_bench.py: the clocks start once the weights and the optimizer exist (the tape is
  // compiled inside the timed region)
  const init = model.init(new Rng(0));
  const opt = adam({ alpha: 1e-3 });
  const w0 = v8WorkerCpuSeconds(); // read outside the timed region
  const started = performance.now(), cpu0 = cpuSeconds();
  let steps = 0, final: Record_;
  if (oracle === "tape" && inWasm) {
    // the experiment (bench/wasm_adam.ts): the same loop, with Adam's update in WebAssembly on
    // θ | g | s | r in a memory of its own (θ is handed to the tape and g copied out as below)
    const f = new DigitsOracle(init, { model });
    const n0 = flatParams(init), P = n0.size;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((32 * P) / 65536) });
    const all = new Float64Array(memory.buffer, 0, 4 * P), g = all.subarray(P, 2 * P);
    all.set(n0.data);
    const theta = new Tensor(all.subarray(0, P), [P]);
    const update = wasmAdam(memory);
    const { rho1, rho2, delta, alpha } = opt.hyper as { [k: string]: number };
    const rng = new Rng(0), n = y.size;
    for (let e = 0; e < epochs; e++) {
      const order = rng.permutation(n);
      for (let b = 0; b < n; b += BATCH) {
        f.setRows(X, y, order, b, Math.min(n, b + BATCH));
        g.set(f.valueAndGrad(theta)[1].data);
        const t = ++steps;
        const negStep = -alpha / (1 - rho1 ** t), sqrtBc2 = Math.sqrt(1 - rho2 ** t);
        update(0, 8 * P, 16 * P, 24 * P, P, 1 - rho1, rho2, 1 - rho2, negStep, sqrtBc2, delta);
      }
    }
    final = f.unflatten(new Tensor(all.slice(0, P), [P]));
  } else if (oracle === "tape") {
    const f = new DigitsOracle(init, { model });
    let theta = flatParams(init);
    let state = opt.init(theta);
    // the batches of minibatches(X, y, { batchSize: BATCH, seed: 0 }), rows copied into the tape
    const rng = new Rng(0), n = y.size;
    for (let e = 0; e < epochs; e++) {
      const order = rng.permutation(n);
      for (let b = 0; b < n; b += BATCH) {
        f.setRows(X, y, order, b, Math.min(n, b + BATCH));
        // the step's inputs are dead (only the latest iterate is kept): the next step writes
        // its parameters and state into their leaves instead of allocating
        ({ params: theta, state } = recycleStep(
          [theta, state],
          () => optimStep(opt, f, theta, state),
        ));
        steps++;
      }
    }
    final = f.unflatten(theta);
  } else {
    const batches = minibatches(X, y, { batchSize: BATCH, seed: 0 });
    let params = init, state = opt.init(init), batch = { X, y };
    const loss = (p: Record_) => model.loss(p, batch.X, batch.y);
    for (let e = 0; e < epochs; e++) {
      for (const b of batches) {
        batch = b;
        ({ params, state } = optimStep(opt, loss, params, state));
        steps++;
      }
    }
    final = params;
  }
  const seconds = (performance.now() - started) / 1000, cpu = cpuSeconds() - cpu0;
  const w1 = v8WorkerCpuSeconds();
  const acc = model.accuracy!(final, X, y);
  const name = (wide ? "digits-mlp-wide" : "digits-mlp") + (oracle === "tape" ? "" : "-autodiff") +
    (inWasm ? "-wasm-adam" : "");
  return record(name, seconds, steps, {
    cpu_seconds: cpu,
    v8_worker_cpu_seconds: w0 === undefined || w1 === undefined ? undefined : w1 - w0,
    gradient: oracle === "tape" ? "compiled tape" : "autodiff",
    ...(inWasm ? { optimizer: "Adam in WebAssembly (experiment, bench/wasm_adam.ts)" } : {}),
    parameters: oracle === "tape" ? "flat tensor" : "record",
    train_accuracy: acc,
    peak_rss_mb: peakRssMb(),
  });
}

/**
 * A loss with value, gradient and Hessian-vector product from one recorded graph, as torch's
 * double backward does it: `valueAndGrad` runs the forward pass and a backward pass that records
 * its own graph; `hvp` at the same point differentiates ∑ gᵢ·vᵢ through that graph.
 */
export function doubleBackward<P extends Record_>(
  loss: (p: P) => Tensor,
): Differentiable<P> {
  let at: P | null = null, leaves: Tensor[] = [], grads: Tensor[] = [];
  let keys: string[] = [];
  const rebuild = (ts: Tensor[]) =>
    Object.fromEntries(keys.map((k, i) => [k, new Tensor(ts[i].data, ts[i].shape)])) as P;
  const self: Differentiable<P> = {
    valueAndGrad(p: P): [number, P] {
      keys = Object.keys(p);
      leaves = keys.map((k) => new Tensor(p[k].data, p[k].shape, true));
      const arg = Object.fromEntries(keys.map((k, i) => [k, leaves[i]])) as P;
      const y = loss(arg);
      grads = backward(y, leaves, true);
      at = p;
      return [y.item(), rebuild(grads)];
    },
    hvp(p: P, v: P): P {
      if (p !== at) self.valueAndGrad(p);
      let s: Tensor | null = null;
      for (let i = 0; i < keys.length; i++) {
        const term = grads[i].mul(v[keys[i]]).sum();
        s = s === null ? term : s.add(term);
      }
      return rebuild(backward(s!, leaves));
    },
  };
  return self;
}

/** Warm-up steps of each optimizer in adahessian-step (torch_bench.py takes as many). */
export const WARMUP = 200;

/**
 * `adahessian-step`: the time of one AdaHessian step (gradient, one Hutchinson Hessian-vector
 * product by double backward, update) over one Adam step, on the digits-mlp network and its first
 * batch of 32. {@link WARMUP} alternating warm-up steps, then `reps` of each, alternating.
 */
export function adahessianStep(
  { reps = 300, oracle = "tape" as MlpOracle } = {},
): BenchRecord {
  const { X, y } = loadDigits({ scale: true });
  const Xb = new Tensor(X.data.slice(0, BATCH * 64), [BATCH, 64]);
  const yb = new Tensor(y.data.slice(0, BATCH), [BATCH]);
  const loss = (p: Record_) => digitsModel.loss(p, Xb, yb);
  const start = digitsModel.init(new Rng(0));
  const optA = adam({ alpha: 1e-3 }), optH = adahessian({ alpha: 0.15, seed: 0 });
  let stepA: () => void, stepH: () => void, finite: () => boolean;
  if (oracle === "tape") {
    // one tape serves both: Adam runs its value-and-gradient part, AdaHessian all of it
    const f = new DigitsOracle(start, { hvp: true });
    f.setBatch(Xb, yb);
    let pA = flatParams(start), sA = optA.init(pA);
    let pH = flatParams(start), sH = optH.init(pH);
    // only the latest iterate is kept: each step's dead parameters and state are recycled
    stepA = () => ({ params: pA, state: sA } = recycleStep([pA, sA], () =>
      optimStep(optA, f, pA, sA)));
    stepH = () => ({ params: pH, state: sH } = recycleStep([pH, sH], () =>
      optimStep(optH, f, pH, sH)));
    finite = () => pH.data.every(Number.isFinite);
  } else {
    const fH = doubleBackward(loss);
    let pA: Record_ = start, sA = optA.init(start);
    let pH: Record_ = start, sH = optH.init(start);
    stepA = () => ({ params: pA, state: sA } = optimStep(optA, loss, pA, sA));
    stepH = () => ({ params: pH, state: sH } = optimStep(optH, fH, pH, sH));
    finite = () => Object.values(pH).every((t) => t.data.every(Number.isFinite));
  }
  // warm: V8 optimizes each WebAssembly function after 100 to 200 calls, on a second thread
  // whose CPU time would otherwise land in whichever step is measured then
  for (let i = 0; i < WARMUP; i++) {
    stepA();
    stepH();
  }
  // alternate single steps so that a burst of load on this shared machine hits both alike
  let wallA = 0, wallH = 0, cpuA = 0, cpuH = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now(), c0 = cpuSeconds();
    stepA();
    const t1 = performance.now(), c1 = cpuSeconds();
    stepH();
    const t2 = performance.now(), c2 = cpuSeconds();
    wallA += t1 - t0;
    cpuA += c1 - c0;
    wallH += t2 - t1;
    cpuH += c2 - c1;
  }
  const adamS = wallA / 1000 / reps, adamCpu = cpuA / reps;
  const adaS = wallH / 1000 / reps, adaCpu = cpuH / reps;
  const isFinite = finite();
  const workload = oracle === "tape" ? "adahessian-step" : "adahessian-step-autodiff";
  return record(workload, (adamS + adaS) * reps, 2 * reps, {
    gradient: oracle === "tape" ? "compiled tape" : "autodiff",
    per_step_us: adaS * 1e6,
    adam_step_us: adamS * 1e6,
    adahessian_step_us: adaS * 1e6,
    ratio: adaS / adamS,
    cpu_seconds: (adamCpu + adaCpu) * reps,
    cpu_ratio: adaCpu / adamCpu,
    finite: isFinite,
  });
}

/** `course-build`: a cold `deno task build` (a fresh process executing every notebook), in seconds. */
export async function courseBuild(): Promise<BenchRecord> {
  const root = new URL("..", import.meta.url).pathname;
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "build"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const seconds = (performance.now() - started) / 1000;
  const log = new TextDecoder().decode(out.stderr).trim().split("\n");
  return record("course-build", seconds, 1, {
    ok: out.success,
    summary: log.filter((l) => l.startsWith("build:")).at(-1) ?? log.at(-1) ?? "",
  });
}

/**
 * `matmul-flops`: GFLOP/s of the compiled tape's matrix product (the WebAssembly kernel of
 * lib/autodiff/wasm_matmul.ts) at the wide network's hidden layer, C (32×256) = A (32×256)
 * B (256×256), dense operands (no zeros to skip), on CPU time; torch_bench.py measures torch
 * and NumPy on the same shape and NumPy on 1024³ (the machine's figure).
 */
export function matmulFlops({ n = 32, k = 256, m = 256, seconds = 0.5 } = {}): BenchRecord {
  const w = wasmMatmul((n * k + k * m + n * m) * 8);
  const f = new Float64Array(w.memory.buffer, 0, n * k + k * m);
  const rng = new Rng(0);
  for (let i = 0; i < f.length; i++) f[i] = rng.uniform() + 0.5; // no zeros
  const run = () => w.mmDense(0, n * k * 8, (n * k + k * m) * 8, n, k, m, k, 1);
  run();
  let reps = 0;
  const cpu0 = cpuSeconds(), started = performance.now();
  while (cpuSeconds() - cpu0 < seconds) {
    for (let i = 0; i < 20; i++) run();
    reps += 20;
  }
  const cpu = cpuSeconds() - cpu0, wall = (performance.now() - started) / 1000;
  return record("matmul-flops", wall, reps, {
    cpu_seconds: cpu,
    shape: [n, k, m],
    course_gflops: (2 * n * k * m * reps) / cpu / 1e9,
  });
}
