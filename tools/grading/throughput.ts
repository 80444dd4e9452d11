/**
 * Grading throughput: grades N copies of a submission of the fixture course (or of the course's
 * own notebooks) with `gradeAll` and prints the time and the notebooks graded per minute.
 *
 * ```sh
 * deno run -A tools/grading/throughput.ts --copies 10 --jobs 2          # the fixture, alice_correct
 * deno run -A tools/grading/throughput.ts --course --copies 2 --jobs 2  # notebooks/*.ipynb as submitted
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join } from "node:path";
import { ROOT } from "../setup.ts";
import { gradeAll } from "./grader.ts";
import { NOTEBOOKS_DIR } from "../course.ts";

const { values } = parseArgs({
  options: {
    copies: { type: "string", default: "10" },
    jobs: { type: "string", default: "2" },
    course: { type: "boolean", default: false },
  },
});
const copies = Number(values.copies), jobs = Number(values.jobs);
const fixture = join(ROOT, "tools", "grading", "testdata");
const source = values.course ? NOTEBOOKS_DIR : join(fixture, "course");
const files = values.course
  ? [...Deno.readDirSync(NOTEBOOKS_DIR)].filter((e) => e.name.endsWith(".ipynb")).map((e) =>
    join(NOTEBOOKS_DIR, e.name)
  )
  : [join(fixture, "submissions", "alice_correct", "01_fixture.ipynb")];
const subs = await Deno.makeTempDir({ prefix: "bench-submissions-" });
const out = await Deno.makeTempDir({ prefix: "bench-grading-" });
for (let i = 0; i < copies; i++) {
  const dir = join(subs, `student${String(i).padStart(2, "0")}`);
  await Deno.mkdir(dir);
  for (const f of files) await Deno.copyFile(f, join(dir, f.split("/").at(-1)!));
}
const load = () => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
const loadBefore = load();
const run = await gradeAll(subs, { source, out, jobs, timeout: 60, log: () => {} });
const n = copies * files.length;
const got = run.grades.flatMap((g) => g.results).filter((r) => r.status === "pass").length;
const all = run.grades.flatMap((g) => g.results).length;
console.log(
  `${n} notebooks (${got}/${all} tests pass), --jobs ${jobs}: ${run.seconds.toFixed(1)} s, ` +
    `${(n / run.seconds * 60).toFixed(1)} / minute (load ${loadBefore} → ${load()})`,
);
await Deno.remove(subs, { recursive: true });
await Deno.remove(out, { recursive: true });
