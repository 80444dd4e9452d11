/**
 * The PyTorch side of `deno task bench --peers`: installs torch into the project's venv on demand,
 * runs `bench/peers/torch_bench.py` (one thread, float64, no SIMD dispatch surprises), and compares
 * both sides: a table of ratios and the agreement checks of issue 9.
 *
 * @module
 */

import { join } from "node:path";
import { ensureVenv, PYTHON, ROOT } from "../tools/setup.ts";
import type { BenchRecord } from "./workloads.ts";

/** Parses the JSON lines of a benchmark's output (other lines are ignored). */
export function parseRecords(text: string): BenchRecord[] {
  const out: BenchRecord[] = [];
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (!l.startsWith("{")) continue;
    const r = JSON.parse(l);
    if (typeof r.workload === "string") out.push(r as BenchRecord);
  }
  return out;
}

/** One thread for every math library of the peers (torch's own setting is in torch_bench.py). */
const ONE_THREAD = {
  ATEN_CPU_CAPABILITY: "default",
  OMP_NUM_THREADS: "1",
  MKL_NUM_THREADS: "1",
  OPENBLAS_NUM_THREADS: "1",
};

/** Runs one peer script of bench/peers/ on one thread and returns its JSON records. */
async function runPeerScript(script: string, args: string[] = []): Promise<BenchRecord[]> {
  const out = await new Deno.Command(PYTHON, {
    args: [join(ROOT, "bench", "peers", script), ...args],
    cwd: ROOT,
    env: ONE_THREAD,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) {
    throw new Error(`bench/peers/${script} failed with exit code ${out.code} (see above)`);
  }
  return parseRecords(new TextDecoder().decode(out.stdout));
}

/** Runs the optax peer (JAX jit, warm; installing jax and optax into .venv first if needed). */
export async function runOptax(): Promise<BenchRecord[]> {
  await ensureVenv("requirements-jax.txt");
  return await runPeerScript("optax_bench.py");
}

/** Runs the PyTorch peer (installing torch into .venv first if needed) and returns its records. */
export async function runTorch(workloads: string[] = []): Promise<BenchRecord[]> {
  await ensureVenv("requirements-reference.txt");
  return await runPeerScript("torch_bench.py", workloads);
}

/** One agreement check or target. */
export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

/** Largest coordinate difference between the course's race and torch's, per optimizer. */
export function raceDifferences(course: BenchRecord, torch: BenchRecord): Record<string, number> {
  const mine = course.final as Record<string, number[]>;
  const ahead = (course.lookahead ?? {}) as Record<string, number[]>;
  const theirs = torch.final as Record<string, number[]>;
  const out: Record<string, number> = {};
  for (const name of Object.keys(theirs)) {
    // torch's Nesterov iterate is the lecture's look-ahead point θ + ρv
    const p = ahead[name] ?? mine[name];
    const q = theirs[name];
    out[name] = p === undefined || p.length !== q.length
      ? Infinity
      : Math.max(...q.map((v, i) => Math.abs(v - p[i])));
  }
  return out;
}

const fmt = (v: number, digits = 3) =>
  Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(digits)) : String(v);

/**
 * Experiments (not targets): each is compared, round by round, with a fresh run of the torch
 * workload named here; the table shows their rows, no check judges them. Like the `-autodiff`
 * variants they run only when named or with `--all` (bench/main.ts).
 */
export const EXPERIMENTS: Record<string, string> = {
  "digits-mlp-wasm-adam": "digits-mlp",
  "digits-mlp-warm": "digits-mlp-warm",
  "beale-race-warm": "beale-race-warm",
};

/** The targets (issue 15), each judged on wall-clock time and again on CPU time. */
export const TARGETS = {
  /** beale-race: at least this many times faster than torch eager. */
  race: 100,
  /** digits-mlp: at least this many times faster than torch (one thread). */
  mlp: 2,
  /** digits-mlp-wide: at least this many times faster than torch (one thread). */
  wide: 1,
  /** digits-mlp: peak resident memory below this, in MB. */
  rssMb: 150,
  /** adahessian-step: an AdaHessian step at most this many Adam steps. */
  adahessian: 2,
} as const;

/**
 * A speed target on both clocks: `peer / course` per step ≥ `min` on wall time, and on CPU time
 * when both records carry `cpu_seconds`.
 */
function speedTargets(
  what: string,
  course: BenchRecord,
  peer: BenchRecord,
  min: number,
  paired?: PairedRatio,
): Check[] {
  const wall = paired?.wall ?? peer.per_step_us / course.per_step_us;
  const out: Check[] = [{
    name: `target: ${what}`,
    pass: wall >= min,
    detail: `${fmt(wall)}× (${fmt(course.per_step_us)} µs vs ${fmt(peer.per_step_us)} µs per step)`,
  }];
  const c = course.cpu_seconds as number | undefined, t = peer.cpu_seconds as number | undefined;
  if (c !== undefined && t !== undefined) {
    const ratio = paired?.cpu ?? (t / peer.steps) / (c / course.steps);
    out.push({
      name: `target (CPU time): ${what}`,
      pass: ratio >= min,
      detail: `${fmt(ratio)}× (${fmt((c / course.steps) * 1e6)} µs vs ${
        fmt((t / peer.steps) * 1e6)
      } µs of CPU per step)`,
    });
  }
  return out;
}

