/**
 * One uniform driver for every optimizer: computes the loss and the gradient at the right point
 * (Nesterov's look-ahead point when the optimizer has one), supplies Hessian-vector products to
 * AdaHessian, and takes the step. Training loops, notebooks and benchmarks call this.
 *
 * @module
 */

import { hvp as autodiffHvp, valueAndGrad as autodiffValueAndGrad } from "../autodiff/grad.ts";
import type { Tensor } from "../autodiff/tensor.ts";
import type { Optimizer, StateFor, StepContext, StepCount } from "./optimizer.ts";
import { copyTree, type Params } from "./tree.ts";

/** A loss written with tensor ops, differentiated by the library's autodiff. */
export type LossFn<P extends Params> = P extends Record<string, Tensor> ? (x: P) => Tensor
  : (x: Tensor) => Tensor;

/**
 * A loss with its own derivatives (e.g. a hand-written gradient of a 2-D test function): what a
 * benchmark passes to skip the autodiff.
 */
export interface Differentiable<P extends Params> {
  /** The loss and its gradient at `p` (gradient with the structure of `p`). */
  valueAndGrad(p: P): [number, P];
  /** The Hessian-vector product H(p) v; only AdaHessian needs it. */
  hvp?(p: P, v: P): P;
}

/** What {@link optimStep} returns. */
export interface StepResult<S, P extends Params> {
  /** θ^(t+1). */
  params: P;
  /** The state after the step. */
  state: StateFor<S, P>;
  /** The loss where the gradient was taken (θ^(t), or the look-ahead point for Nesterov). */
  loss: number;
  /** The gradient the step used. */
  grads: P;
}

function oracle<P extends Params>(f: LossFn<P> | Differentiable<P>): Differentiable<P> {
  if (typeof f !== "function") return f;
  // deno-lint-ignore no-explicit-any
  const vg = autodiffValueAndGrad(f as any) as unknown as (p: P) => [number, P];
  // deno-lint-ignore no-explicit-any
  const h = autodiffHvp(f as any) as unknown as (p: P, v: P) => P;
  return { valueAndGrad: vg, hvp: h };
}

const oracles = new WeakMap<object, Differentiable<Params>>();

function cachedOracle<P extends Params>(f: LossFn<P> | Differentiable<P>): Differentiable<P> {
  let o = oracles.get(f as object);
  if (!o) {
    o = oracle(f as unknown as Differentiable<Params>);
    oracles.set(f as object, o);
  }
  return o as unknown as Differentiable<P>;
}

/**
 * One optimizer step on the loss `f`: evaluates the loss and the gradient at `params` (or at
 * `opt.lookahead(params, state)` for Nesterov), gives AdaHessian the Hessian-vector product at
 * that point, and returns the new parameters and state with the loss and gradient used.
 *
 * `f` is either a function of tensors (differentiated by the library's autodiff; a `number[]`
 * parameter arrives as a 1-D tensor) or an object with its own `valueAndGrad` (and `hvp`).
 *
 * @example Nesterov on Rosenbrock, gradients from the autodiff
 * ```ts
 * import { nesterov, optimStep } from "./mod.ts";
 * import type { Tensor } from "../autodiff/tensor.ts";
 * const rosenbrock = (p: Tensor) => {
 *   const [x, y] = p.unbind();
 *   return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
 * };
 * const opt = nesterov({ alpha: 1e-3, rho: 0.9 });
 * let params = [-1.5, 2];
 * let state = opt.init(params);
 * let loss = Infinity;
 * for (let i = 0; i < 2000; i++) ({ params, state, loss } = optimStep(opt, rosenbrock, params, state));
 * console.log(loss < 1e-3); // true
 * ```
 */
export function optimStep<S extends StepCount, P extends Params>(
  opt: Optimizer<S>,
  f: NoInfer<LossFn<P> | Differentiable<P>>,
  params: P,
  state: StateFor<S, P>,
  ctx?: StepContext,
): StepResult<S, P> {
  const o = typeof f === "function" ? cachedOracle(f) : f as Differentiable<P>;
  const at = opt.lookahead ? opt.lookahead(params, state) : params;
  const [loss, grads] = o.valueAndGrad(at);
  let stepCtx = ctx;
  if (opt.needsHvp && !ctx?.hvp) {
    const h = o.hvp;
    if (!h) {
      throw new Error(`${opt.name} needs Hessian-vector products: give f an hvp(p, v) method`);
    }
    stepCtx = { ...ctx, hvp: (z) => h(at, z as P) };
  }
  const next = opt.step(params, grads, state, stepCtx);
  return { params: next.params, state: next.state, loss, grads };
}

/** A recorded run: the iterates (start included), the losses and the states after each step. */
export interface Run<S, P extends Params> {
  /** θ^(0), θ^(1), …, θ^(steps). */
  params: P[];
  /** The loss each step's gradient was taken at (steps entries). */
  loss: number[];
  /** The state after each step (steps entries), for plotting velocities or second moments. */
  states: StateFor<S, P>[];
}

/**
 * Runs `steps` steps of {@link optimStep} from `start` and records everything.
 *
 * @example Adam's second-moment estimate along a run
 * ```ts
 * import { adam, runOptimizer } from "./mod.ts";
 * import type { Tensor } from "../autodiff/tensor.ts";
 * const bowl = (p: Tensor) => p.square().sum();
 * const run = runOptimizer(adam({ alpha: 0.1 }), bowl, [1, -1], 50);
 * console.log(run.params.length, run.states[49].r.length); // 51 2
 * ```
 */
export function runOptimizer<S extends StepCount, P extends Params>(
  opt: Optimizer<S>,
  f: NoInfer<LossFn<P> | Differentiable<P>>,
  start: P,
  steps: number,
  ctx?: StepContext,
): Run<S, P> {
  let params = copyTree(start);
  let state = opt.init(params);
  const run: Run<S, P> = { params: [params], loss: [], states: [] };
  for (let i = 0; i < steps; i++) {
    const r = optimStep(opt, f, params, state, ctx);
    params = r.params;
    state = r.state;
    run.params.push(params);
    run.loss.push(r.loss);
    run.states.push(state);
  }
  return run;
}
