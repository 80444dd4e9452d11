/**
 * `deno task lab`: JupyterLab on the course notebooks with the course's Deno kernel.
 *
 * Opens on `notebooks/`, finds only the project-local `deno` kernelspec (tools/setup.ts), and keeps
 * everything Jupyter writes (runtime files, settings, workspaces) in `.jupyter/` inside the project.
 * Prints the URL to open (with its token) as one line `JupyterLab: http://...` once the server
 * answers. One Ctrl-C (SIGINT) or SIGTERM stops JupyterLab and its kernels and then this task; no
 * "Shut down this server?" question.
 *
 * Extra arguments go to `jupyter lab` (for example `--no-browser --port 8890`).
 *
 * @module
 */

import { join } from "node:path";
import { jupyterEnv, PYTHON, ROOT, setup } from "./setup.ts";

/** The line `deno task lab` prints once the server answers: `JupyterLab: <url with token>`. */
export const URL_LINE_PREFIX = "JupyterLab: ";

/**
 * Finds the server's URL (`http://127.0.0.1:PORT/lab?token=…`) in a line of its log. JupyterLab
 * masks a token it was given (`token=...`); `token` fills it in.
 */
export function serverUrl(line: string, token?: string): string | undefined {
  const url = line.match(/(https?:\/\/(?:127\.0\.0\.1|localhost)[^\s]*\/lab(?:\?token=[^\s]*)?)/)
    ?.[1];
  return token ? url?.replace(/token=\.\.\.$/, `token=${token}`) : url;
}

/** The token given in `args` (`--IdentityProvider.token=…` or `--ServerApp.token=…`), if any. */
export function tokenArg(args: string[]): string | undefined {
  for (const a of args) {
    const m = a.match(/^--(?:IdentityProvider|ServerApp|NotebookApp)\.token=(.*)$/);
    if (m) return m[1];
  }
  return undefined;
}

/** Arguments of `jupyter lab` for the course: the folder, one Ctrl-C stops, no news from the web. */
export function labArgs(extra: string[]): string[] {
  const ownRoot = extra.some((a) => /^--(ServerApp\.root_dir|notebook-dir)=/.test(a));
  return [
    "-m",
    "jupyter",
    "lab",
    ...(ownRoot ? [] : [`--ServerApp.root_dir=${join(ROOT, "notebooks")}`]),
    // One Ctrl-C stops the server (instead of asking y/n within 5 s).
    "--ServerApp.answer_yes=True",
    // The course runs offline: JupyterLab must not fetch news or look for updates.
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
    // Containers and CI machines often run as root; JupyterLab refuses to start there without it.
    ...(Deno.uid?.() === 0 ? ["--allow-root"] : []),
    ...extra,
  ];
}

async function main(): Promise<number> {
  await setup();
  // A token of our own (unless one is given), so the URL printed below can include it.
  const given = tokenArg(Deno.args);
  const token = given ?? crypto.randomUUID().replaceAll("-", "");
  const args = given === undefined
    ? [...Deno.args, `--IdentityProvider.token=${token}`]
    : Deno.args;
  const child = new Deno.Command(PYTHON, {
    args: labArgs(args),
    env: jupyterEnv(),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  // Ctrl-C in a terminal reaches JupyterLab too (same process group); a SIGINT sent to this task
  // alone must stop it as well. SIGTERM makes JupyterLab shut its kernels down and exit.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  // Pass JupyterLab's log through and announce its URL once, on a line of its own.
  let announced = false;
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of child.stderr) {
    await Deno.stderr.write(chunk);
    if (announced) continue;
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const url = serverUrl(line, token);
      if (url && !announced) {
        announced = true;
        console.log(`${URL_LINE_PREFIX}${url}`);
      }
    }
  }
  const { code, signal } = await child.status;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  return stopping ? 0 : signal ? 1 : code;
}

if (import.meta.main) Deno.exit(await main());
