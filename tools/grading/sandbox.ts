/**
 * The grading sandbox: executes one notebook (the executor, Python, and the Deno kernel together)
 * inside bubblewrap (`/usr/bin/bwrap`), so that student code, which the Deno kernel always runs
 * with every permission, cannot reach the network, the host's files or the grades.
 *
 * What the sandbox sees:
 * - new PID, network, IPC, UTS and cgroup namespaces; the network namespace has only a loopback
 *   interface (the executor talks to the kernel over it); killed with the grader
 *   (`--die-with-parent`); a new session (no terminal injection). Run by root, the processes
 *   inside switch to `nobody` (setpriv; no capabilities, `no_new_privs`, RLIMIT_NPROC); run by
 *   another user, a user namespace too (`--unshare-user --disable-userns`), no capabilities;
 * - read-only: `/usr` (and `/bin`, `/lib`… as links into it), a handful of files from `/etc`, the
 *   Python the venv was made from, the Deno cache, and from the project only `lib/`, `data/`,
 *   `node_modules/`, `deno.json`, `deno.lock`, `.venv/`, the kernelspec, the two executor
 *   scripts and the grading recorder (tools/grading/kernel_recorder.ts, values.ts);
 * - writable: a size-limited tmpfs at `/tmp` and one at `<project>/notebooks` (the working
 *   folder), both thrown away at the end; the one notebook to run is bound read-only into the
 *   latter. Nothing the student's code writes reaches the host.
 * - limits: `RLIMIT_DATA` (memory) per process, V8's old-space limit, `RLIMIT_FSIZE`, no core
 *   dumps, and a wall-clock limit for the whole run on top of the executor's per-cell timeout.
 *
 * Results come back on the executor's stdout framed by a random token written on its stdin (see
 * tools/grading/sandbox_exec.py), so nothing the student's code prints can pass for a result.
 *
 * @module
 */

import { existsSync as exists } from "node:fs";
import { dirname, join } from "node:path";
import { JUPYTER_DIR, PYTHON, ROOT, VENV } from "../setup.ts";
import type { ExecutionReport } from "../course.ts";
import type { Notebook } from "../exercises.ts";

/** The bubblewrap binary. */
export const BWRAP = "/usr/bin/bwrap";
/** The Python script run inside the sandbox. */
export const SANDBOX_EXEC: string = join(ROOT, "tools", "grading", "sandbox_exec.py");

/** Limits for one sandboxed run. */
export interface SandboxLimits {
  /** Per-cell timeout in seconds (default 30). */
  timeout?: number;
  /** Memory per process in MiB (RLIMIT_DATA; default 3072). V8's heap gets a quarter of it. */
  memoryMb?: number;
  /** V8's old-space (heap) limit in MiB (default: a quarter of `memoryMb`). */
  heapMb?: number;
  /** Wall-clock limit for the whole run in seconds (default: timeout × (code cells + 2) + 60). */
  wallSeconds?: number;
}

/** What a sandboxed execution returns. */
export interface SandboxResult {
  /** The executor's report, plus which cells started and finished. */
  report: ExecutionReport & {
    started?: number[];
    finished?: number[];
    executor_error?: string;
    memory_exhausted?: boolean;
  };
  /** The executed notebook (absent when the executor could not run it). */
  notebook?: Notebook;
  /** Set when the sandbox itself failed or was killed (wall-clock limit). */
  failure?: string;
}

/** The folder of the Python installation the venv was made from (read from pyvenv.cfg). */
function pythonHome(): string | undefined {
  try {
    const cfg = Deno.readTextFileSync(join(VENV, "pyvenv.cfg"));
    const home = cfg.match(/^home\s*=\s*(.+)$/m)?.[1].trim();
    return home ? dirname(home) : undefined;
  } catch {
    return undefined;
  }
}

function denoDir(): string | undefined {
  const explicit = Deno.env.get("DENO_DIR");
  if (explicit) return explicit;
  const home = Deno.env.get("HOME");
  return home ? join(home, ".cache", "deno") : undefined;
}

