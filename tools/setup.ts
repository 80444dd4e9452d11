/**
 * Set-up shared by every task: checks Deno, makes the project-local Python venv and the
 * project-local `deno` kernelspec, and (on request) the Debian packages the tests need.
 * Idempotent: a second call that finds everything in place returns in milliseconds.
 *
 * Nothing is written outside the project: Jupyter's data, config and runtime folders all point
 * into `.jupyter/` through {@link jupyterEnv}.
 *
 * @module
 */

import { existsSync as exists } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The Deno version the course is pinned to (README, .ci/run and this check agree). */
export const PINNED_DENO = "2.9.6";

/** Absolute path of the project root. */
export const ROOT: string = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** The project's venv and the Python inside it. */
export const VENV: string = join(ROOT, ".venv");
/** Python interpreter of the project's venv. */
export const PYTHON: string = join(VENV, "bin", "python");
/** Project-local Jupyter folder (kernelspec, data, config, runtime). */
export const JUPYTER_DIR: string = join(ROOT, ".jupyter");

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) {
    if (pa[i] !== pb[i]) return pa[i] - pb[i];
  }
  return 0;
}

/** Environment for any Jupyter process: finds only the course's kernelspec, writes nothing in $HOME. */
export function jupyterEnv(): Record<string, string> {
  return {
    ...Deno.env.toObject(),
    JUPYTER_PATH: JUPYTER_DIR,
    JUPYTER_DATA_DIR: join(JUPYTER_DIR, "data"),
    JUPYTER_CONFIG_DIR: join(JUPYTER_DIR, "config"),
    JUPYTER_RUNTIME_DIR: join(JUPYTER_DIR, "runtime"),
    JUPYTER_PLATFORM_DIRS: "1",
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
    NO_COLOR: "1",
    PATH: `${join(VENV, "bin")}:${Deno.env.get("PATH") ?? ""}`,
  };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function run(cmd: string, args: string[], what: string): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).split("\n").slice(-15).join("\n");
    throw new Error(`Set-up failed while ${what} (${cmd} ${args.join(" ")}):\n${err}`);
  }
}

/** Fails with advice when the running Deno is older than the pinned one. */
export function checkDeno(): void {
  if (compareVersions(Deno.version.deno, PINNED_DENO) < 0) {
    throw new Error(
      `Deno ${Deno.version.deno} is older than the course's Deno ${PINNED_DENO}: ` +
        `run the task as \`npx -y deno@${PINNED_DENO} task ...\` or upgrade with \`deno upgrade\``,
    );
  }
}

/**
 * Makes `.venv` from a requirements file; skipped when its hash matches the one recorded.
 * Extra requirement files (the torch reference scripts) are installed on demand the same way.
 */
export async function ensureVenv(requirements = "requirements.txt"): Promise<void> {
  const reqPath = join(ROOT, requirements);
  const wanted = await sha256(await Deno.readTextFile(reqPath));
  const stamp = join(VENV, `.installed-${requirements.replace(/[^\w.-]/g, "_")}`);
  if (exists(PYTHON) && exists(stamp) && (await Deno.readTextFile(stamp)).trim() === wanted) {
    return;
  }
  if (!exists(PYTHON)) {
    console.error("setup: creating the Python venv in .venv");
    await run(
      "python3",
      ["-m", "venv", VENV],
      "creating the venv (is python3 with venv installed?)",
    );
  }
  console.error(`setup: installing ${requirements} into .venv`);
  await run(
    PYTHON,
    ["-m", "pip", "install", "--retries", "0", "--disable-pip-version-check", "-q", "-r", reqPath],
    `installing ${requirements}`,
  );
  await Deno.writeTextFile(stamp, wanted + "\n");
}

/** Writes the project-local kernelspec `deno` (interrupt by message, no colour codes). */
export async function ensureKernelspec(): Promise<void> {
  const dir = join(JUPYTER_DIR, "kernels", "deno");
  const spec = {
    argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno",
    language: "typescript",
    interrupt_mode: "message",
    env: { NO_COLOR: "1" },
  };
  const text = JSON.stringify(spec, null, 2) + "\n";
  const file = join(dir, "kernel.json");
  if (exists(file) && Deno.readTextFileSync(file) === text) return;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(file, text);
}

/**
 * Installs Debian packages the tests need (Chromium for handouts, bubblewrap for grading)
 * when their binaries are missing. Needs root; otherwise says what to run.
 */
export async function ensureDebian(packages: Record<string, string>): Promise<void> {
  const missing = Object.entries(packages).filter(([bin]) => !exists(bin)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  const isRoot = Deno.uid?.() === 0;
  if (!isRoot) {
    throw new Error(
      `The tests need ${missing.join(", ")}: install with \`sudo apt-get install -y ${
        missing.join(" ")
      }\``,
    );
  }
  console.error(`setup: apt-get install ${missing.join(" ")}`);
  await run("apt-get", ["update", "-q"], "running apt-get update");
  await run(
    "apt-get",
    ["install", "-y", "-q", "--no-install-recommends", ...missing],
    `installing ${missing.join(" ")}`,
  );
}

/** Everything the build needs. */
export async function setup(): Promise<void> {
  checkDeno();
  await ensureVenv();
  await ensureKernelspec();
}

if (import.meta.main) {
  await setup();
  if (Deno.args.includes("--test")) {
    await ensureDebian({ "/usr/bin/chromium": "chromium", "/usr/bin/bwrap": "bubblewrap" });
  }
  console.error("setup: ready");
}
