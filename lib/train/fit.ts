/**
 * Training a model on data with minibatches: the loop every training notebook runs, with a
 * history to plot (training loss per step; train/test loss and accuracy per epoch; wall time) and,
 * in a notebook, a progress line updated in place.
 *
 * Every step goes through the optimizer driver (`optimStep`), so Nesterov and AdaHessian work
 * like any other optimizer.
 *
 * @module
 */

import { type CompiledTape, compileTape, noGrad, Tensor } from "../autodiff/mod.ts";
import { minibatches } from "../data/minibatches.ts";
import type { Model, ModelParams } from "../models/model.ts";
import { type Differentiable, optimStep } from "../optim/driver.ts";
import { recycleStep } from "../optim/tree.ts";
import type { Optimizer, StepContext, StepCount } from "../optim/optimizer.ts";
import { Rng } from "../random.ts";
import { runName } from "./minimize.ts";
import { bar, progressLine, type ProgressSink } from "./progress.ts";

/** A data set: rows of X and their targets y. */
export interface Data {
  X: Tensor;
  y: Tensor;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** Passes over the training data. */
  epochs?: number;
  /** Rows per minibatch (the whole set when larger than it: full-batch gradient descent). */
  batchSize?: number;
  /** Seed of the generator for initialization and shuffling (ignored when `rng` is given). */
  seed?: number;
  /** The generator for initialization and shuffling (advances it). */
  rng?: Rng;
  /** Drop each epoch's last, smaller batch. */
  dropLast?: boolean;
  /** Reshuffle each epoch (default true). */
  shuffle?: boolean;
  /** Held-out data evaluated after every epoch. */
  test?: Data;
  /** Start from these parameters instead of `model.init(rng)`. */
  params?: ModelParams;
  /** Show a progress line: true (default) shows it when running in a Jupyter notebook; false
   * never; a function receives the display updates instead (tests, other front ends). */
  progress?: boolean | ProgressSink;
  /** Passed to every step (e.g. an `rng` for AdaHessian). */
  ctx?: StepContext;
  /** A name for the run (legends); default: the optimizer and its hyperparameters. */
  name?: string;
  /** Evaluate the losses (and accuracies) every this many epochs (default 1); the last epoch is
   * always evaluated. Long full-batch runs, where an epoch is one step, use a larger value. */
  evalEvery?: number;
  /** Called after every step with the new parameters and optimizer state (to record e.g. a
   * weight norm or an effective learning rate along training). */
  onStep?: (info: StepInfo) => void;
  /**
   * Train on a compiled tape (`compileTape`): the model's `rowLoss`, its gradient and (when the
   * optimizer needs it, e.g. AdaHessian) a Hessian-vector product are traced once at the batch
   * size and replayed on preallocated buffers for every batch: the same history to rounding,
   * several times faster for small networks. A shorter last batch is padded with zero-weight
   * rows. `true` needs a model with `rowLoss` (every model of lib/models) whose ops the tape
   * supports (otherwise compileTape's error names the op); `"auto"` (the default) compiles when
   * the model allows and otherwise trains on the dynamic autodiff; `false` always does.
   */
  compiled?: boolean | "auto";
}

/** What {@link FitOptions.onStep} receives after each step. */
export interface StepInfo {
  /** Steps taken so far, this one included (1 after the first). */
  step: number;
  /** The epoch of the step (1 for the first). */
  epoch: number;
  /** The minibatch loss at the parameters before the step. */
  loss: number;
  /** The parameters after the step. */
  params: ModelParams;
  /** The optimizer state after the step. */
  // deno-lint-ignore no-explicit-any
  state: any;
}

/** The training loss of one minibatch step. */
export interface StepRecord {
  /** Steps taken before this one (0 for the first). */
  step: number;
  /** The epoch the step belongs to (1 for the first). */
  epoch: number;
  /** The minibatch loss at the parameters before the step. */
  loss: number;
  /** Seconds since training started, after the step. */
  time: number;
}