const ETC_FILES = [
  "/etc/passwd",
  "/etc/group",
  "/etc/hosts",
  "/etc/nsswitch.conf",
  "/etc/localtime",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/mime.types",
];

/** Where the notebook sits inside the sandbox: the course's notebooks folder, so `../lib` resolves. */
export const SANDBOX_NOTEBOOKS: string = join(ROOT, "notebooks");

/**
 * The bwrap argument list that runs `command` with `notebookHost` visible (read-only) as
 * `<project>/notebooks/<name>`. Exposed for the tests, which run shell probes in the same sandbox.
 */
export function sandboxArgs(
  command: string[],
  { notebookHost, name, memoryMb = 3072, heap, denoJson }: {
    notebookHost?: string;
    name?: string;
    memoryMb?: number;
    heap?: number;
    /** A deno.json to show in place of the project's (see {@link sandboxDenoJson}). */
    denoJson?: string;
  } = {},
): string[] {
  const root = asRoot();
  const args = root
    // As root: no user namespace (it would map the sandbox to host uid 0), so that the
    // sandboxed processes can become `nobody` (host uid 65534) through setpriv below.
    ? [
      "--unshare-net",
      "--unshare-pid",
      "--unshare-ipc",
      "--unshare-uts",
      "--unshare-cgroup-try",
      "--cap-drop",
      "ALL",
      "--cap-add",
      "CAP_SETUID",
      "--cap-add",
      "CAP_SETGID",
    ]
    : ["--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"];
  args.push(
    "--die-with-parent",
    "--new-session",
    "--ro-bind",
    "/usr",
    "/usr",
  );
  for (const dir of ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]) {
    let target: string | undefined;
    try {
      target = Deno.readLinkSync(`/${dir}`);
    } catch {
      target = undefined;
    }
    if (target) args.push("--symlink", target, `/${dir}`);
    else if (exists(`/${dir}`)) args.push("--ro-bind", `/${dir}`, `/${dir}`);
  }
  for (const f of ETC_FILES) args.push("--ro-bind-try", f, f);
  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--perms", "1777", "--size", String(256 * 2 ** 20), "--tmpfs", "/tmp");
  args.push("--perms", "0777", "--dir", "/tmp/home");
  const py = pythonHome();
  if (py && !py.startsWith("/usr/")) args.push("--ro-bind", py, py);
  const denoBin = dirname(Deno.execPath());
  if (!denoBin.startsWith("/usr/")) args.push("--ro-bind", denoBin, denoBin);
  const cache = denoDir();
  if (cache && exists(cache)) args.push("--ro-bind", cache, cache);
  for (
    const p of [
      "lib",
      "data",
      "node_modules",
      "deno.json",
      "deno.lock",
      ".venv",
      ".jupyter/kernels",
      "tools/execute_notebook.py",
      "tools/grading/sandbox_exec.py",
      "tools/grading/kernel_recorder.ts",
      "tools/grading/values.ts",
    ]
  ) {
    const path = join(ROOT, p);
    if (p === "deno.json" && denoJson) args.push("--ro-bind", denoJson, path);
    else if (exists(path)) args.push("--ro-bind", path, path);
  }
  args.push("--perms", "1777", "--size", String(256 * 2 ** 20), "--tmpfs", SANDBOX_NOTEBOOKS);
  if (notebookHost && name) {
    args.push("--ro-bind", notebookHost, join(SANDBOX_NOTEBOOKS, name));
  }
  args.push("--remount-ro", "/");
  args.push("--chdir", SANDBOX_NOTEBOOKS);
  args.push("--clearenv");
  const env: Record<string, string> = {
    HOME: "/tmp/home",
    PATH: `${join(VENV, "bin")}:/usr/local/bin:/usr/bin:/bin`,
    LANG: "C.UTF-8",
    NO_COLOR: "1",
    JUPYTER_PATH: JUPYTER_DIR,
    JUPYTER_DATA_DIR: "/tmp/jupyter/data",
    JUPYTER_CONFIG_DIR: "/tmp/jupyter/config",
    JUPYTER_RUNTIME_DIR: "/tmp/jupyter/runtime",
    JUPYTER_PLATFORM_DIRS: "1",
    PYDEVD_DISABLE_FILE_VALIDATION: "1",
    DENO_V8_FLAGS: `--max-old-space-size=${heap ?? heapMb(memoryMb)}`,
    DENO_NO_UPDATE_CHECK: "1",
    DENO_NO_PROMPT: "1",
  };
  if (cache) env.DENO_DIR = cache;
  for (const [k, v] of Object.entries(env)) args.push("--setenv", k, v);
  args.push("--", ...limitCommand(memoryMb, root), ...command);
  return withParents(args);
}

