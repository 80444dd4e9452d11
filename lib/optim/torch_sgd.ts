/**
 * torch.optim.SGD exactly: plain, heavy-ball momentum with dampening, and Nesterov.
 *
 * @module
 */

import type { Optimizer, StepCount } from "./optimizer.ts";
import { type LearningRate, toSchedule } from "./schedule.ts";
import { fullLike, leafwise, type Params } from "./tree.ts";
import { closedUnitInterval, flag, nonNegative, unitInterval } from "./validate.ts";

/** Hyperparameters of {@link torchSgd} (torch's names in brackets). */
export interface TorchSgdOptions {
  /** Learning rate α [`lr`], default 1e-3 as in torch. */
  alpha?: LearningRate;
  /** Momentum μ [`momentum`] in [0, 1), default 0. */
  momentum?: number;
  /** Dampening [`dampening`] in [0, 1], default 0. */
  dampening?: number;
  /** Nesterov's reformulation [`nesterov`], needs momentum > 0 and dampening 0. */
  nesterov?: boolean;
  /** L2 weight decay λ [`weight_decay`], default 0. */
  lambda?: number;
}

/** State of {@link torchSgd}: torch's momentum buffer b (`momentum_buffer`). */
export interface TorchSgdState extends StepCount {
  /** The momentum buffer b (zeros before the first step; b = ĝ after it). */
  readonly b: Params;
}

/**
 * torch.optim.SGD, operation for operation:
 *
 *   ĝ ← ĝ + λθ;   b ← ĝ on the first step, else b ← μ b + (1 − dampening) ĝ;
 *   d = ĝ + μ b (nesterov) or b;   θ ← θ − α d.
 *
 * With momentum this is the lecture's {@link momentum} with v = −α b (constant α); with
 * `nesterov: true` its iterate is the lecture's look-ahead point θ̃ of {@link nesterov}.
 * optax: `optax.sgd(lr, momentum, nesterov)` (no dampening; its trace starts at 0, not at ĝ, which
 * is the same thing when dampening is 0).
 *
 * @example torch's SGD with Nesterov momentum
 * ```ts
 * import { torchSgd } from "./torch_sgd.ts";
 * const opt = torchSgd({ alpha: 0.1, momentum: 0.9, nesterov: true });
 * let params = [1, -1];
 * let state = opt.init(params);
 * for (let i = 0; i < 200; i++) {
 *   ({ params, state } = opt.step(params, params.map((x) => 2 * x), state));
 * }
 * console.log(Math.hypot(...params) < 1e-6); // true
 * ```
 */
export function torchSgd(options: TorchSgdOptions = {}): Optimizer<TorchSgdState> {
  const { alpha = 1e-3, momentum = 0, dampening = 0, nesterov = false, lambda = 0 } = options;
  const lr = toSchedule(alpha);
  unitInterval("momentum", momentum);
  closedUnitInterval("dampening", dampening);
  flag("nesterov", nesterov);
  nonNegative("lambda", lambda);
  if (nesterov && (momentum === 0 || dampening !== 0)) {
    throw new RangeError(
      `invalid nesterov: true with momentum ${momentum} and dampening ${dampening} ` +
        `(Nesterov needs momentum > 0 and dampening 0)`,
    );
  }
  return {
    name: nesterov ? "torchNesterov" : momentum > 0 ? "torchMomentum" : "torchSgd",
    hyper: { alpha, momentum, dampening, nesterov, lambda },
    init: (params) => ({ t: 0, b: fullLike(params) }),
    step(params, grads, state) {
      const a = lr(state.t);
      const first = state.t === 0;
      const outputs = momentum !== 0 ? 2 : 1; // plain SGD keeps its (zero) buffer unchanged
      const [theta1, b1] = leafwise(
        params,
        [grads, state.b],
        outputs,
        ([theta, g, b], [th1, bn]) => {
          for (let i = 0; i < theta.length; i++) {
            const gi = g[i] + lambda * theta[i];
            let d = gi;
            if (momentum !== 0) {
              bn[i] = first ? gi : b[i] * momentum + (1 - dampening) * gi;
              d = nesterov ? gi + momentum * bn[i] : bn[i];
            }
            th1[i] = theta[i] + -a * d;
          }
        },
      );
      return { params: theta1, state: { t: state.t + 1, b: b1 ?? state.b } };
    },
  };
}