/** Losses and accuracies over the whole training (and test) set after an epoch. */
export interface EpochRecord {
  /** Epochs completed (0: before training). */
  epoch: number;
  /** Mean loss over the training set. */
  trainLoss: number;
  /** Accuracy on the training set (classifiers only). */
  trainAccuracy?: number;
  /** Mean loss over the test set (when `test` is given). */
  testLoss?: number;
  /** Accuracy on the test set (classifiers with `test`). */
  testAccuracy?: number;
  /** Seconds since training started (evaluation time excluded). */
  time: number;
}

/** What {@link fit} returns. Plot it with `curves([{ name, data: history.steps }])` or with
 * `history.epochs` and `y: ["trainLoss", "testLoss"]`. */
export interface History {
  /** The run's name (legends). */
  name: string;
  /** One record per minibatch step. */
  steps: StepRecord[];
  /** One record per evaluated epoch (every epoch by default), starting with epoch 0 (the initial
   * parameters). */
  epochs: EpochRecord[];
  /** The final parameters (the last finite ones when training diverged). */
  params: ModelParams;
  /** The optimizer state that goes with `params`. */
  // deno-lint-ignore no-explicit-any
  state: any;
  /** Seconds of training (evaluation excluded). */
  time: number;
  /** "completed", or "diverged" with the step and a hint. */
  stop: { reason: "completed" | "diverged"; step: number; message: string };
}

/** Defaults, declared once. */
const defaults = {
  epochs: 10,
  batchSize: 32,
  seed: 0,
  progress: true,
  /** Seconds between progress updates within an epoch. */
  progressEvery: 0.25,
} as const;

const known = [
  "epochs",
  "batchSize",
  "seed",
  "rng",
  "dropLast",
  "shuffle",
  "test",
  "params",
  "progress",
  "ctx",
  "name",
  "onStep",
  "evalEvery",
  "compiled",
];

function evaluate(model: Model, params: ModelParams, data: Data): [number, number | undefined] {
  return noGrad(() => {
    const loss = model.loss(params, data.X, data.y).item();
    const accuracy = model.accuracy ? model.accuracy(params, data.X, data.y) : undefined;
    return [loss, accuracy];
  });
}

/** Compiled tapes by model and by parameter, batch and label shapes (see compiledLoss). */
const tapeCache = new WeakMap<Model, Map<string, CompiledTape>>();

/** Where the compiled tape reads a batch: the parameters plus these data inputs. */
const IN = { X: "$X", T: "$T", w: "$w" } as const;

/**
 * A compiled tape of `model.rowLoss` for batches of `rows` rows, as the driver's
 * {@link Differentiable} of the model parameters, and `load` to put a batch into it (padded to
 * `rows` rows with zero weights, the real rows weighted 1 / their count: the batch mean).
 */