/**
 * bwrap creates the missing parents of a mount point with mode 0700, which `nobody` cannot
 * enter: create them first, world-readable, just before the first mount that needs them. A tmpfs
 * hides what was made under it, so parents under a tmpfs (a project cloned below /tmp) are made
 * again after it.
 */
function withParents(args: string[]): string[] {
  const end = args.indexOf("--");
  const out: string[] = [];
  const made = new Set<string>();
  let pending: string[] = []; // --perms/--size apply to the next operation only
  const ensureParents = (target: string) => {
    const parents: string[] = [];
    for (let p = dirname(target); p !== "/" && p !== "."; p = dirname(p)) parents.unshift(p);
    for (const p of parents.filter((p) => !made.has(p))) {
      out.push("--perms", "0755", "--dir", p);
      made.add(p);
    }
  };
  for (let i = 0; i < end; i++) {
    const op = args[i];
    if (op === "--perms" || op === "--size") {
      pending.push(op, args[++i]);
    } else if (["--ro-bind", "--ro-bind-try", "--bind", "--symlink"].includes(op)) {
      const [source, target] = [args[i + 1], args[i + 2]];
      ensureParents(target);
      out.push(...pending, op, source, target);
      made.add(target);
      pending = [];
      i += 2;
    } else if (["--tmpfs", "--dir", "--proc", "--dev"].includes(op)) {
      const target = args[++i];
      ensureParents(target);
      if (op === "--tmpfs") {
        for (const m of [...made]) if (m.startsWith(`${target}/`)) made.delete(m);
      }
      out.push(...pending, op, target);
      made.add(target);
      pending = [];
    } else {
      out.push(...pending, op);
      pending = [];
    }
  }
  return [...out, ...pending, ...args.slice(end)];
}

/** True when the grader runs as root (then the sandbox's processes run as `nobody`). */
function asRoot(): boolean {
  return Deno.uid?.() === 0 && exists(SETPRIV);
}

/** setpriv (util-linux), to drop from root to `nobody` inside the sandbox. */
export const SETPRIV = "/usr/bin/setpriv";
/** The unprivileged user the sandboxed processes run as when the grader is root. */
export const NOBODY = 65534;

/**
 * Run first inside the sandbox: resource limits (inherited by every process in it), then, as
 * root, the switch to `nobody` (which also drops the two capabilities it needed).
 */
