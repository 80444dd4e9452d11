/**
 * Learning-rate schedules α^(t). A schedule is a plain function of the step index t = 0, 1, 2, …
 * (t counts the updates already made, so α^(0) is used by the first update, as in the lecture's
 * θ^(t+1) = θ^(t) − α^(t) g). Every optimizer accepts `alpha` as a number or as a schedule.
 *
 * The decays follow torch.optim.lr_scheduler in closed form (StepLR, ExponentialLR,
 * CosineAnnealingLR) and optax's names (`exponential_decay`, `cosine_decay_schedule`,
 * `join_schedules`, `warmup_cosine_decay_schedule`).
 *
 * @module
 */

import { integer, nonNegative, positive } from "./validate.ts";

/** A learning-rate schedule: the step index t = 0, 1, 2, … to the learning rate α^(t). */
export type Schedule = (t: number) => number;

/** A learning rate: a fixed number or a {@link Schedule}. */
export type LearningRate = number | Schedule;

/**
 * Turns a learning rate (number or schedule) into a schedule, checking a number is > 0 and a
 * schedule's values are ≥ 0 and finite when they are used.
 *
 * @example A number becomes a constant schedule
 * ```ts
 * import { toSchedule } from "./schedule.ts";
 * console.log(toSchedule(0.1)(7)); // 0.1
 * ```
 */
export function toSchedule(alpha: LearningRate, name = "alpha"): Schedule {
  if (typeof alpha === "function") {
    return (t) => {
      const a = alpha(t);
      if (!(a >= 0) || a === Infinity) {
        throw new RangeError(
          `invalid ${name}: the schedule returned ${a} at t = ${t} (expected a number ≥ 0)`,
        );
      }
      return a;
    };
  }
  positive(name, alpha);
  return () => alpha;
}

/**
 * α^(t) = α: the same rate at every step.
 *
 * @example A constant rate
 * ```ts
 * import { constantSchedule } from "./schedule.ts";
 * console.log(constantSchedule(0.01)(100)); // 0.01
 * ```
 */
export function constantSchedule(alpha: number): Schedule {
  nonNegative("alpha", alpha);
  return () => alpha;
}

/**
 * Step decay (torch `StepLR`): α^(t) = α · γ^⌊t / every⌋, the rate drops by γ every `every` steps.
 *
 * @example Halving every 10 steps
 * ```ts
 * import { stepDecay } from "./schedule.ts";
 * const a = stepDecay(1, { every: 10, gamma: 0.5 });
 * console.log(a(9), a(10), a(25)); // 1 0.5 0.25
 * ```
 */
export function stepDecay(
  alpha: number,
  { every, gamma = 0.1 }: { every: number; gamma?: number },
): Schedule {
  nonNegative("alpha", alpha);
  integer("every", every, 1);
  nonNegative("gamma", gamma);
  return (t) => alpha * gamma ** Math.floor(t / every);
}

/**
 * Exponential decay (torch `ExponentialLR`, optax `exponential_decay` with transition_steps 1):
 * α^(t) = α · γ^t.
 *
 * @example Halving every step
 * ```ts
 * import { exponentialDecay } from "./schedule.ts";
 * console.log(exponentialDecay(1, 0.5)(3)); // 0.125
 * ```
 */
export function exponentialDecay(alpha: number, gamma: number): Schedule {
  nonNegative("alpha", alpha);
  nonNegative("gamma", gamma);
  return (t) => alpha * gamma ** t;
}

/**
 * Inverse-time decay (Keras `InverseTimeDecay`, the classic Robbins–Monro rate): α^(t) = α / (1 + k t).
 *
 * @example α / (1 + k t)
 * ```ts
 * import { inverseTimeDecay } from "./schedule.ts";
 * console.log(inverseTimeDecay(1, 0.5)(2)); // 0.5
 * ```
 */
export function inverseTimeDecay(alpha: number, k: number): Schedule {
  nonNegative("alpha", alpha);
  nonNegative("k", k);
  return (t) => alpha / (1 + k * t);
}

/**
 * Cosine decay (torch `CosineAnnealingLR` in closed form, optax `cosine_decay_schedule`) from α
 * to α_min over `steps` steps, then α_min:
 * α^(t) = α_min + (α − α_min)(1 + cos(π t / steps)) / 2.
 *
 * @example Half-way down the cosine at t = steps / 2
 * ```ts
 * import { cosineDecay } from "./schedule.ts";
 * const a = cosineDecay(1, 10);
 * console.log(a(0), a(5).toFixed(3), a(10), a(20)); // 1 0.500 0 0
 * ```
 */
export function cosineDecay(alpha: number, steps: number, alphaMin = 0): Schedule {
  nonNegative("alpha", alpha);
  integer("steps", steps, 1);
  nonNegative("alphaMin", alphaMin);
  return (t) =>
    t >= steps ? alphaMin : alphaMin + (alpha - alphaMin) * (1 + Math.cos(Math.PI * t / steps)) / 2;
}

/**
 * Linear warm-up from `start` at t = 0 to α at t = `steps`, then α:
 * α^(t) = start + (α − start) · t / steps for t < steps.
 *
 * @example Warming up over 4 steps
 * ```ts
 * import { linearWarmup } from "./schedule.ts";
 * const a = linearWarmup(1, 4);
 * console.log(a(0), a(2), a(4), a(9)); // 0 0.5 1 1
 * ```
 */
export function linearWarmup(alpha: number, steps: number, start = 0): Schedule {
  nonNegative("alpha", alpha);
  integer("steps", steps, 1);
  nonNegative("start", start);
  return (t) => t >= steps ? alpha : start + (alpha - start) * t / steps;
}

/**
 * Joins schedules at step boundaries (optax `join_schedules`): schedule i+1 takes over at
 * `boundaries[i]` and sees the step count restarted from 0 there.
 *
 * @example Constant, then exponential decay from step 3
 * ```ts
 * import { constantSchedule, exponentialDecay, joinSchedules } from "./schedule.ts";
 * const a = joinSchedules([constantSchedule(1), exponentialDecay(1, 0.5)], [3]);
 * console.log(a(2), a(3), a(5)); // 1 1 0.25
 * ```
 */
export function joinSchedules(
  schedules: readonly Schedule[],
  boundaries: readonly number[],
): Schedule {
  if (schedules.length !== boundaries.length + 1) {
    throw new RangeError(
      `invalid boundaries: ${boundaries.length} boundaries for ${schedules.length} schedules (expected one fewer boundary than schedules)`,
    );
  }
  boundaries.forEach((b, i) => {
    integer("boundary", b, i === 0 ? 0 : boundaries[i - 1]);
  });
  return (t) => {
    let i = 0;
    while (i < boundaries.length && t >= boundaries[i]) i++;
    return schedules[i](i === 0 ? t : t - boundaries[i - 1]);
  };
}

/**
 * Linear warm-up over `steps` steps from `start` to `after(0)`, then `after` with its step count
 * restarted (optax `warmup_cosine_decay_schedule` is `warmupThen(w, cosineDecay(α, n))`).
 *
 * @example Warm-up, then cosine decay
 * ```ts
 * import { cosineDecay, warmupThen } from "./schedule.ts";
 * const a = warmupThen(2, cosineDecay(1, 10));
 * console.log(a(0), a(1), a(2)); // 0 0.5 1
 * ```
 */
export function warmupThen(steps: number, after: Schedule, start = 0): Schedule {
  integer("steps", steps, 1);
  nonNegative("start", start);
  const peak = after(0);
  positive("peak learning rate after(0)", peak);
  return (t) => t < steps ? start + (peak - start) * t / steps : after(t - steps);
}