/**
 * Ratios peer / course of one workload (per step, wall-clock and CPU time) from paired rounds: the
 * median over rounds of each round's ratio (see bench/rounds.ts). When given, the table and the
 * targets use these instead of the ratio of the two sides' medians.
 */
export interface PairedRatio {
  wall: number;
  cpu?: number;
}

/**
 * Table rows for one workload against one peer: µs per step, wall seconds, CPU seconds; the ratio
 * column from `paired` when given.
 */
function speedRows(
  w: string,
  label: string,
  c: BenchRecord,
  t: BenchRecord,
  paired?: PairedRatio,
): string[][] {
  const wall = paired?.wall ?? t.per_step_us / c.per_step_us;
  const rows = [
    [w, `µs per step${label}`, fmt(c.per_step_us), fmt(t.per_step_us), fmt(wall)],
    [
      w,
      `seconds${label}`,
      fmt(c.seconds),
      fmt(t.seconds),
      fmt(paired?.wall ?? t.seconds / c.seconds),
    ],
  ];
  const cc = c.cpu_seconds as number | undefined, tc = t.cpu_seconds as number | undefined;
  if (cc !== undefined && tc !== undefined) {
    const ratio = paired?.cpu ?? (tc / t.steps) / (cc / c.steps);
    rows.push([w, `CPU seconds${label}`, fmt(cc), fmt(tc), fmt(ratio)]);
  }
  return rows;
}

/**
 * The comparison: table rows (workload, what is compared, course, peer, peer / course) and the
 * checks (agreement of the race with torch to 1e-8, accuracy ≥ 0.96 on both sides; then the
 * speed and memory targets of {@link TARGETS}, each on wall-clock and on CPU time). The peer
 * records are torch's (`impl: "torch"`) and optax's (`impl: "optax"`, beale-race only, with a
 * `variant`).
 */