function limitCommand(memoryMb: number, root: boolean): string[] {
  const limits = [
    "/usr/bin/prlimit",
    `--data=${memoryMb * 2 ** 20}`,
    `--fsize=${256 * 2 ** 20}`,
    "--core=0",
  ];
  // RLIMIT_NPROC counts every task (threads too) of the user: only bounded for `nobody`.
  if (root) limits.push(`--nproc=${NPROC}`);
  const drop = root
    ? [SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--inh-caps=-all"]
    : [];
  return [...limits, ...drop];
}

/** Tasks (processes and threads) `nobody` may have: a fork bomb stops here. */
export const NPROC = 2048;

/** V8's old-space limit for a memory limit: a quarter of it (the kernel needs the rest). */
export function heapMb(memoryMb: number): number {
  return Math.max(256, Math.floor(memoryMb / 4));
}

/**
 * The project's deno.json with `"nodeModulesDir": "manual"`: with "auto" the kernel insists on
 * writing to node_modules/ (read-only in the sandbox) and every npm import fails; "manual" uses
 * node_modules/ as it is.
 */
export function sandboxDenoJson(): string {
  const text = Deno.readTextFileSync(join(ROOT, "deno.json"));
  try {
    const config = JSON.parse(text);
    if (config.nodeModulesDir === "auto" || config.nodeModulesDir === true) {
      config.nodeModulesDir = "manual";
    }
    return JSON.stringify(config, null, 2) + "\n";
  } catch {
    return text;
  }
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return "result-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const MAX_OUTPUT = 64 * 2 ** 20;

/**
 * Executes a notebook (given as its JSON text) in the sandbox and returns the executed notebook and
 * report. Never throws for anything the notebook does.
 */
export async function runSandboxed(
  notebookText: string,
  name: string,
  { timeout = 30, memoryMb = 3072, heapMb: heap, wallSeconds }: SandboxLimits = {},
): Promise<SandboxResult> {
  const dir = await Deno.makeTempDir({ prefix: "grade-nb-" });
  try {
    const host = join(dir, name);
    await Deno.writeTextFile(host, notebookText);
    await Deno.chmod(host, 0o444);
    const denoJson = join(dir, "deno.json");
    await Deno.writeTextFile(denoJson, sandboxDenoJson());
    let codeCells = 10;
    try {
      codeCells = (JSON.parse(notebookText) as Notebook).cells.filter((c) =>
        c.cell_type === "code"
      ).length;
    } catch { /* the executor reports it */ }
    const wall = wallSeconds ?? timeout * (codeCells + 2) + 60;
    const command = [
      PYTHON,
      SANDBOX_EXEC,
      join(SANDBOX_NOTEBOOKS, name),
      "--timeout",
      String(timeout),
    ];
    const child = new Deno.Command(BWRAP, {
      args: sandboxArgs(command, { notebookHost: host, name, memoryMb, heap, denoJson }),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const token = randomToken();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(token + "\n")).catch(() => {});
    await writer.close().catch(() => {});
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, wall * 1000);
    const [stdout, stderr] = await Promise.all([
      readCapped(child.stdout, MAX_OUTPUT),
      readCapped(child.stderr, 64 * 1024),
    ]);
    const status = await child.status;
    clearTimeout(timer);
    if (killed) {
      return {
        report: { notebook: name, ok: false },
        failure: `grading stopped after ${wall} s (the wall-clock limit for the whole notebook)`,
      };
    }
    const text = new TextDecoder().decode(stdout);
    const marker = `\n${token}\n`;
    const start = text.indexOf(marker);
    const end = start < 0 ? -1 : text.indexOf(marker, start + marker.length);
    if (start < 0 || end < 0) {
      const err = new TextDecoder().decode(stderr).trim().split("\n").slice(-5).join(" | ");
      return {
        report: { notebook: name, ok: false },
        failure: `the sandbox returned no result (exit status ${status.code}${
          err ? `: ${err}` : ""
        })`,
      };
    }
    const parsed = JSON.parse(text.slice(start + marker.length, end)) as {
      report: SandboxResult["report"];
      notebook?: Notebook;
    };
    return { report: parsed.report, notebook: parsed.notebook };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

async function readCapped(stream: ReadableStream<Uint8Array>, cap: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    if (size < cap) {
      chunks.push(chunk.subarray(0, cap - size));
      size += Math.min(chunk.length, cap - size);
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** True when bubblewrap is installed and can create its namespaces here. */
export async function sandboxAvailable(): Promise<string | null> {
  if (!exists(BWRAP)) {
    return `bubblewrap is not installed (${BWRAP}): install it with \`apt-get install -y bubblewrap\``;
  }
  const out = await new Deno.Command(BWRAP, {
    args: sandboxArgs(["/usr/bin/true"]),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) {
    return `bubblewrap cannot create its sandbox here: ${
      new TextDecoder().decode(out.stderr).trim()
    }`;
  }
  return null;
}
