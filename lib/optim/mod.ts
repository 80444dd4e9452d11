/**
 * Optimizers of the lecture (GD/SGD, momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam, AdamW,
 * AdaBelief, AdaHessian, NAdam, RAdam), learning-rate schedules, and the driver that computes
 * gradients at the right point for any of them.
 *
 * Every optimizer is a factory returning a pure {@link Optimizer}: `init(params)` and
 * `step(params, grads, state)`. Parameters may be a Tensor, a `number[]` or a record of tensors;
 * state entries (s, r, v, …) have the same structure. `alpha` is a number or a schedule α^(t).
 * {@link optimStep} computes the gradient at the right point for any of them.
 *
 * | lecture / library            | state           | torch.optim                         | optax                     |
 * | ---------------------------- | --------------- | ----------------------------------- | ------------------------- |
 * | `sgd` (GD, SGD)              | –               | `SGD(lr)`                           | `sgd`                     |
 * | `momentum` (v = ρv − αĝ)     | v               | `SGD(momentum)`, v = −lr·b          | `sgd(momentum)`           |
 * | `nesterov` (look-ahead)      | v               | `SGD(nesterov=True)`, iterate = θ̃   | `sgd(nesterov=True)`      |
 * | `torchSgd`                   | b               | `SGD` exactly (dampening, nesterov) | –                         |
 * | `adagrad`                    | r               | `Adagrad` (δ outside the root)      | differs (δ inside, r0)    |
 * | `rmsprop`                    | r (s, b)        | `RMSprop(alpha=ρ)`                  | differs (δ inside)        |
 * | `adadelta`                   | r, u            | `Adadelta`                          | needs a learning rate     |
 * | `adam`                       | s, r (rMax)     | `Adam` (amsgrad as torch)           | `adam` (amsgrad differs)  |
 * | `adamL2`                     | s, r            | `Adam(weight_decay=λ)`              | add_decayed_weights, adam |
 * | `adamw`                      | s, r            | `AdamW`                             | `adamw`                   |
 * | `adamwSlide` (slide, twice)  | s, r            | –                                   | –                         |
 * | `adabelief`                  | s, r            | official `AdaBelief` code           | `adabelief` (no rectify)  |
 * | `adahessian`                 | s, r            | official `AdaHessian` code          | –                         |
 * | `nadam`                      | s, r, muProduct | `NAdam`                             | differs                   |
 * | `radam`                      | s, r            | `RAdam`                             | `radam`                   |
 *
 * @example Adam on x² + y²
 * ```ts
 * import { adam } from "./mod.ts";
 * const opt = adam({ alpha: 0.1 });
 * let params = [1, -1];
 * let state = opt.init(params);
 * for (let i = 0; i < 200; i++) ({ params, state } = opt.step(params, params.map((x) => 2 * x), state));
 * console.log(Math.hypot(...params) < 0.01); // true
 * ```
 *
 * @module
 */

export * from "./optimizer.ts";
export {
  copyTree,
  flatten,
  fullLike,
  type Leaf,
  leafwise,
  type Params,
  recycle,
  recycleStep,
} from "./tree.ts";
export * from "./validate.ts";
export * from "./schedule.ts";
export * from "./sgd.ts";
export * from "./momentum.ts";
export * from "./nesterov.ts";
export * from "./torch_sgd.ts";
export * from "./adagrad.ts";
export * from "./rmsprop.ts";
export * from "./adadelta.ts";
export * from "./adam.ts";
export * from "./adam_l2.ts";
export * from "./adamw.ts";
export * from "./adabelief.ts";
export * from "./adahessian.ts";
export * from "./nadam.ts";
export * from "./radam.ts";
export * from "./driver.ts";
export * from "./run_on_gradients.ts";
export * from "./step_lengths.ts";
export * from "./effective_rates.ts";
export * from "./hutchinson_estimates.ts";
