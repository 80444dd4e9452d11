/**
 * Rounds of `deno task bench --peers`: this VM's speed swings by up to 2× from one run to the
 * next (for torch as much as for the library), so the peers run several rounds, interleaved, each
 * workload of each side in a fresh process. The table shows each side's medians, and each ratio is
 * the median of the rounds' paired ratios ({@link pairedRatios}).
 *
 * @module
 */

import type { BenchRecord } from "./workloads.ts";

/** The median of numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median() of no numbers");
  const s = [...xs].sort((a, b) => a - b), h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** The fields that are timings or rates: a round's median replaces them. */
const TIMED = new Set([
  "seconds",
  "per_step_us",
  "cpu_seconds",
  "v8_worker_cpu_seconds",
  "ratio",
  "cpu_ratio",
  "adam_step_us",
  "adahessian_step_us",
  "course_gflops",
  "torch_gflops",
  "numpy_gflops",
  "numpy_1024_gflops",
]);

const key = (r: BenchRecord) => `${r.workload}|${r.impl}|${r.variant ?? ""}`;

/**
 * One record per workload, side and variant from several rounds: every timing field (seconds,
 * µs per step, CPU seconds, ratios, GFLOP/s) is the median over the rounds, peak memory the
 * largest, anything else (final points, accuracy: the same every round) the first round's. Each
 * record gets `rounds` (how many it summarises) and `spread` ([min, max] of its seconds).
 */
export function medianRecords(rounds: readonly BenchRecord[][]): BenchRecord[] {
  const groups = new Map<string, BenchRecord[]>();
  for (const round of rounds) {
    for (const r of round) {
      const g = groups.get(key(r)) ?? [];
      g.push(r);
      groups.set(key(r), g);
    }
  }
  return [...groups.values()].map((g) => {
    const out: BenchRecord = { ...g[0] };
    for (const [k, v] of Object.entries(g[0])) {
      if (typeof v !== "number") continue;
      const vals = g.map((r) => r[k]).filter((x): x is number => typeof x === "number");
      if (TIMED.has(k)) out[k] = median(vals);
      else if (k === "peak_rss_mb") out[k] = Math.max(...vals);
    }
    const secs = g.map((r) => r.seconds);
    return { ...out, rounds: g.length, spread: [Math.min(...secs), Math.max(...secs)] };
  });
}

/**
 * For each round, the ratio peer / course of CPU and wall time per step for a workload (the peer
 * `impl`, and its `variant` for optax's two forms).
 */
export function roundRatios(
  rounds: readonly BenchRecord[][],
  workload: string,
  impl = "torch",
  variant?: string,
): { wall: number[]; cpu: number[] } {
  const wall: number[] = [], cpu: number[] = [];
  for (const round of rounds) {
    const c = round.find((r) => r.workload === workload && r.impl === "course");
    const p = round.find((r) =>
      r.workload === workload && r.impl === impl && (variant === undefined || r.variant === variant)
    );
    if (!c || !p) continue;
    wall.push(p.per_step_us / c.per_step_us);
    const cc = c.cpu_seconds as number | undefined, pc = p.cpu_seconds as number | undefined;
    if (cc !== undefined && pc !== undefined) cpu.push((pc / p.steps) / (cc / c.steps));
  }
  return { wall, cpu };
}

/**
 * The ratios the table and the targets use: for each workload and peer (keyed
 * `workload|impl|variant`, or `workload|torch`), the median over rounds of each round's paired
 * ratio. Each round runs both sides back to back, so its ratio cancels what the machine's speed
 * did to both; the median then drops the odd round.
 */
export function pairedRatios(
  rounds: readonly BenchRecord[][],
): Record<string, { wall: number; cpu?: number }> {
  const out: Record<string, { wall: number; cpu?: number }> = {};
  const peers = new Map<string, [string, string | undefined]>();
  for (const round of rounds) {
    for (const r of round) {
      if (r.impl === "course") continue;
      const variant = r.variant as string | undefined;
      const k = variant === undefined
        ? `${r.workload}|${r.impl}`
        : `${r.workload}|${r.impl}|${variant}`;
      peers.set(k, [r.workload, variant]);
    }
  }
  for (const [k, [workload, variant]] of peers) {
    const impl = k.split("|")[1];
    const { wall, cpu } = roundRatios(rounds, workload, impl, variant);
    if (wall.length === 0) continue;
    out[k] = { wall: median(wall), cpu: cpu.length > 0 ? median(cpu) : undefined };
  }
  return out;
}
