/**
 * How noisy a minibatch gradient is: the per-example gradients of a model at fixed parameters,
 * and the mean squared distance between the gradient of a random minibatch of B distinct
 * examples and the full gradient, which falls like σ²/B · (M − B)/(M − 1) (the 1/B law, with the
 * finite-population correction for sampling without replacement).
 *
 * @module
 */

import { grad, type Tensor } from "../autodiff/mod.ts";
import type { Model, ModelParams } from "../models/model.ts";
import type { Rng } from "../random.ts";

/**
 * The gradient of `model.loss` on each row of X alone, at `params`, each flattened into one
 * vector (parameters in the record's key order, each tensor's entries in order).
 *
 * @example Their average is the full-batch gradient
 * ```ts
 * import { tensor } from "../autodiff/mod.ts";
 * import { linearRegression } from "../models/mod.ts";
 * import { perExampleGradients } from "./minibatch_variance.ts";
 * const model = linearRegression({ inputs: 1 });
 * const params = { w: tensor([0]), b: tensor(0) };
 * const g = perExampleGradients(model, params, tensor([[1], [2]]), tensor([1, 2]));
 * console.log(g); // [ [ -2, -2 ], [ -8, -4 ] ]  (∂/∂w and ∂/∂b of (wx + b − y)² per row)
 * ```
 */
export function perExampleGradients(
  model: Pick<Model, "loss">,
  params: ModelParams,
  X: Tensor,
  y: Tensor,
): number[][] {
  const M = X.shape[0];
  if (y.shape[0] !== M) {
    throw new RangeError(`invalid y: ${y.shape[0]} targets for ${M} rows of X (expected one each)`);
  }
  const keys = Object.keys(params);
  const out: number[][] = [];
  for (let i = 0; i < M; i++) {
    const xi = X.slice(i, i + 1), yi = y.slice(i, i + 1);
    const g = grad((p: ModelParams) => model.loss(p, xi, yi))(params);
    out.push(keys.flatMap((k) => [...g[k].data]));
  }
  return out;
}

/**
 * The full gradient g (the mean of the rows) and σ² = (1/M) Σ ‖gᵢ − g‖², the variance of a
 * single example's gradient around it.
 *
 * @example Two examples
 * ```ts
 * import { gradientSpread } from "./minibatch_variance.ts";
 * console.log(gradientSpread([[1, 0], [3, 2]])); // { mean: [ 2, 1 ], sigma2: 2 }
 * ```
 */
export function gradientSpread(perExample: readonly (readonly number[])[]): {
  mean: number[];
  sigma2: number;
} {
  const M = perExample.length;
  if (M === 0) throw new RangeError("invalid perExample: [] (expected one gradient per example)");
  const D = perExample[0].length;
  const mean = Array.from({ length: D }, (_, j) => perExample.reduce((s, g) => s + g[j], 0) / M);
  const sigma2 = perExample.reduce(
    (s, g) => s + g.reduce((t, gj, j) => t + (gj - mean[j]) ** 2, 0),
    0,
  ) / M;
  return { mean, sigma2 };
}

/**
 * The mean of ‖ĝ_B − g‖² over `draws` minibatches of B distinct examples drawn uniformly
 * (partial Fisher–Yates shuffles from `rng`), where ĝ_B is the mean of the batch's per-example
 * gradients and g the mean of all of them. In expectation this is σ²/B · (M − B)/(M − 1)
 * ({@link gradientSpread} gives σ²): 1/B for small batches, 0 at B = M.
 *
 * @example The 1/B law on four one-dimensional "gradients"
 * ```ts
 * import { Rng } from "../random.ts";
 * import { gradientSpread, minibatchVariance } from "./minibatch_variance.ts";
 * const grads = [[1], [2], [3], [6]]; // σ² = 3.5
 * const { sigma2 } = gradientSpread(grads);
 * const B = 2, M = 4;
 * const measured = minibatchVariance(grads, B, 20000, new Rng(0));
 * const expected = (sigma2 / B) * (M - B) / (M - 1);
 * console.log(Math.abs(measured / expected - 1) < 0.05); // true
 * ```
 */
export function minibatchVariance(
  perExample: readonly (readonly number[])[],
  B: number,
  draws: number,
  rng: Rng,
): number {
  const M = perExample.length;
  if (!Number.isInteger(B) || B < 1 || B > M) {
    throw new RangeError(`invalid B: ${B} (expected a whole number from 1 to M = ${M})`);
  }
  if (!Number.isInteger(draws) || draws < 1) {
    throw new RangeError(`invalid draws: ${draws} (expected a whole number ≥ 1)`);
  }
  const { mean } = gradientSpread(perExample);
  const D = mean.length;
  const idx = Array.from({ length: M }, (_, i) => i);
  let total = 0;
  for (let k = 0; k < draws; k++) {
    for (let i = 0; i < B; i++) { // partial Fisher–Yates: the first B entries are a random sample
      const j = i + rng.int(M - i);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    let sq = 0;
    for (let j = 0; j < D; j++) {
      let m = 0;
      for (let i = 0; i < B; i++) m += perExample[idx[i]][j];
      sq += (m / B - mean[j]) ** 2;
    }
    total += sq;
  }
  return total / draws;
}
