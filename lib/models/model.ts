/**
 * What every model is: pure functions of a parameter record (like a JAX/optax model), so the
 * optimizers see parameters as plain data and `grad` differentiates the loss with respect to them.
 *
 * @module
 */

import { logSoftmax, Tensor } from "../autodiff/mod.ts";
import type { Rng } from "../random.ts";

/** A model's parameters by name (`w`, `b`, or `W1`, `b1`, `W2`, ...). */
export type ModelParams = Record<string, Tensor>;

/** What a model predicts, which fixes its loss and whether accuracy means anything. */
export type ModelKind = "regression" | "binary" | "multiclass";

/**
 * A model as pure functions of its parameters.
 *
 * - regression: `predict` gives ŷ (shape [n]); loss is the mean squared error; no accuracy.
 * - binary: `predict` gives logits z (shape [n]), P(y = 1) = σ(z); loss is the logistic loss.
 * - multiclass: `predict` gives logits (shape [n, k]); loss is the softmax cross-entropy.
 */
export interface Model {
  /** Short description for legends, e.g. "MLP 64-64-10 (tanh)". */
  name: string;
  /** What it predicts. */
  kind: ModelKind;
  /** Fresh parameters; random ones drawn from `rng` (the linear models start at zero). */
  init(rng: Rng): ModelParams;
  /** The model's output on the rows of X: ŷ for regression, logits for classifiers. */
  predict(params: ModelParams, X: Tensor): Tensor;
  /** The mean loss over the rows, a scalar tensor (differentiable with respect to `params`). */
  loss(params: ModelParams, X: Tensor, y: Tensor): Tensor;
  /** For classifiers: the fraction of rows whose predicted class equals y. */
  accuracy?(params: ModelParams, X: Tensor, y: Tensor): number;
  /**
   * The loss as a weighted sum of per-row losses, Σᵢ wᵢ ℓᵢ (a scalar tensor), with the targets
   * `T` as a tensor the ops read (see {@link rowTargets}: one-hot rows for multiclass, 0/1 for
   * binary, real values for regression) and weights `w` (shape [n]). With wᵢ = 1/n it equals
   * `loss(params, X, y)`; zero weights drop (padding) rows. Written with ops only and never
   * reading values in JavaScript, so `compileTape` can trace it: what `fit` compiles with
   * `compiled: true`.
   */
  rowLoss?(params: ModelParams, X: Tensor, T: Tensor, w: Tensor): Tensor;
}

/** A classifier: a model that also reports accuracy and class probabilities. */
export interface Classifier extends Model {
  kind: "binary" | "multiclass";
  accuracy(params: ModelParams, X: Tensor, y: Tensor): number;
  /** Class probabilities: P(y = 1) (shape [n]) for binary, softmax rows (shape [n, k]) otherwise. */
  probabilities(params: ModelParams, X: Tensor): Tensor;
}

/**
 * Fraction of rows where the predicted class matches the label: the largest logit per row for
 * logits of shape [n, k], and z > 0 (P(y = 1) > 1/2) for logits of shape [n].
 *
 * @example Argmax for class scores, sign for one logit
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { accuracyFromLogits } from "./model.ts";
 * console.log(accuracyFromLogits(tensor([[2, 1], [0, 3]]), tensor([0, 0]))); // 0.5
 * console.log(accuracyFromLogits(tensor([-1, 2, 3]), tensor([0, 1, 0]))); // 0.6666666666666666
 * ```
 */
export function accuracyFromLogits(logits: Tensor, y: Tensor): number {
  const n = logits.shape[0] ?? 0;
  if (y.size !== n) {
    throw new Error(`accuracy: ${n} rows of logits but ${y.size} labels`);
  }
  if (n === 0) return NaN;
  const z = logits.data, labels = y.data;
  let correct = 0;
  if (logits.ndim === 1) {
    for (let i = 0; i < n; i++) if ((z[i] > 0 ? 1 : 0) === labels[i]) correct++;
  } else {
    const k = logits.shape[1];
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (z[i * k + j] > z[i * k + best]) best = j;
      if (best === labels[i]) correct++;
    }
  }
  return correct / n;
}

/**
 * The targets `rowLoss` reads for labels or values `y`: a one-hot matrix [n, classes] for
 * `"multiclass"` (classes taken from `classes`), `y` itself otherwise (0/1 labels for `"binary"`,
 * real values for `"regression"`).
 *
 * @example One-hot rows for three classes
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { rowTargets } from "./model.ts";
 * console.log(rowTargets("multiclass", tensor([2, 0]), 3).toArray()); // [[0, 0, 1], [1, 0, 0]]
 * console.log(rowTargets("binary", tensor([1, 0])).toArray()); // [1, 0]
 * ```
 */
export function rowTargets(kind: ModelKind, y: Tensor, classes = 0): Tensor {
  if (kind !== "multiclass") return y;
  const n = y.size, T = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) {
    const k = y.data[i];
    if (!Number.isInteger(k) || k < 0 || k >= classes) {
      throw new RangeError(`invalid label ${k} at row ${i} (expected 0 to ${classes - 1})`);
    }
    T[i * classes + k] = 1;
  }
  return new Tensor(T, [n, classes]);
}

/**
 * Σᵢ wᵢ ℓᵢ for a model's outputs on n rows, the targets T of {@link rowTargets} and weights w
 * (shape [n]), with ℓᵢ the per-row loss of `kind`: −Σ_c T_ic log softmax(zᵢ)_c (multiclass),
 * log(1 + e^zᵢ) − Tᵢ zᵢ (binary), the mean over a row of (ŷᵢ − Tᵢ)² (regression). The same ops
 * as `softmaxCrossEntropy`, `logisticLoss` and `mse`, so with wᵢ = 1/n it is their value; the
 * models' `rowLoss` is this applied to `predict`.
 *
 * @example The mean logistic loss as a weighted sum
 * ```ts
 * import { logisticLoss, tensor } from "../autodiff/mod.ts";
 * import { weightedRowLoss } from "./model.ts";
 * const z = tensor([0.5, -1, 2]), y = tensor([1, 0, 0]), w = tensor([1 / 3, 1 / 3, 1 / 3]);
 * const a = weightedRowLoss("binary", z, y, w).item(), b = logisticLoss(z, y).item();
 * console.log(Math.abs(a - b) < 1e-15); // true
 * ```
 */
export function weightedRowLoss(kind: ModelKind, out: Tensor, T: Tensor, w: Tensor): Tensor {
  if (kind === "multiclass") return logSoftmax(out, 1).mul(T).sum(1).mul(w).sum().neg();
  if (kind === "binary") return out.softplus().sub(T.mul(out)).mul(w).sum();
  const d = out.sub(T).square();
  return (d.ndim === 2 ? d.mean(1) : d).mul(w).sum();
}
