/**
 * Regenerates the committed reference data: installs torch and scikit-learn into the project's
 * venv (from requirements-reference.txt) and runs every script in tools/reference/ in name order,
 * or only the ones named on the command line.
 *
 * Usage: deno task refs [script.py ...]
 *
 * @module
 */

import { join } from "node:path";
import { ensureVenv, PYTHON, ROOT } from "./setup.ts";

await ensureVenv("requirements-reference.txt");
const dir = join(ROOT, "tools", "reference");
const wanted = Deno.args;
const scripts = [...Deno.readDirSync(dir)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".py") && (wanted.length === 0 || wanted.includes(n)))
  .sort();
if (scripts.length === 0) {
  throw new Error(`No reference script matches ${wanted.join(", ")} in ${dir}`);
}
for (const script of scripts) {
  console.error(`refs: ${script}`);
  const { success } = await new Deno.Command(PYTHON, {
    args: [join(dir, script)],
    cwd: ROOT,
    env: { ATEN_CPU_CAPABILITY: "default", OMP_NUM_THREADS: "1", PYTHONHASHSEED: "0" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!success) throw new Error(`Reference script ${script} failed (see its output above)`);
}