export function compare(
  course: BenchRecord[],
  peers: BenchRecord[],
  paired: Record<string, PairedRatio> = {},
): { table: string[][]; checks: Check[] } {
  const find = (rs: BenchRecord[], w: string, impl?: string) =>
    rs.find((r) => r.workload === w && (impl === undefined || r.impl === impl));
  const torch = peers.filter((r) => r.impl === "torch");
  const table: string[][] = [["workload", "measure", "course", "peer", "peer / course"]];
  const checks: Check[] = [];
  const targets: Check[] = [];
  for (const w of ["beale-race", "digits-mlp", "digits-mlp-wide", ...Object.keys(EXPERIMENTS)]) {
    const c = find(course, w), t = find(torch, w);
    if (c && t) table.push(...speedRows(w, " (torch)", c, t, paired[`${w}|torch`]));
    const workers = c?.v8_worker_cpu_seconds as number | undefined;
    if (c && t && workers !== undefined) {
      // the part of the course's CPU time that V8's compiler and GC threads spent beside it
      table.push([w, "of which V8 worker threads", fmt(workers), "", ""]);
    }
    if (c && w === "beale-race") {
      for (const o of peers.filter((r) => r.impl === "optax" && r.workload === w)) {
        const key = `${w}|optax|${o.variant ?? ""}`;
        table.push(...speedRows(w, ` (${o.variant ?? "optax"})`, c, o, paired[key]));
      }
    }
  }
  const ca = find(course, "adahessian-step"), ta = find(torch, "adahessian-step");
  if (ca && ta) {
    const h = (r: BenchRecord) => r.adahessian_step_us as number;
    const a = (r: BenchRecord) => r.adam_step_us as number;
    table.push([
      "adahessian-step",
      "AdaHessian µs / step",
      fmt(h(ca)),
      fmt(h(ta)),
      fmt(h(ta) / h(ca)),
    ]);
    table.push(["adahessian-step", "Adam µs / step", fmt(a(ca)), fmt(a(ta)), fmt(a(ta) / a(ca))]);
    table.push([
      "adahessian-step",
      "AdaHessian / Adam",
      fmt(ca.ratio as number),
      fmt(ta.ratio as number),
      "",
    ]);
    if (ca.cpu_ratio !== undefined && ta.cpu_ratio !== undefined) {
      table.push([
        "adahessian-step",
        "AdaHessian / Adam, CPU",
        fmt(ca.cpu_ratio as number),
        fmt(ta.cpu_ratio as number),
        "",
      ]);
    }
  }
  for (const w of ["digits-mlp", "digits-mlp-wide"]) {
    const cm = find(course, w), tm = find(torch, w);
    if (!cm || !tm) continue;
    table.push([
      w,
      "train accuracy",
      fmt(cm.train_accuracy as number, 4),
      fmt(tm.train_accuracy as number, 4),
      "",
    ]);
    table.push([
      w,
      "peak RSS MB",
      fmt(cm.peak_rss_mb as number),
      fmt(tm.peak_rss_mb as number),
      "",
    ]);
  }
  const cf = find(course, "matmul-flops"), tf = find(torch, "matmul-flops");
  if (cf) {
    const g = cf.course_gflops as number;
    const shape = (cf.shape as number[]).join("×");
    table.push([
      "matmul-flops",
      `GFLOP/s ${shape} (torch)`,
      fmt(g),
      tf ? fmt(tf.torch_gflops as number) : "",
      tf ? fmt((tf.torch_gflops as number) / g) : "",
    ]);
    if (tf) {
      table.push([
        "matmul-flops",
        `GFLOP/s ${shape} (NumPy)`,
        fmt(g),
        fmt(tf.numpy_gflops as number),
        fmt((tf.numpy_gflops as number) / g),
      ]);
      table.push([
        "matmul-flops",
        "GFLOP/s 1024³ (NumPy)",
        "",
        fmt(tf.numpy_1024_gflops as number),
        fmt((tf.numpy_1024_gflops as number) / g),
      ]);
    }
  }
  const cb = find(course, "course-build");
  if (cb) table.push(["course-build", "seconds", fmt(cb.seconds), "", ""]);

  const cr = find(course, "beale-race"), tr = find(torch, "beale-race");
  if (cr && tr) {
    const diffs = raceDifferences(cr, tr);
    for (const [name, d] of Object.entries(diffs)) {
      checks.push({
        name: `beale-race ${name} final point agrees with torch to 1e-8`,
        pass: d <= 1e-8,
        detail: `max |Δ| = ${d.toExponential(2)}${
          name === "nesterov" ? " (course θ + ρv vs torch's iterate)" : ""
        }`,
      });
    }
    targets.push(
      ...speedTargets(
        `beale-race ≥ ${TARGETS.race}× faster than torch eager`,
        cr,
        tr,
        TARGETS.race,
        paired["beale-race|torch"],
      ),
    );
  }
  const cm = find(course, "digits-mlp"), tm = find(torch, "digits-mlp");
  if (cm && tm) {
    for (const [who, r] of [["course", cm], ["torch", tm]] as const) {
      const acc = r.train_accuracy as number;
      checks.push({
        name: `digits-mlp ${who} training accuracy ≥ 0.96`,
        pass: acc >= 0.96,
        detail: `${acc.toFixed(4)}`,
      });
    }
    targets.push(
      ...speedTargets(
        `digits-mlp ≥ ${TARGETS.mlp}× faster than torch (one thread)`,
        cm,
        tm,
        TARGETS.mlp,
        paired["digits-mlp|torch"],
      ),
    );
    targets.push({
      name: `target: digits-mlp peak memory < ${TARGETS.rssMb} MB`,
      pass: (cm.peak_rss_mb as number) < TARGETS.rssMb,
      detail: `${fmt(cm.peak_rss_mb as number)} MB (torch ${fmt(tm.peak_rss_mb as number)} MB)`,
    });
  }
  const cw = find(course, "digits-mlp-wide"), tw = find(torch, "digits-mlp-wide");
  if (cw && tw) {
    targets.push(
      ...speedTargets(
        `digits-mlp-wide ≥ ${TARGETS.wide}× torch (one thread)`,
        cw,
        tw,
        TARGETS.wide,
        paired["digits-mlp-wide|torch"],
      ),
    );
  }
  if (ca) {
    const r = ca.ratio as number;
    targets.push({
      name: `target: adahessian-step ≤ ${TARGETS.adahessian}× an Adam step`,
      pass: r <= TARGETS.adahessian,
      detail: `${fmt(r)}× (torch ${ta ? fmt(ta.ratio as number) : "?"}×)`,
    });
    if (ca.cpu_ratio !== undefined) {
      const rc = ca.cpu_ratio as number, tc = ta?.cpu_ratio as number | undefined;
      targets.push({
        name: `target (CPU time): adahessian-step ≤ ${TARGETS.adahessian}× an Adam step`,
        pass: rc <= TARGETS.adahessian,
        detail: `${fmt(rc)}× (torch ${tc !== undefined ? fmt(tc) : "?"}×)`,
      });
    }
  }
  return { table, checks: [...checks, ...targets] };
}

/** A plain-text table with aligned columns (first column left, numbers right). */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => (r[j] ?? "").length)));
  return rows.map((r) =>
    r.map((c, j) => (j < 2 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join("  ").trimEnd()
  ).join("\n");
}
