/**
 * `deno task test`: every check CI runs, in one command, on a fresh machine too.
 *
 * 1. Set-up: Deno version, the project venv (Jupyter), the `deno` kernelspec, and the Debian
 *    packages the tests drive (Chromium for the handouts, bubblewrap for grading).
 * 2. Static checks: `deno fmt --check`, `deno lint`, `deno check`, and the same type check and lint
 *    on the code cells of every notebook.
 * 3. `deno test`: unit and doc tests of lib/, tools/ and bench/, which also execute every notebook
 *    on the real Deno kernel through nbclient, open every handout in headless Chromium and grade
 *    the corpus of hostile submissions.
 *
 * Ends with one line `tests: N passed, M failed`. Extra arguments go to `deno test` (for example
 * `--filter adam`).
 *
 * @module
 */

import { ensureDebian, ROOT, setup } from "./setup.ts";

const deno = Deno.execPath();
let passed = 0;
let failed = 0;

async function step(name: string, args: string[]): Promise<string> {
  console.error(`\n== ${name}: deno ${args.join(" ")}`);
  const child = new Deno.Command(deno, {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let captured = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    const text = decoder.decode(chunk, { stream: true });
    captured += text;
    await Deno.stdout.write(chunk);
  }
  const { success } = await child.status;
  if (args[0] !== "test") {
    if (success) passed++;
    else failed++;
    console.error(`== ${name}: ${success ? "ok" : "FAILED"}`);
  } else if (!success && !/\d+ failed/.test(captured)) {
    failed++; // deno test could not even start (a type error): count it
  }
  return captured;
}

if (!import.meta.main) {
  throw new Error("tools/run_tests.ts is the test runner (deno task test), not a module to import");
}

await setup();
await ensureDebian({ "/usr/bin/chromium": "chromium", "/usr/bin/bwrap": "bubblewrap" });

const testArgs = Deno.args;
if (testArgs.length === 0) {
  // Notebooks are format-checked by tools/nbcheck.ts (deno fmt --check misreports .ipynb on a cold cache).
  await step("format", ["fmt", "--check", "--ignore=**/*.ipynb"]);
  await step("lint", ["lint"]);
  await step("type check", ["check", "-q", "lib", "tools", "bench"]);
  await step("notebook format, type check and lint", ["run", "-A", "tools/nbcheck.ts"]);
}
const out = await step("tests", ["test", "-A", "--doc", ...testArgs]);
const summary = out.match(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)?.at(-1);
if (summary) {
  const [, p, f] = summary.match(/(\d+) passed.*\| (\d+) failed/)!;
  passed += Number(p);
  failed += Number(f);
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
Deno.exit(failed ? 1 : 0);
