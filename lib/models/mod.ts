/**
 * Models as pure functions of a parameter record: linear, logistic and softmax regression and the
 * multilayer perceptron, each with `init`, `predict`, `loss` (and `accuracy` for classifiers).
 *
 * @example One gradient step on a softmax regression
 * ```ts
 * import { grad, noGrad, type Tensor } from "../autodiff/mod.ts";
 * import { loadDigits } from "../data/mod.ts";
 * import { Rng } from "../random.ts";
 * import { softmaxRegression } from "./mod.ts";
 * const { X, y } = loadDigits({ scale: true });
 * const model = softmaxRegression({ inputs: 64, classes: 10 });
 * const params = model.init(new Rng(0));
 * const g = grad((p: Record<string, Tensor>) => model.loss(p, X, y))(params);
 * const next = noGrad(() => ({ W: params.W.sub(g.W.mul(0.5)), b: params.b.sub(g.b.mul(0.5)) }));
 * console.log(model.loss(next, X, y).item() < model.loss(params, X, y).item()); // true
 * ```
 *
 * @module
 */

export * from "./linear_regression.ts";
export * from "./logistic_regression.ts";
export * from "./mlp.ts";
export * from "./model.ts";
export * from "./softmax_regression.ts";