function compiledLoss(
  model: Model,
  params: ModelParams,
  data: Data,
  rows: number,
  hvp: boolean,
): { f: Differentiable<ModelParams>; load(X: Tensor, y: Tensor): void } {
  const rowLoss = model.rowLoss;
  if (typeof rowLoss !== "function") {
    throw new RangeError(
      `invalid option: compiled: true needs a model with rowLoss(params, X, T, w) ` +
        `(${model.name} has none; use compiled: false)`,
    );
  }
  const d = data.X.shape.slice(1), dn = d.reduce((a, b) => a * b, 1);
  const keys = Object.keys(params);
  for (const k of Object.values(IN)) {
    if (keys.includes(k)) throw new RangeError(`invalid parameter name: ${k} (reserved by fit)`);
  }
  let classes = 0;
  let tShape = [rows, ...data.y.shape.slice(1)];
  if (model.kind === "multiclass") {
    const first = new Tensor(data.X.data.slice(0, dn), [1, ...d]);
    classes = noGrad(() => model.predict(params, first)).shape[1];
    tShape = [rows, classes];
  }
  const tRow = tShape.slice(1).reduce((a, b) => a * b, 1);
  const zerosOf = (shape: number[]) =>
    new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
  const example: Record<string, Tensor> = {
    ...params,
    [IN.X]: zerosOf([rows, ...d]),
    [IN.T]: zerosOf(tShape),
    [IN.w]: zerosOf([rows]),
  };
  // One tape per model and shapes, reused by later fits (a sweep trains the same network many
  // times): the tape holds no parameter values, every step loads them.
  const cacheKey = JSON.stringify([rows, hvp, keys.map((k) => [k, params[k].shape]), d, tShape]);
  let tapes = tapeCache.get(model);
  if (tapes === undefined) tapeCache.set(model, tapes = new Map());
  let tape = tapes.get(cacheKey);
  if (tape === undefined) {
    tape = compileTape((x) => rowLoss(x, x[IN.X], x[IN.T], x[IN.w]), example, keys, { hvp });
    tapes.set(cacheKey, tape);
  }
  const shapes = keys.map((k) => params[k].shape);
  const xb = tape.input(IN.X), tb = tape.input(IN.T), wb = tape.input(IN.w);
  let last: ModelParams | null = null;
  // the gradient and H v handed to the optimizer are the tape's own buffers (no copy): a step
  // reads them before the next call overwrites them, and fit keeps neither
  const view = (part: (k: string) => Float64Array): ModelParams =>
    Object.fromEntries(keys.map((k, i) => [k, new Tensor(part(k), shapes[i])]));
  const grads = view(tape.grad), hvs = hvp ? view(tape.hv) : grads;
  const valueAndGrad = (p: ModelParams): [number, ModelParams] => {
    for (const k of keys) tape.input(k).set(p[k].data);
    const v = tape.valueAndGrad();
    last = p;
    return [v, grads];
  };
  const f: Differentiable<ModelParams> = {
    valueAndGrad,
    hvp: hvp
      ? (p, v) => {
        if (p !== last) valueAndGrad(p);
        for (const k of keys) tape.direction(k).set(v[k].data);
        tape.hvp();
        return hvs;
      }
      : undefined,
  };
  const load = (X: Tensor, y: Tensor) => {
    const r = X.shape[0];
    xb.fill(0);
    xb.set(X.data);
    tb.fill(0);
    if (model.kind === "multiclass") {
      for (let i = 0; i < r; i++) {
        const k = y.data[i];
        if (!Number.isInteger(k) || k < 0 || k >= classes) {
          throw new RangeError(`invalid label ${k} (expected 0 to ${classes - 1})`);
        }
        tb[i * tRow + k] = 1;
      }
    } else tb.set(y.data);
    wb.fill(0);
    wb.fill(1 / r, 0, r);
    last = null;
  };
  return { f, load };
}

/**
 * `make()`, or with `fallback` undefined when the model cannot be compiled (no `rowLoss`, or an op
 * the tape does not support): fit then trains on the dynamic autodiff.
 */
function tryCompile<T>(fallback: boolean, make: () => T): T | undefined {
  if (!fallback) return make();
  try {
    return make();
  } catch {
    return undefined;
  }
}

const fmt = (v: number | undefined) => v === undefined ? "–" : String(+v.toPrecision(4));

