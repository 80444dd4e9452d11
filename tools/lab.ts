/**
 * `deno task lab`: JupyterLab on the course notebooks with the course's Deno kernel.
 *
 * Everything Jupyter writes (runtime files, settings, workspaces) stays in `.jupyter/` inside the
 * project. Extra arguments go to `jupyter lab` (for example `--no-browser --port 8890`).
 *
 * @module
 */

import { join } from "node:path";
import { jupyterEnv, PYTHON, ROOT, setup } from "./setup.ts";

await setup();
const { code } = await new Deno.Command(PYTHON, {
  args: ["-m", "jupyter", "lab", `--notebook-dir=${join(ROOT, "notebooks")}`, ...Deno.args],
  env: jupyterEnv(),
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).output();
Deno.exit(code);
