/**
 * `deno task bench [--peers [--rounds N]] [--no-build] [--all] [workload ...]`: runs the course
 * library's benchmark workloads in-process and prints one JSON object per line (`workload`,
 * `impl`, `seconds`, `steps`, `per_step_us` and the workload's results). With `--peers` it runs
 * the same work in PyTorch and in JAX + optax too (installing them into `.venv` when missing), in
 * N rounds (default 3): in each round every workload runs on each side in a fresh process, the
 * sides' order alternating from round to round. It prints every round's lines, a table of ratios
 * on wall-clock and CPU time (each side's medians; each ratio the median of the rounds' ratios),
 * each round's ratios, and the checks.
 * `--no-build` skips `course-build` (a full notebook build).
 *
 * Workloads: beale-race (gradient compiled by the library's autodiff), beale-race-analytic (a
 * hand-written gradient, for scale), digits-mlp, digits-mlp-wide and adahessian-step (the library's
 * compiled tape, `compileTape` in lib/autodiff/tape.ts), matmul-flops (the tape's WebAssembly
 * matrix product), course-build; with `--all` also beale-race-autodiff, digits-mlp-autodiff and
 * adahessian-step-autodiff (the plain eager autodiff through the same driver) and the
 * experiments ({@link EXPERIMENTS}): digits-mlp-wasm-adam (digits-mlp with Adam's update in
 * WebAssembly, bench/wasm_adam.ts; with `--peers` each round runs torch's digits-mlp again beside
 * it), digits-mlp-warm and beale-race-warm (the workload twice in one process, the second run
 * timed, on both sides). The peers are PyTorch (every workload but course-build) and JAX + optax
 * (beale-race).
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { compare, EXPERIMENTS, formatTable, parseRecords, runOptax, runTorch } from "./peers.ts";

import { medianRecords, pairedRatios, roundRatios } from "./rounds.ts";
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
  "digits-mlp-wasm-adam": () => digitsMlp({ wasmAdam: true }),
  // a student's second run in the same kernel: the first run (untimed) warms V8
  "digits-mlp-warm": () => (digitsMlp(), { ...digitsMlp(), workload: "digits-mlp-warm" }),
  "beale-race-warm": () => (bealeRace(), { ...bealeRace(), workload: "beale-race-warm" }),
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
  /** Rounds of both sides (with `--peers`; default 3), interleaved. */
  rounds: number;
}

/**
 * Parses `[--peers] [--rounds N] [--no-build] [--all] [workload ...]`. Without names: every
 * workload but the `-autodiff` variants (the eager paths the fast ones replace), which `--all`
 * adds.
 */
export function parseArgs(args: readonly string[]): BenchArgs {
  let peers = false, noBuild = false, all = false, rounds = 3, roundsGiven = false;
  const named: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--peers") peers = true;
    else if (a === "--no-build") noBuild = true;
    else if (a === "--all") all = true;
    else if (a === "--rounds" || a.startsWith("--rounds=")) {
      const v = a === "--rounds" ? args[++i] : a.slice("--rounds=".length);
      rounds = Number(v);
      roundsGiven = true;
      if (!Number.isInteger(rounds) || rounds < 1) {
        throw new Error(`--rounds needs a whole number ≥ 1, got ${JSON.stringify(v ?? "")}`);
      }
    } else if (a in WORKLOADS) named.push(a);
    else {
      throw new Error(
        `unknown argument: ${a} (expected --peers, --rounds N, --no-build, --all or a workload: ${
          Object.keys(WORKLOADS).join(", ")
        })`,
      );
    }
  }
  let workloads = named.length > 0
    ? named
    : Object.keys(WORKLOADS).filter((w) => all || !(w.endsWith("-autodiff") || w in EXPERIMENTS));
  if (noBuild) workloads = workloads.filter((w) => w !== "course-build");
  if (roundsGiven && !peers) {
    throw new Error("--rounds repeats the comparison with the peers: add --peers");
  }
  return { peers, workloads, rounds };
}

/** Runs one course workload in a fresh Deno process (as a fresh notebook kernel would). */
async function runFresh(workload: string): Promise<BenchRecord> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", fileURLToPath(import.meta.url), workload],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`bench/main.ts ${workload} failed (see above)`);
  const rs = parseRecords(new TextDecoder().decode(out.stdout));
  if (rs.length !== 1) throw new Error(`bench/main.ts ${workload} printed ${rs.length} records`);
  return rs[0];
}

if (import.meta.main) {
  const { peers, workloads, rounds } = parseArgs(Deno.args);
  if (!peers) {
    for (const w of workloads) console.log(JSON.stringify(await WORKLOADS[w]()));
  } else {
    // Rounds: each workload of each side in a fresh process, the sides' order alternating
    // from round to round, so that both see the same machine (its speed drifts).
    const all: BenchRecord[][] = [];
    for (let round = 1; round <= rounds; round++) {
      const got: BenchRecord[] = [];
      for (const w of workloads) {
        const course = () => runFresh(w).then((r) => [r]);
        const peer = async () => {
          if (w in EXPERIMENTS) {
            const rs = await runTorch([EXPERIMENTS[w]]);
            return rs.map((r) => ({ ...r, workload: w }));
          }
          if (!PEER_WORKLOADS.includes(w)) return [];
          const rs = await runTorch([w]);
          if (w === "beale-race") rs.push(...await runOptax());
          return rs;
        };
        const [first, second] = round % 2 === 1 ? [course, peer] : [peer, course];
        got.push(...await first(), ...await second());
      }
      for (const r of got) console.log(JSON.stringify({ round, ...r }));
      all.push(got);
    }
    const merged = medianRecords(all);
    const result = compare(
      merged.filter((r) => r.impl === "course"),
      merged.filter((r) => r.impl !== "course"),
      pairedRatios(all),
    );
    console.log(
      `\nMedians of ${rounds} round(s), each workload of each side in a fresh process, the sides' ` +
        "order alternating; each ratio is the median of the rounds' ratios:\n\n" +
        formatTable(result.table) + "\n",
    );
    for (const w of ["beale-race", "digits-mlp", "digits-mlp-wide", ...Object.keys(EXPERIMENTS)]) {
      const { wall, cpu } = roundRatios(all, w);
      if (wall.length === 0) continue;
      const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
      console.log(`${w}: torch / course per round, wall ${list(wall)}; CPU ${list(cpu)}`);
    }
    console.log("");
    // agreement must hold in every round; the targets are judged on the medians of the rounds'
    // ratios
    const agreement = all.flatMap((round) =>
      compare(
        round.filter((r) => r.impl === "course"),
        round.filter((r) => r.impl !== "course"),
      ).checks.filter((c) => !c.name.startsWith("target"))
    );
    const failedAgreement = agreement.filter((c) => !c.pass);
    for (const c of result.checks) {
      const bad = !c.name.startsWith("target") && failedAgreement.some((f) => f.name === c.name);
      console.log(`${c.pass && !bad ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`);
    }
    if (failedAgreement.length > 0) Deno.exitCode = 1;
  }
}