/**
 * Trains `model` on `data` with `optimizer`, in minibatches drawn by a seeded generator, and
 * records the history. In a Jupyter notebook a progress line (epoch, bar, last loss, test
 * accuracy, time) updates in place; elsewhere it is silent. Async, because each display update
 * must be awaited: `const history = await fit(...)`.
 *
 * @example Logistic regression on the two moons, 5 epochs of Adam
 * ```ts
 * import { twoMoons } from "../data/mod.ts";
 * import { logisticRegression } from "../models/mod.ts";
 * import { adam } from "../optim/mod.ts";
 * import { fit } from "./fit.ts";
 * const data = twoMoons({ n: 200, seed: 1 });
 * const history = await fit(logisticRegression({ inputs: 2 }), data, adam({ alpha: 0.05 }), {
 *   epochs: 5,
 *   batchSize: 20,
 *   seed: 0,
 * });
 * console.log(history.steps.length, history.epochs.length); // 50 6
 * console.log(history.epochs[5].trainAccuracy! > 0.75); // true
 * ```
 *
 * @example The same run on a compiled tape: the same history, faster
 * ```ts
 * import { twoMoons } from "../data/mod.ts";
 * import { logisticRegression } from "../models/mod.ts";
 * import { adam } from "../optim/mod.ts";
 * import { fit } from "./fit.ts";
 * const data = twoMoons({ n: 210, seed: 1 }); // batches of 20: the last one has 10 rows
 * const run = (compiled: boolean) =>
 *   fit(logisticRegression({ inputs: 2 }), data, adam({ alpha: 0.05 }), {
 *     epochs: 5,
 *     batchSize: 20,
 *     compiled,
 *   });
 * const [dynamic, compiled] = [await run(false), await run(true)];
 * const gap = Math.abs(compiled.epochs[5].trainLoss - dynamic.epochs[5].trainLoss);
 * console.log(compiled.steps.length, gap < 1e-12); // 55 true
 * ```
 */
