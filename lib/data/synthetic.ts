/**
 * Small synthetic data sets for demos, seeded so every run draws the same points.
 *
 * @module
 */

import { fromData, type Tensor } from "../autodiff/mod.ts";
import { type RandomOptions, rngFrom } from "./rng_option.ts";

/** Options for {@link linearData}. */
export interface LinearDataOptions extends RandomOptions {
  /** Number of rows. Default 100. */
  n?: number;
  /** True weights w (their count is the number of features). Default [2, -3.4]. */
  w?: readonly number[];
  /** True bias b. Default 4.2. */
  b?: number;
  /** Standard deviation of the Gaussian noise added to y. Default 0.1. */
  noise?: number;
}

/** Synthetic regression data and the parameters that made it. */
export interface LinearData {
  /** Features, shape [n, d], standard normal. */
  X: Tensor;
  /** Targets, shape [n]: X w + b + noise. */
  y: Tensor;
  /** The true weights. */
  w: number[];
  /** The true bias. */
  b: number;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`invalid n: ${n} (expected a whole number of rows ≥ 1)`);
  }
}

function checkNoise(noise: number): void {
  if (!(noise >= 0) || !Number.isFinite(noise)) {
    throw new RangeError(`invalid noise: ${noise} (expected a finite standard deviation ≥ 0)`);
  }
}

/**
 * Linear regression data y = X w + b + ε with standard normal features and ε ~ N(0, noise²).
 *
 * @example Data from known parameters
 * ```ts
 * import { linearData } from "./synthetic.ts";
 * const { X, y, w, b } = linearData({ n: 50, w: [1, -2, 0.5], b: 3, noise: 0.01, seed: 1 });
 * console.log(X.shape, y.shape, w, b); // [50, 3] [50] [1, -2, 0.5] 3
 * ```
 */
export function linearData(options: LinearDataOptions = {}): LinearData {
  const { n = 100, w = [2, -3.4], b = 4.2, noise = 0.1 } = options;
  checkCount(n);
  checkNoise(noise);
  if (w.length === 0 || !w.every(Number.isFinite)) {
    throw new RangeError(`invalid w: [${w}] (expected at least one finite weight)`);
  }
  const rng = rngFrom(options);
  const d = w.length;
  const X = new Float64Array(n * d), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      X[i * d + j] = v;
      s += v * w[j];
    }
    y[i] = s + noise * rng.normal();
  }
  return { X: fromData(X, [n, d]), y: fromData(y, [n]), w: [...w], b };
}

/** Options for {@link twoMoons}. */
export interface TwoMoonsOptions extends RandomOptions {
  /** Number of points, split evenly between the moons (the first gets the odd one). Default 200. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. Default 0.1. */
  noise?: number;
}

/**
 * Two interleaving half circles, a classic non-linearly separable binary problem: class 0 on the
 * upper moon (cos t, sin t), class 1 on the lower one (1 − cos t, 0.5 − sin t), t ∈ [0, π], with
 * Gaussian noise; rows in random order.
 *
 * @example Two hundred points
 * ```ts
 * import { twoMoons } from "./synthetic.ts";
 * const { X, y } = twoMoons({ n: 200, noise: 0.1, seed: 0 });
 * console.log(X.shape, y.sum().item()); // [200, 2] 100
 * ```
 */
export function twoMoons(options: TwoMoonsOptions = {}): { X: Tensor; y: Tensor } {
  const { n = 200, noise = 0.1 } = options;
  checkCount(n);
  checkNoise(noise);
  const rng = rngFrom(options);
  const nUpper = Math.ceil(n / 2), nLower = n - nUpper;
  const order = rng.permutation(n);
  const X = new Float64Array(n * 2), y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const upper = k < nUpper;
    const m = upper ? nUpper : nLower;
    const t = m === 1 ? 0 : (Math.PI * (upper ? k : k - nUpper)) / (m - 1);
    const i = order[k];
    X[2 * i] = (upper ? Math.cos(t) : 1 - Math.cos(t)) + noise * rng.normal();
    X[2 * i + 1] = (upper ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * rng.normal();
    y[i] = upper ? 0 : 1;
  }
  return { X: fromData(X, [n, 2]), y: fromData(y, [n]) };
}
