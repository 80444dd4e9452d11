/**
 * Softmax (multinomial logistic) regression with the softmax cross-entropy.
 *
 * @module
 */

import { noGrad, softmax, softmaxCrossEntropy, type Tensor, zeros } from "../autodiff/mod.ts";
import { checkInputs, checkSize } from "./checks.ts";
import { accuracyFromLogits, type Classifier, weightedRowLoss } from "./model.ts";

/**
 * Softmax regression from `inputs` features to `classes` classes: parameters `W` (shape
 * [inputs, classes]) and `b` (shape [classes]), logits Z = X W + b (shape [n, classes]),
 * P(y = k | x) = softmax(z)ₖ, loss mean(−log softmax(z)_y) (torch's `CrossEntropyLoss`) for
 * integer labels 0..classes − 1. Starts at zero.
 *
 * @example At the zero start the loss is log k
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { Rng } from "../random.ts";
 * import { softmaxRegression } from "./softmax_regression.ts";
 * const model = softmaxRegression({ inputs: 2, classes: 4 });
 * const params = model.init(new Rng(0));
 * const loss = model.loss(params, tensor([[1, 2], [3, 4]]), tensor([3, 0]));
 * console.log(loss.item() === Math.log(4)); // true
 * ```
 */
export function softmaxRegression(
  { inputs, classes }: { inputs: number; classes: number },
): Classifier {
  checkSize(inputs, "inputs");
  checkSize(classes, "classes");
  const name = "softmax regression";
  const predict = (p: Record<string, Tensor>, X: Tensor) => {
    checkInputs(X, inputs, name);
    return X.matmul(p.W).add(p.b);
  };
  return {
    name,
    kind: "multiclass",
    init: () => ({ W: zeros([inputs, classes]), b: zeros([classes]) }),
    predict,
    rowLoss: (p, X, T, w) => weightedRowLoss("multiclass", predict(p, X), T, w),
    loss: (p, X, y) => softmaxCrossEntropy(predict(p, X), y),
    accuracy: (p, X, y) => noGrad(() => accuracyFromLogits(predict(p, X), y)),
    probabilities: (p, X) => softmax(predict(p, X)),
  };
}
