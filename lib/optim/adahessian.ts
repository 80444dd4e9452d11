/**
 * AdaHessian (Yao et al. 2021): Adam with the squared gradient replaced by a Hutchinson estimate
 * of the squared Hessian diagonal.
 *
 * @module
 */

import { Rng } from "../random.ts";
import type { Optimizer, StepContext, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import {
  build,
  emptyLeaf,
  fullLike,
  type Leaf,
  leafShapes,
  leafwise,
  leaves,
  type Params,
} from "./tree.ts";
import { closedUnitInterval, flag, nonNegative, positive, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link adahessian} (official names in brackets). */
export interface AdahessianOptions {
  /** Learning rate α [`lr`], default 0.15. */
  alpha?: LearningRate;
  /** Decay ρ1 of the gradient average [`betas[0]`], default 0.9. */
  rho1?: number;
  /** Decay ρ2 of the squared-curvature average [`betas[1]`], default 0.999. */
  rho2?: number;
  /** Small constant δ > 0 [`eps`], default 1e-4. */
  delta?: number;
  /** Weight decay λ (decoupled, inside the step) [`weight_decay`], default 0. */
  lambda?: number;
  /** Hessian power k ∈ [0, 1] [`hessian_power`]: 1 is Newton-like, 0 is momentum SGD. Default 1. */
  k?: number;
  /** Average D over the last two (spatial) axes of 4-D kernels. Default true, as the official code. */
  spatialAveraging?: boolean;
  /** Seed of the optimizer's own Rademacher stream, used when the step context has no `rng`. */
  seed?: number;
}

/** State of {@link adahessian}. */
export interface AdahessianState extends StepCount {
  /** Gradient average s (official `exp_avg`). */
  readonly s: Params;
  /** Average of the squared Hessian-diagonal estimate r (official `exp_hessian_diag_sq`). */
  readonly r: Params;
}

/**
 * Draws a Rademacher vector (entries ±1 with probability 1/2) with the structure of `like`, leaf
 * by leaf and element by element in order.
 *
 * @example Rademacher vectors from the seeded generator
 * ```ts
 * import { rademacherLike } from "./adahessian.ts";
 * import { Rng } from "../random.ts";
 * const z = rademacherLike([0, 0, 0, 0], new Rng(1));
 * console.log(z.every((x) => x === 1 || x === -1)); // true
 * ```
 */
export function rademacherLike<P extends Params>(like: P, rng: Rng): P {
  return build(
    like,
    leaves(like).map((l) => {
      const z = emptyLeaf(l);
      rng.fillRademacher(z); // z[i] = rng.rademacher() for each i, in order
      return z;
    }),
  );
}

/**
 * The Hutchinson estimate of the Hessian diagonal used by AdaHessian, D = |z ⊙ Hz| leaf by leaf,
 * averaged over the last two axes of 4-D leaves (conv kernels [out, in, kh, kw]) when
 * `spatialAveraging` is on. E[z ⊙ Hz] = diag(H) for Rademacher z.
 *
 * @example The estimate is exact for a diagonal Hessian
 * ```ts
 * import { hutchinsonDiagonal } from "./adahessian.ts";
 * const z = [1, -1], Hz = [3 * 1, 5 * -1]; // H = diag(3, 5)
 * console.log(hutchinsonDiagonal([0, 0], z, Hz)); // [3, 5]
 * ```
 */
export function hutchinsonDiagonal<P extends Params>(
  like: P,
  z: Params,
  Hz: Params,
  spatialAveraging = true,
): P {
  const Z = leaves(z, like), HZ = leaves(Hz, like), shapes = leafShapes(like);
  return build(
    like,
    Z.map((zl, k) => {
      const hz = HZ[k], D = emptyLeaf(zl);
      for (let i = 0; i < D.length; i++) D[i] = Math.abs(zl[i] * hz[i]);
      const shape = shapes[k];
      if (spatialAveraging && shape.length === 4) spatialMean(D, shape[2] * shape[3]);
      return D;
    }),
  );
}

// Replaces each block of `block` consecutive entries (one kh × kw kernel slice) by its mean.
function spatialMean(D: Leaf, block: number): void {
  for (let start = 0; start < D.length; start += block) {
    let sum = 0;
    for (let i = start; i < start + block; i++) sum += D[i];
    const mean = Math.abs(sum) / block;
    for (let i = start; i < start + block; i++) D[i] = mean;
  }
}

/**
 * AdaHessian (Yao, Gholami, Shen, Mustafa, Keutzer & Mahoney, AAAI 2021, "ADAHESSIAN: An Adaptive
 * Second Order Optimizer for Machine Learning"; lecture "Other Emerging Optimization
 * Techniques"). Each step draws a Rademacher vector z, gets Hz from an exact Hessian-vector
 * product, and uses D = |z ⊙ Hz| (spatially averaged for 4-D kernels) where Adam uses ĝ:
 *
 *   s ← ρ1 s + (1 − ρ1) ĝ,   r ← ρ2 r + (1 − ρ2) D ⊙ D,
 *   θ ← θ − α (ŝ / ((√r)^k / (√(1 − ρ2^t))^k + δ) + λθ),   ŝ = s / (1 − ρ1^t).
 *
 * As the official code (amirgholami/adahessian, `optim_adahessian.py`): defaults lr 0.15,
 * betas (0.9, 0.999), eps 1e-4, hessian_power 1, weight decay inside the step. Not in torch.optim
 * or optax.
 *
 * `step` needs `ctx.hvp` (z ↦ Hz at the current parameters; {@link optimStep} provides it). z is
 * `ctx.z` when given (replaying a recorded run), else drawn from `ctx.rng`, else from the
 * optimizer's own generator seeded with `seed` (so two runs of a notebook draw the same vectors).
 *
 * @example A quadratic with H = diag(1, 100): the step is Newton-like in both coordinates
 * ```ts
 * import { adahessian } from "./adahessian.ts";
 * const opt = adahessian({ alpha: 0.5 });
 * let params = [1, 1];
 * let state = opt.init(params);
 * for (let i = 0; i < 100; i++) {
 *   const grads = [params[0], 100 * params[1]];
 *   const hvp = (z: number[]) => [z[0], 100 * z[1]];
 *   ({ params, state } = opt.step(params, grads, state, { hvp: (z) => hvp(z as number[]) }));
 * }
 * console.log(Math.hypot(...params) < 1e-3); // true
 * ```
 */
export function adahessian(options: AdahessianOptions = {}): Optimizer<AdahessianState> {
  const {
    alpha = 0.15,
    rho1 = 0.9,
    rho2 = 0.999,
    delta = 1e-4,
    lambda = 0,
    k = 1,
    spatialAveraging = true,
    seed = 0,
  } = options;
  const lr = toSchedule(alpha);
  unitInterval("rho1", rho1);
  unitInterval("rho2", rho2);
  positive("delta", delta);
  nonNegative("lambda", lambda);
  closedUnitInterval("k", k);
  flag("spatialAveraging", spatialAveraging);
  const ownRng = new Rng(seed);
  return {
    name: "adahessian",
    hyper: { alpha, rho1, rho2, delta, lambda, k, spatialAveraging, seed },
    needsHvp: true,
    init: (params) => ({ t: 0, s: fullLike(params), r: fullLike(params) }),
    step(params, grads, state, ctx?: StepContext) {
      if (!ctx?.hvp) {
        throw new Error(
          "adahessian needs Hessian-vector products: call it through optimStep(opt, f, ...) or " +
            "pass { hvp: (z) => Hz } as the step context",
        );
      }
      const z = ctx.z ?? rademacherLike(params, ctx.rng ?? ownRng);
      const D = hutchinsonDiagonal(params, z, ctx.hvp(z), spatialAveraging);
      const a = lr(state.t);
      const t = state.t + 1;
      const bc1 = 1 - rho1 ** t, bc2 = 1 - rho2 ** t;
      const bc2k = Math.sqrt(bc2) ** k;
      const [theta1, s1, r1] = leafwise(
        params,
        [grads, D, state.s, state.r],
        3,
        (ins, outs) => {
          // the leaves by index: V8 optimizes this loop sooner than with destructured parameters
          const theta = ins[0], g = ins[1], d = ins[2], s = ins[3], r = ins[4];
          const th1 = outs[0], sn = outs[1], rn = outs[2];
          for (let i = 0; i < theta.length; i++) {
            sn[i] = s[i] * rho1 + (1 - rho1) * g[i]; // s ← ρ1 s + (1 − ρ1) ĝ
            rn[i] = r[i] * rho2 + (1 - rho2) * d[i] * d[i]; // r ← ρ2 r + (1 − ρ2) D ⊙ D
            const root = Math.sqrt(rn[i]); // x ** 1 is x: skip the power for the default k = 1
            const den = (k === 1 ? root : root ** k) / bc2k + delta; // (√r̂)^k + δ
            th1[i] = theta[i] - a * (sn[i] / bc1 / den + lambda * theta[i]);
          }
        },
      );
      return { params: theta1, state: { t, s: s1, r: r1 } };
    },
  };
}
