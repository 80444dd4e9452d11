/**
 * The interface every optimizer implements: a pair of pure functions in the style of optax,
 * `init(params) → state` and `step(params, grads, state) → { params, state }`, with names that read
 * like the lecture's algorithm boxes (α, ρ, δ, s, r, v, λ).
 *
 * @module
 */

import type { Rng } from "../random.ts";
import type { Params } from "./tree.ts";

/**
 * What a step may need besides parameters, gradients and state. Only AdaHessian reads it: the
 * Hessian-vector product at the point the gradient was taken and the source of the Rademacher
 * vectors.
 */
export interface StepContext {
  /** The exact Hessian-vector product z ↦ H z at the current point (structure of the params). */
  hvp?: (z: Params) => Params;
  /** Generator for AdaHessian's Rademacher vectors (overrides the optimizer's own stream). */
  rng?: Rng;
  /** A Rademacher vector to use instead of drawing one (replaying a recorded run). */
  z?: Params;
}

/** Every optimizer's state carries the number of steps taken so far. */
export interface StepCount {
  /** Steps already taken: 0 after `init`, 1 after the first step. */
  readonly t: number;
}

/**
 * The state type `S` with every parameter-shaped entry typed as the parameters' own type `P`:
 * with `number[]` parameters, Adam's `state.r` is a `number[]`.
 */
export type StateFor<S, P extends Params> = {
  [K in keyof S]: NonNullable<S[K]> extends Params ? P : S[K];
};

/**
 * A pure optimizer. `step` never mutates its arguments: it returns fresh parameters and a fresh
 * state whose entries (`s`, `r`, `v`, …) have the parameters' structure, so a notebook can keep
 * every state along a run and plot it.
 */
export interface Optimizer<S extends StepCount = StepCount> {
  /** Short name, e.g. `"adam"`. */
  readonly name: string;
  /** The hyperparameters after defaults were filled in (for legends and logs). */
  readonly hyper: Readonly<Record<string, unknown>>;
  /** The initial state for these parameters. */
  init<P extends Params>(params: P): StateFor<S, P>;
  /**
   * One update: θ^(t) ↦ θ^(t+1). `grads` must be the gradient at the point returned by
   * {@link Optimizer.lookahead} when the optimizer has one, else at `params`.
   */
  step<P extends Params>(
    params: P,
    grads: P,
    state: StateFor<S, P>,
    ctx?: StepContext,
  ): { params: P; state: StateFor<S, P> };
  /**
   * Where the gradient of the next step must be evaluated, when that is not `params` itself
   * (Nesterov's look-ahead point θ + ρ v). Absent for most optimizers.
   */
  lookahead?<P extends Params>(params: P, state: StateFor<S, P>): P;
  /** True when `step` needs `ctx.hvp` (AdaHessian). */
  readonly needsHvp?: boolean;
}
