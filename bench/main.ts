/**
 * `deno task bench [--peers] [--no-build] [--all] [workload ...]`: runs the course library's benchmark
 * workloads in-process and prints one JSON object per line (`workload`, `impl`, `seconds`,
 * `steps`, `per_step_us` and the workload's results). With `--peers` it then runs the same work in
 * PyTorch and in JAX + optax (installing them into `.venv` when missing), prints their lines, a
 * table of ratios on wall-clock and CPU time and the agreement checks. `--no-build` skips `course-build` (a full notebook build).
 *
 * Workloads: beale-race (gradient compiled by the library's autodiff), beale-race-analytic (a
 * hand-written gradient, for scale), digits-mlp, digits-mlp-wide and adahessian-step (the library's
 * compiled tape, `compileTape` in lib/autodiff/tape.ts), matmul-flops (the tape's WebAssembly
 * matrix product), course-build; with `--all` also beale-race-autodiff, digits-mlp-autodiff and
 * adahessian-step-autodiff (the plain eager autodiff through the same driver). The peers are
 * PyTorch (every workload but course-build) and JAX + optax (beale-race).
 *
 * @module
 */

import { compare, formatTable, runOptax, runTorch } from "./peers.ts";
import {
  adahessianStep,
  bealeRace,
  type BenchRecord,
  courseBuild,
  digitsMlp,
  matmulFlops,
} from "./workloads.ts";

/** The workloads by name, in the order they run. */
export const WORKLOADS: Record<string, () => BenchRecord | Promise<BenchRecord>> = {
  "beale-race": () => bealeRace(),
  "beale-race-autodiff": () => bealeRace({ oracle: "autodiff" }),
  "beale-race-analytic": () => bealeRace({ oracle: "analytic" }),
  "digits-mlp": () => digitsMlp(),
  "digits-mlp-autodiff": () => digitsMlp({ oracle: "autodiff" }),
  "digits-mlp-wide": () => digitsMlp({ wide: true }),
  "matmul-flops": () => matmulFlops(),
  "adahessian-step": () => adahessianStep(),
  "adahessian-step-autodiff": () => adahessianStep({ oracle: "autodiff" }),
  "course-build": () => courseBuild(),
};

/** The workloads the PyTorch peer also runs. */
export const PEER_WORKLOADS = [
  "beale-race",
  "digits-mlp",
  "digits-mlp-wide",
  "adahessian-step",
  "matmul-flops",
];

/** Command-line options. */
export interface BenchArgs {
  peers: boolean;
  workloads: string[];
}

/**
 * Parses `[--peers] [--no-build] [--all] [workload ...]`. Without names: every workload but the
 * `-autodiff` variants (the eager paths the fast ones replace), which `--all` adds.
 */
export function parseArgs(args: readonly string[]): BenchArgs {
  let peers = false, noBuild = false, all = false;
  const named: string[] = [];
  for (const a of args) {
    if (a === "--peers") peers = true;
    else if (a === "--no-build") noBuild = true;
    else if (a === "--all") all = true;
    else if (a in WORKLOADS) named.push(a);
    else {
      throw new Error(
        `unknown argument: ${a} (expected --peers, --no-build, --all or a workload: ${
          Object.keys(WORKLOADS).join(", ")
        })`,
      );
    }
  }
  let workloads = named.length > 0
    ? named
    : Object.keys(WORKLOADS).filter((w) => all || !w.endsWith("-autodiff"));
  if (noBuild) workloads = workloads.filter((w) => w !== "course-build");
  return { peers, workloads };
}

if (import.meta.main) {
  const { peers, workloads } = parseArgs(Deno.args);
  const course: BenchRecord[] = [];
  for (const w of workloads) {
    const r = await WORKLOADS[w]();
    course.push(r);
    console.log(JSON.stringify(r));
  }
  if (peers) {
    const wanted = PEER_WORKLOADS.filter((w) => workloads.includes(w));
    const torch = await runTorch(wanted);
    if (wanted.includes("beale-race")) torch.push(...await runOptax());
    for (const r of torch) console.log(JSON.stringify(r));
    const { table, checks } = compare(course, torch);
    console.log("\n" + formatTable(table) + "\n");
    for (const c of checks) console.log(`${c.pass ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`);
    const failed = checks.filter((c) => !c.pass && !c.name.startsWith("target"));
    if (failed.length > 0) Deno.exitCode = 1;
  }
}
