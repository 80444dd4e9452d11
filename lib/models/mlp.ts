/**
 * The multilayer perceptron: affine layers with an activation between them.
 *
 * @module
 */

import {
  logisticLoss,
  mse,
  noGrad,
  softmax,
  softmaxCrossEntropy,
  type Tensor,
  zeros,
} from "../autodiff/mod.ts";
import type { Rng } from "../random.ts";
import { checkInputs, checkSize } from "./checks.ts";
import { accuracyFromLogits, type Classifier, type Model, weightedRowLoss } from "./model.ts";

/** The hidden-layer nonlinearity. */
export type MlpActivation = "tanh" | "relu" | "sigmoid";

/**
 * How to draw the initial weights (biases start at zero):
 * - `"glorot"`: uniform on ±√(6 / (fan_in + fan_out)) (Glorot and Bengio 2010; torch's
 *   `xavier_uniform_`), suited to tanh and sigmoid;
 * - `"he"`: normal with standard deviation √(2 / fan_in) (He et al. 2015; torch's
 *   `kaiming_normal_`), suited to ReLU.
 */
export type MlpInit = "glorot" | "he";

/**
 * The output layer and loss:
 * - `"softmax"` (default): logits for `sizes.at(-1)` classes, softmax cross-entropy;
 * - `"logistic"`: one logit (last size 1), logistic loss on labels 0/1;
 * - `"linear"`: regression outputs with the mean squared error (shape [n] if the last size is 1).
 */
export type MlpOutput = "softmax" | "logistic" | "linear";

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Layer widths from input to output, e.g. [64, 64, 10]: at least an input and an output. */
  sizes: readonly number[];
  /** Hidden-layer activation. Default "tanh". */
  activation?: MlpActivation;
  /** Weight initialization. Default: "he" for ReLU, "glorot" otherwise. */
  init?: MlpInit;
  /** Output layer and loss. Default "softmax". */
  output?: MlpOutput;
}

const ACTIVATIONS: Record<MlpActivation, (h: Tensor) => Tensor> = {
  tanh: (h) => h.tanh(),
  relu: (h) => h.relu(),
  sigmoid: (h) => h.sigmoid(),
};

/**
 * A multilayer perceptron as pure functions of its parameters `W1, b1, W2, b2, ...` (layer l maps
 * `sizes[l-1]` to `sizes[l]` units: h ← act(h W_l + b_l), no activation after the last layer).
 *
 * @example A digits classifier
 * ```ts
 * import { loadDigits } from "../data/mod.ts";
 * import { Rng } from "../random.ts";
 * import { mlp } from "./mlp.ts";
 * const { X, y } = loadDigits({ scale: true });
 * const model = mlp({ sizes: [64, 32, 10], activation: "relu" });
 * const params = model.init(new Rng(0));
 * console.log(Object.keys(params), params.W1.shape); // ["W1", "b1", "W2", "b2"] [64, 32]
 * console.log(model.predict(params, X).shape); // [1797, 10]
 * console.log(Math.abs(model.loss(params, X, y).item() - Math.log(10)) < 1); // true
 * ```
 */
export function mlp(options: MlpOptions & { output?: "softmax" | "logistic" }): Classifier;
export function mlp(options: MlpOptions): Model;
export function mlp(options: MlpOptions): Model {
  const { sizes, activation = "tanh", output = "softmax" } = options;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new RangeError(
      `invalid sizes: [${sizes}] (expected at least an input and an output width, e.g. [64, 32, 10])`,
    );
  }
  sizes.forEach((s, l) => checkSize(s, `sizes[${l}]`));
  if (!(activation in ACTIVATIONS)) {
    throw new RangeError(
      `invalid activation: ${activation} (expected "tanh", "relu" or "sigmoid")`,
    );
  }
  const init = options.init ?? (activation === "relu" ? "he" : "glorot");
  if (init !== "glorot" && init !== "he") {
    throw new RangeError(`invalid init: ${init} (expected "glorot" or "he")`);
  }
  if (!["softmax", "logistic", "linear"].includes(output)) {
    throw new RangeError(`invalid output: ${output} (expected "softmax", "logistic" or "linear")`);
  }
  const outputs = sizes[sizes.length - 1];
  if (output === "logistic" && outputs !== 1) {
    throw new RangeError(
      `invalid sizes: [${sizes}] (a logistic output has one unit, so the last size must be 1)`,
    );
  }
  if (output === "softmax" && outputs < 2) {
    throw new RangeError(
      `invalid sizes: [${sizes}] (a softmax output needs at least 2 classes; ` +
        `use output: "logistic" for one logit)`,
    );
  }
  const act = ACTIVATIONS[activation];
  const layers = sizes.length - 1;
  const name = `MLP ${sizes.join("-")} (${activation})`;

  const predict = (p: Record<string, Tensor>, X: Tensor): Tensor => {
    checkInputs(X, sizes[0], name);
    let h = X;
    for (let l = 1; l <= layers; l++) {
      h = h.matmul(p[`W${l}`]).add(p[`b${l}`]);
      if (l < layers) h = act(h);
    }
    return outputs === 1 && output !== "softmax" ? h.reshape([h.shape[0]]) : h;
  };

  const initParams = (rng: Rng): Record<string, Tensor> => {
    const params: Record<string, Tensor> = {};
    for (let l = 1; l <= layers; l++) {
      const fanIn = sizes[l - 1], fanOut = sizes[l];
      const W = zeros([fanIn, fanOut]);
      if (init === "glorot") {
        const a = Math.sqrt(6 / (fanIn + fanOut));
        for (let i = 0; i < W.data.length; i++) W.data[i] = a * (2 * rng.uniform() - 1);
      } else {
        const s = Math.sqrt(2 / fanIn);
        for (let i = 0; i < W.data.length; i++) W.data[i] = s * rng.normal();
      }
      params[`W${l}`] = W;
      params[`b${l}`] = zeros([fanOut]);
    }
    return params;
  };

  const base = { name, init: initParams, predict };
  if (output === "linear") {
    return {
      ...base,
      kind: "regression",
      loss: (p, X, y) => mse(predict(p, X), y),
      rowLoss: (p, X, T, w) => weightedRowLoss("regression", predict(p, X), T, w),
    };
  }
  const accuracy = (p: Record<string, Tensor>, X: Tensor, y: Tensor) =>
    noGrad(() => accuracyFromLogits(predict(p, X), y));
  if (output === "logistic") {
    const model: Classifier = {
      ...base,
      kind: "binary",
      loss: (p, X, y) => logisticLoss(predict(p, X), y),
      rowLoss: (p, X, T, w) => weightedRowLoss("binary", predict(p, X), T, w),
      accuracy,
      probabilities: (p, X) => predict(p, X).sigmoid(),
    };
    return model;
  }
  const model: Classifier = {
    ...base,
    kind: "multiclass",
    loss: (p, X, y) => softmaxCrossEntropy(predict(p, X), y),
    rowLoss: (p, X, T, w) => weightedRowLoss("multiclass", predict(p, X), T, w),
    accuracy,
    probabilities: (p, X) => softmax(predict(p, X)),
  };
  return model;
}