export async function fit(
  model: Model,
  data: Data,
  optimizer: Optimizer<StepCount>,
  options: FitOptions = {},
): Promise<History> {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new RangeError(`invalid option: ${key} (fit() knows ${known.join(", ")})`);
    }
  }
  if (!model || typeof model.loss !== "function" || typeof model.init !== "function") {
    throw new RangeError(`invalid model: ${model} (expected e.g. linearRegression({ inputs }))`);
  }
  if (!optimizer || typeof optimizer.step !== "function") {
    throw new RangeError(`invalid optimizer: ${optimizer} (expected e.g. sgd({ alpha: 0.1 }))`);
  }
  if (!data?.X || !data?.y) {
    throw new RangeError(`invalid data: ${data} (expected { X, y } tensors)`);
  }
  const {
    epochs = defaults.epochs,
    batchSize = defaults.batchSize,
    dropLast,
    shuffle,
    test,
    ctx,
    onStep,
    evalEvery = 1,
    progress = defaults.progress,
    compiled = "auto",
  } = options;
  if (typeof compiled !== "boolean" && compiled !== "auto") {
    throw new RangeError(`invalid compiled: ${compiled} (expected true, false or "auto")`);
  }
  if (!Number.isInteger(evalEvery) || evalEvery < 1) {
    throw new RangeError(`invalid evalEvery: ${evalEvery} (expected a whole number ≥ 1)`);
  }
  if (onStep !== undefined && typeof onStep !== "function") {
    throw new RangeError(
      `invalid onStep: ${onStep} (expected a function ({ params, state }) => …)`,
    );
  }
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(`invalid epochs: ${epochs} (expected a whole number ≥ 0)`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`invalid batchSize: ${batchSize} (expected a whole number ≥ 1)`);
  }
  const rng = options.rng ?? new Rng(options.seed ?? defaults.seed);
  const n = data.X.shape[0];
  const batches = minibatches(data.X, data.y, {
    batchSize: Math.min(batchSize, n),
    dropLast,
    shuffle,
    rng,
  });
  const name = options.name ?? runName(optimizer);
  const line = progress === false
    ? undefined
    : progressLine(typeof progress === "function" ? progress : undefined);

  let params = options.params ?? model.init(rng);
  let state = optimizer.init(params);
  const tape = compiled === false
    ? undefined
    : tryCompile(compiled === "auto", () =>
      compiledLoss(model, params, data, Math.min(batchSize, n), !!optimizer.needsHvp));
  const history: History = {
    name,
    steps: [],
    epochs: [],
    params,
    state,
    time: 0,
    stop: { reason: "completed", step: 0, message: "" },
  };
  let trainTime = 0; // seconds spent in steps (evaluation excluded)
  const record = (epoch: number) => {
    const [trainLoss, trainAccuracy] = evaluate(model, params, data);
    const row: EpochRecord = { epoch, trainLoss, time: trainTime };
    if (trainAccuracy !== undefined) row.trainAccuracy = trainAccuracy;
    if (test) {
      const [testLoss, testAccuracy] = evaluate(model, params, test);
      row.testLoss = testLoss;
      if (testAccuracy !== undefined) row.testAccuracy = testAccuracy;
    }
    history.epochs.push(row);
    return row;
  };
  const totalSteps = epochs * batches.batchesPerEpoch;
  const status = (epoch: number, step: number, loss: number) => {
    const last = history.epochs.at(-1);
    const acc = last?.testAccuracy ?? last?.trainAccuracy;
    const accText = acc === undefined
      ? ""
      : ` · ${last?.testAccuracy !== undefined ? "test" : "train"} accuracy ${fmt(acc)}`;
    return `${name}: epoch ${epoch}/${epochs} ${bar(totalSteps ? step / totalSteps : 1)} ` +
      `step ${step}/${totalSteps} · loss ${fmt(loss)}${accText} · ${trainTime.toFixed(1)} s`;
  };

  record(0);
  await line?.update(status(0, 0, history.epochs[0].trainLoss));
  let step = 0;
  let lastShown = 0;
  training: for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const batch of batches.epoch()) {
      const started = performance.now();
      let f: Differentiable<ModelParams> | ((p: ModelParams) => Tensor);
      if (tape) {
        tape.load(batch.X, batch.y);
        f = tape.f;
      } else f = (p: ModelParams) => model.loss(p, batch.X, batch.y);
      // In-place plumbing: only the latest iterate is kept, so the step's inputs are dead and the
      // next step writes its parameters and state into their memory (no fresh arrays, no page
      // faults), as do the step's temporaries. Not the first step's inputs (the caller's initial
      // parameters), and never when onStep may keep references.
      const dead = step > 0 && onStep === undefined ? [params, state] : [];
      const r = onStep === undefined
        ? recycleStep(dead, () => optimStep(optimizer, f, params, state, ctx))
        : optimStep(optimizer, f, params, state, ctx);
      trainTime += (performance.now() - started) / 1000;
      if (!Number.isFinite(r.loss)) {
        const alpha = optimizer.hyper?.alpha;
        history.stop = {
          reason: "diverged",
          step,
          message:
            `diverged at step ${step} (epoch ${epoch}): the minibatch loss became ${r.loss}; ` +
            `lower the learning rate${typeof alpha === "number" ? ` (α = ${alpha})` : ""}`,
        };
        break training;
      }
      history.steps.push({ step, epoch, loss: r.loss, time: trainTime });
      params = r.params;
      state = r.state;
      step++;
      onStep?.({ step, epoch, loss: r.loss, params, state });
      if (line && trainTime - lastShown >= defaults.progressEvery) {
        lastShown = trainTime;
        await line.update(status(epoch - 1, step, r.loss));
      }
    }
    if (epoch % evalEvery === 0 || epoch === epochs) {
      const row = record(epoch);
      await line?.update(status(epoch, step, row.trainLoss));
    }
  }
  history.params = params;
  history.state = state;
  history.time = trainTime;
  if (history.stop.reason === "completed") {
    const last = history.epochs.at(-1)!;
    history.stop = {
      reason: "completed",
      step,
      message: `completed ${epochs} epoch${epochs === 1 ? "" : "s"} (${step} steps) in ${
        trainTime.toFixed(2)
      } s: train loss ${fmt(last.trainLoss)}${
        last.testLoss !== undefined ? `, test loss ${fmt(last.testLoss)}` : ""
      }${last.testAccuracy !== undefined ? `, test accuracy ${fmt(last.testAccuracy)}` : ""}`,
    };
  }
  await line?.update(`${name}: ${history.stop.message}`);
  return history;
}
