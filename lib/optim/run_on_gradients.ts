/**
 * Feeding an optimizer a scripted stream of gradients, with no loss at all: the cleanest way to
 * see what its state and its steps do (a burst, an alternating sign, noise around a mean).
 *
 * @module
 */

import type { Optimizer, StateFor, StepCount } from "./optimizer.ts";

/** What {@link runOnGradients} returns. */
export interface GradientStreamRun<S> {
  /** θ^(0), θ^(1), …, θ^(T): the start and the parameters after each step. */
  params: number[][];
  /** The state after each step (T entries). */
  states: StateFor<S, number[]>[];
}

/**
 * Runs `opt` for one step per entry of `grads`, using that entry as the gradient (a number for a
 * one-parameter run, or a vector). The parameters start at `start` (default zeros).
 *
 * @example Adam's first steps on a constant gradient move θ by α each
 * ```ts
 * import { adam } from "./adam.ts";
 * import { runOnGradients } from "./run_on_gradients.ts";
 * const run = runOnGradients(adam({ alpha: 0.1 }), [1, 1, 1]);
 * console.log(run.params.map((p) => +p[0].toFixed(6))); // [0, -0.1, -0.2, -0.3]
 * console.log(run.states[2].t); // 3
 * ```
 */
export function runOnGradients<S extends StepCount>(
  opt: Optimizer<S>,
  grads: readonly (number | readonly number[])[],
  start?: readonly number[],
): GradientStreamRun<S> {
  if (!opt || typeof opt.step !== "function") {
    throw new RangeError(`invalid opt: ${opt} (expected an optimizer, e.g. adam())`);
  }
  if (!Array.isArray(grads)) {
    throw new RangeError(`invalid grads: ${grads} (expected an array of numbers or vectors)`);
  }
  const first = grads[0];
  const dim = start?.length ?? (typeof first === "number" ? 1 : first?.length ?? 1);
  let params = start ? [...start] : new Array<number>(dim).fill(0);
  let state = opt.init(params);
  const run: GradientStreamRun<S> = { params: [params], states: [] };
  grads.forEach((g, t) => {
    const gv = typeof g === "number" ? [g] : [...g];
    if (gv.length !== dim || !gv.every(Number.isFinite)) {
      throw new RangeError(
        `invalid grads: entry ${t} is ${JSON.stringify(g)} (expected ${dim} finite number(s))`,
      );
    }
    ({ params, state } = opt.step(params, gv, state));
    run.params.push(params);
    run.states.push(state);
  });
  return run;
}
