/**
 * What every model is: pure functions of a parameter record (like a JAX/optax model), so the
 * optimizers see parameters as plain data and `grad` differentiates the loss with respect to them.
 *
 * @module
 */

import type { Tensor } from "../autodiff/mod.ts";
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
