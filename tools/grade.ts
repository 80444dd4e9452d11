/**
 * `deno task grade <submissions folder> [--out grading/] [--source notebooks/] [--jobs N]
 * [--timeout 30] [--memory 3072] [--heap MiB]`: grades every student's notebooks in a bubblewrap sandbox and
 * writes `grades.csv` and one HTML feedback page per student into the output folder. The kernel only
 * records the answers' values; every verdict comes from a replay of the tests outside it.
 * See tools/grading/README.md.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { ROOT, setup } from "./setup.ts";
import { gradeAll } from "./grading/grader.ts";

const USAGE =
  "usage: deno task grade SUBMISSIONS [--out DIR] [--source DIR] [--jobs N] [--timeout S] [--memory MiB] [--heap MiB] [--checksums release/checksums.json]";

if (import.meta.main) {
  let parsed;
  try {
    parsed = parseArgs({
      args: Deno.args,
      allowPositionals: true,
      options: {
        out: { type: "string", default: join(ROOT, "grading") },
        source: { type: "string", default: join(ROOT, "notebooks") },
        jobs: { type: "string", default: "1" },
        timeout: { type: "string", default: "30" },
        memory: { type: "string", default: "3072" },
        heap: { type: "string" },
        checksums: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    console.error(`grade: ${(e as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    Deno.exit(values.help ? 0 : 2);
  }
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) {
      console.error(`grade: --${name} must be a number ≥ ${min}, got ${JSON.stringify(v)}`);
      Deno.exit(2);
    }
    return n;
  };
  const jobs = Math.floor(num("jobs", values.jobs, 1));
  const timeout = num("timeout", values.timeout, 1);
  const memoryMb = Math.floor(num("memory", values.memory, 2048));
  const heapMb = values.heap === undefined ? undefined : Math.floor(num("heap", values.heap, 64));
  const submissions = resolve(positionals[0]);
  try {
    if (!Deno.statSync(submissions).isDirectory) throw new Error();
  } catch {
    console.error(`grade: ${submissions} is not a folder (one sub-folder per student expected)`);
    Deno.exit(2);
  }
  await setup();
  const out = resolve(values.out);
  try {
    const run = await gradeAll(submissions, {
      out,
      source: resolve(values.source),
      jobs,
      timeout,
      memoryMb,
      heapMb,
      ...(values.checksums ? { checksums: resolve(values.checksums) } : {}),
    });
    const n = run.grades.filter((g) => g.results.length).length;
    console.error(
      `grade: ${n} notebooks graded in ${run.seconds.toFixed(1)} s ` +
        `(${(n / (run.seconds / 60)).toFixed(1)} per minute, --jobs ${jobs}); ` +
        `wrote ${join(out, "grades.csv")} and ${join(out, "feedback")}/`,
    );
    if (run.modified.length) Deno.exit(1);
  } catch (e) {
    console.error(`grade: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
