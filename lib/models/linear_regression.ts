/**
 * Linear regression ŷ = X w + b with the mean squared error.
 *
 * @module
 */

import { mse, type Tensor, zeros } from "../autodiff/mod.ts";
import { checkInputs, checkSize } from "./checks.ts";
import { type Model, weightedRowLoss } from "./model.ts";

/**
 * Linear regression on `inputs` features: parameters `w` (shape [inputs]) and `b` (scalar),
 * prediction ŷ = X w + b (shape [n]), loss mean((ŷ − y)²) (torch's `MSELoss`; no factor ½).
 * Starts at zero (the loss is convex, so the start does not change the minimum).
 *
 * @example Fit data from known weights with gradient descent
 * ```ts
 * import { grad, noGrad, type Tensor } from "../autodiff/mod.ts";
 * import { linearData } from "../data/mod.ts";
 * import { Rng } from "../random.ts";
 * import { linearRegression } from "./linear_regression.ts";
 * const { X, y } = linearData({ n: 200, w: [2, -3.4], b: 4.2, noise: 0.01, seed: 0 });
 * const model = linearRegression({ inputs: 2 });
 * let params = model.init(new Rng(0));
 * const lossGrad = grad((p: Record<string, Tensor>) => model.loss(p, X, y));
 * for (let t = 0; t < 200; t++) {
 *   const g = lossGrad(params);
 *   params = noGrad(() => ({ w: params.w.sub(g.w.mul(0.1)), b: params.b.sub(g.b.mul(0.1)) }));
 * }
 * console.log(params.w.toArray(), params.b.item()); // ≈ [2, -3.4] 4.2
 * ```
 */
export function linearRegression({ inputs }: { inputs: number }): Model {
  checkSize(inputs, "inputs");
  const name = "linear regression";
  const predict = (p: Record<string, Tensor>, X: Tensor) => {
    checkInputs(X, inputs, name);
    return X.matmul(p.w).add(p.b);
  };
  return {
    name,
    kind: "regression",
    init: () => ({ w: zeros([inputs]), b: zeros([]) }),
    predict,
    rowLoss: (p, X, T, w) => weightedRowLoss("regression", predict(p, X), T, w),
    loss: (p, X, y) => mse(predict(p, X), y),
  };
}
