/**
 * Logistic regression: binary classification with logits z = X w + b and the logistic loss.
 *
 * @module
 */

import { logisticLoss, noGrad, type Tensor, zeros } from "../autodiff/mod.ts";
import { checkInputs, checkSize } from "./checks.ts";
import { accuracyFromLogits, type Classifier, weightedRowLoss } from "./model.ts";

/**
 * Logistic regression on `inputs` features: parameters `w` (shape [inputs]) and `b` (scalar),
 * logits z = X w + b (shape [n]), P(y = 1 | x) = σ(z), loss mean(log(1 + e^z) − y z) (torch's
 * `BCEWithLogitsLoss`) for labels y ∈ {0, 1}. Starts at zero.
 *
 * @example At the zero start every probability is 1/2 and the loss is log 2
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { Rng } from "../random.ts";
 * import { logisticRegression } from "./logistic_regression.ts";
 * const model = logisticRegression({ inputs: 2 });
 * const params = model.init(new Rng(0));
 * const X = tensor([[1, 2], [3, -1]]), y = tensor([0, 1]);
 * console.log(model.loss(params, X, y).item()); // 0.6931471805599453
 * console.log(model.probabilities(params, X).toArray()); // [0.5, 0.5]
 * ```
 */
export function logisticRegression({ inputs }: { inputs: number }): Classifier {
  checkSize(inputs, "inputs");
  const name = "logistic regression";
  const predict = (p: Record<string, Tensor>, X: Tensor) => {
    checkInputs(X, inputs, name);
    return X.matmul(p.w).add(p.b);
  };
  return {
    name,
    kind: "binary",
    init: () => ({ w: zeros([inputs]), b: zeros([]) }),
    predict,
    rowLoss: (p, X, T, w) => weightedRowLoss("binary", predict(p, X), T, w),
    loss: (p, X, y) => logisticLoss(predict(p, X), y),
    accuracy: (p, X, y) => noGrad(() => accuracyFromLogits(predict(p, X), y)),
    probabilities: (p, X) => predict(p, X).sigmoid(),
  };
}
