/**
 * Wall-clock measurements for the notebooks' "on your machine" cells: the fastest of several timed
 * runs of each task, and the median duration of a training step from `fit` histories. Their
 * results change from run to run; a notebook cell that shows them is tagged `timing`.
 *
 * @module
 */

/** Options of {@link fastestTimes}. */
export interface TimingOptions {
  /** Timed rounds over all tasks (default 10). */
  rounds?: number;
  /** Untimed runs of each task first, to compile and warm caches (default 1). */
  warmup?: number;
  /** The clock in milliseconds (default `performance.now`; tests pass a fake). */
  now?: () => number;
}

/** Defaults, declared once. */
const defaults = { rounds: 10, warmup: 1 } as const;

/**
 * Runs every task once per round, for `rounds` rounds, and returns each task's fastest time in
 * milliseconds. Rounds go over all tasks in turn, so a burst of load on the machine hits every task
 * alike, and the minimum is the run least disturbed by other programs.
 *
 * @example Two tasks of different sizes
 * ```ts
 * import { fastestTimes } from "./timing.ts";
 * const sum = (n: number) => () => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; };
 * const [small, large] = fastestTimes([sum(1e3), sum(1e6)], { rounds: 5 });
 * console.log(small >= 0 && large >= 0); // true
 * ```
 */
export function fastestTimes(
  tasks: readonly (() => unknown)[],
  options: TimingOptions = {},
): number[] {
  const { rounds = defaults.rounds, warmup = defaults.warmup, now = () => performance.now() } =
    options;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`invalid rounds: ${rounds} (expected a whole number ≥ 1)`);
  }
  if (!Number.isInteger(warmup) || warmup < 0) {
    throw new RangeError(`invalid warmup: ${warmup} (expected a whole number ≥ 0)`);
  }
  if (!Array.isArray(tasks) || tasks.some((t) => typeof t !== "function")) {
    throw new RangeError(`invalid tasks: expected an array of functions`);
  }
  for (let w = 0; w < warmup; w++) tasks.forEach((task) => task());
  const fastest = tasks.map(() => Infinity);
  for (let round = 0; round < rounds; round++) {
    tasks.forEach((task, k) => {
      const t0 = now();
      task();
      fastest[k] = Math.min(fastest[k], now() - t0);
    });
  }
  return fastest;
}

/**
 * The median duration in seconds of one training step over one or more `fit` histories: each
 * step's `time` stamp (seconds since that `fit` call started) minus the previous one. The median
 * ignores the odd pause when the machine is busy or the garbage collector runs.
 *
 * @example
 * ```ts
 * import { medianStepSeconds } from "./timing.ts";
 * const history = { steps: [{ time: 0.1 }, { time: 0.3 }, { time: 0.5 }, { time: 5 }] };
 * console.log(+medianStepSeconds([history]).toFixed(12)); // 0.2 (durations 0.1, 0.2, 0.2, 4.5)
 * ```
 */
export function medianStepSeconds(
  histories: readonly { steps: readonly { time: number }[] }[],
): number {
  const durations = histories.flatMap((h) =>
    h.steps.map((s, i) => s.time - (i > 0 ? h.steps[i - 1].time : 0))
  );
  if (durations.length === 0) {
    throw new RangeError("invalid histories: no steps (train for at least one step)");
  }
  durations.sort((a, b) => a - b);
  const mid = durations.length >> 1;
  return durations.length % 2 ? durations[mid] : (durations[mid - 1] + durations[mid]) / 2;
}
