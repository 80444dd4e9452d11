/**
 * Drives the course's JupyterLab in headless Chromium, as a lecturer uses it: starts `deno task lab`
 * (tools/lab.ts) on a free port of 127.0.0.1 with a token, opens notebooks in Debian's Chromium
 * (the launcher of tools/handout/browser.ts, network cut except for the lab itself), runs them with
 * the menu command a person would use and waits for the kernel to go idle.
 *
 * ```ts ignore
 * const lab = await startLab();
 * const browser = await labBrowser(lab);
 * const page = await openNotebook(browser, lab, "00_landscape.ipynb");
 * await runAllCells(page);
 * await stopLab(lab, browser);
 * ```
 *
 * @module
 */

import { join } from "node:path";
import type { Page } from "playwright-core";
import { type OfflineBrowser, offlineBrowser } from "../handout/browser.ts";
import { ROOT } from "../setup.ts";
import { serverUrl } from "../lab.ts";

/** A running JupyterLab started by {@link startLab}. */
export interface Lab {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  token: string;
  /** The `deno run tools/lab.ts` process. */
  process: Deno.ChildProcess;
  /** The folder JupyterLab serves (its root). */
  rootDir: string;
  /** JupyterLab's log so far (stderr of the task). */
  log: () => string;
}

/** Options of {@link startLab}. */
export interface StartLabOptions {
  /** Folder to serve; default the course's `notebooks/`. */
  rootDir?: string;
  /** How long to wait for the server to answer (ms). */
  timeoutMs?: number;
  /** More arguments for `jupyter lab`. */
  args?: string[];
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** True when something accepts connections on 127.0.0.1:`port`. */
export async function portInUse(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `deno task lab` headless on a free port of 127.0.0.1 with a fresh token, settings and
 * workspaces in a temporary folder (the lecturer's own layout is left alone), and waits until the
 * server answers its REST API.
 */
export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const { timeoutMs = 90_000, args = [] } = options;
  const rootDir = options.rootDir ?? join(ROOT, "notebooks");
  const port = freePort();
  const token = crypto.randomUUID().replaceAll("-", "");
  const settings = await Deno.makeTempDir({ prefix: "course-lab-" });
  // Settings a lecturer would click away on first start: no news prompt, no update check.
  const overrides = join(settings, "user-settings", "@jupyterlab", "apputils-extension");
  await Deno.mkdir(overrides, { recursive: true });
  await Deno.writeTextFile(
    join(overrides, "notification.jupyterlab-settings"),
    JSON.stringify({ fetchNews: "false", checkForUpdates: false }),
  );
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(ROOT, "tools", "lab.ts"),
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${rootDir}`,
      `--LabApp.user_settings_dir=${join(settings, "user-settings")}`,
      `--LabApp.workspaces_dir=${join(settings, "workspaces")}`,
      ...args,
    ],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let log = "";
  let exited = false;
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += decoder.decode(chunk, { stream: true });
  };
  drain(process.stdout).catch(() => {});
  drain(process.stderr).catch(() => {});
  process.status.then(() => exited = true);
  const lab: Lab = {
    origin: `http://127.0.0.1:${port}`,
    port,
    token,
    process,
    rootDir,
    log: () => log,
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `deno task lab exited before answering on port ${port}:\n${log.slice(-3000)}`,
      );
    }
    if (log.split("\n").some((l) => serverUrl(l))) {
      try {
        const r = await fetch(`${lab.origin}/api/status`, {
          headers: { Authorization: `token ${token}` },
        });
        await r.body?.cancel();
        if (r.ok) return lab;
      } catch {
        // Not yet.
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopLab(lab);
  throw new Error(`JupyterLab did not answer on port ${port} within ${timeoutMs} ms:\n${log}`);
}

/** Headless Chromium that may reach only `lab` (tools/handout/browser.ts, network otherwise cut). */
export function labBrowser(lab: Lab, size = { width: 1280, height: 900 }): Promise<OfflineBrowser> {
  return offlineBrowser({ ...size, allowOrigins: [lab.origin] });
}

/**
 * Stops the browser (if given) and the lab the way a lecturer does, with Ctrl-C (SIGINT to the
 * task), and waits for the task to exit. Escalates to SIGKILL after `timeoutMs`.
 */
export async function stopLab(
  lab: Lab,
  browser?: OfflineBrowser,
  timeoutMs = 20_000,
): Promise<Deno.CommandStatus> {
  await browser?.close().catch(() => {});
  try {
    lab.process.kill("SIGINT");
  } catch {
    // Already gone.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      try {
        lab.process.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      resolve();
    }, timeoutMs);
  });
  const status = await Promise.race([lab.process.status, killed.then(() => lab.process.status)]);
  clearTimeout(timer);
  return status;
}

/** The lab URL of a notebook (path relative to the lab's root), with the token. */
export function notebookUrl(lab: Lab, path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `${lab.origin}/lab/tree/${encoded}?token=${lab.token}&reset`;
}

/**
 * Opens a notebook in a new page and waits until its kernel is connected and idle. Returns the
 * page (reuse it, or close it when done).
 */
export async function openNotebook(
  browser: OfflineBrowser,
  lab: Lab,
  path: string,
  { timeoutMs = 90_000, page }: { timeoutMs?: number; page?: Page } = {},
): Promise<Page> {
  page ??= await browser.context.newPage();
  await page.goto(notebookUrl(lab, path), { waitUntil: "domcontentloaded", timeout: timeoutMs });
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").first()
    .waitFor({ timeout: timeoutMs });
  await waitForIdle(page, { timeoutMs });
  return page;
}

/** The kernel name the notebook's toolbar shows (for the course: "Deno"). */
export async function kernelDisplayName(page: Page): Promise<string> {
  const name = page.locator(
    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName, " +
      ".jp-NotebookPanel:not(.lm-mod-hidden) [data-jp-item-name='kernelName']",
  ).first();
  await name.waitFor({ timeout: 30_000 });
  return (await name.innerText()).trim();
}

/**
 * The kernel status the status bar shows for the current notebook (`Idle`, `Busy`, `Initializing`,
 * `Connecting`…; empty when there is none).
 */
export function kernelStatus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const bar = document.querySelector("#jp-main-statusbar");
    const text = (bar as HTMLElement | null)?.innerText ?? "";
    return text.match(/\|\s*(\w+)/)?.[1] ?? "";
  });
}

/**
 * Waits until the notebook's kernel is idle and no cell is queued or running (`[*]`), for
 * `settleMs` in a row (outputs published just after idle get time to arrive).
 */
export async function waitForIdle(
  page: Page,
  { timeoutMs = 300_000, settleMs = 750 }: { timeoutMs?: number; settleMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleSince: number | undefined;
  while (Date.now() < deadline) {
    const busy = await page.evaluate(() => {
      const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
      if (!panel) return "no notebook";
      // The status bar says "Deno | Idle" once the kernel is connected and has nothing to do.
      const bar = (document.querySelector("#jp-main-statusbar") as HTMLElement | null)?.innerText;
      const status = bar?.match(/\|\s*(\w+)/)?.[1];
      if (status !== "Idle") return `kernel ${status ?? "not shown"}`;
      const indicator = document.querySelector(".jp-Notebook-ExecutionIndicator");
      if (indicator && indicator.getAttribute("data-status") !== "idle") return "kernel busy";
      const running = [...panel.querySelectorAll(".jp-InputArea-prompt")].some((p) =>
        (p.textContent ?? "").includes("*")
      );
      return running ? "cells running" : "";
    });
    if (busy === "") {
      idleSince ??= Date.now();
      if (Date.now() - idleSince >= settleMs) return;
    } else {
      idleSince = undefined;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`the notebook's kernel did not go idle within ${timeoutMs} ms`);
}

/** Clicks a menu bar entry and then one of its items, as a person would (`Run` › `Run All Cells`). */
export async function menuCommand(page: Page, menu: string, item: string): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${menu}$`) }).click();
  await page.locator(".lm-Menu-content .lm-Menu-itemLabel", {
    hasText: new RegExp(`^${item.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`),
  }).click();
}

/**
 * Run › Run All Cells, then waits for the kernel to go idle with every cell run. Returns the
 * seconds it took.
 */
export async function runAllCells(
  page: Page,
  { timeoutMs = 300_000 }: { timeoutMs?: number } = {},
): Promise<number> {
  const start = performance.now();
  await menuCommand(page, "Run", "Run All Cells");
  // The first cell is queued at once; wait for work to start before waiting for idle.
  await page.waitForFunction(
    () => {
      const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
      const prompts = [...(panel?.querySelectorAll(".jp-CodeCell .jp-InputArea-prompt") ?? [])];
      return prompts.some((p) => /\[(\*|\d+)\]/.test(p.textContent ?? ""));
    },
    undefined,
    { timeout: 30_000 },
  );
  await waitForIdle(page, { timeoutMs });
  return (performance.now() - start) / 1000;
}

/** Closes the page and shuts down the notebook's kernel (REST API), so kernels do not pile up. */
export async function closeNotebook(lab: Lab, page: Page, path: string): Promise<void> {
  await page.close();
  const headers = { Authorization: `token ${lab.token}` };
  const sessions = await (await fetch(`${lab.origin}/api/sessions`, { headers })).json() as {
    id: string;
    path: string;
  }[];
  for (const s of sessions.filter((s) => s.path === path || s.path.endsWith(`/${path}`))) {
    const r = await fetch(`${lab.origin}/api/sessions/${s.id}`, { method: "DELETE", headers });
    await r.body?.cancel();
  }
}

/** Kernels the lab is running now (REST API). */
export async function runningKernels(lab: Lab): Promise<{ id: string; name: string }[]> {
  const r = await fetch(`${lab.origin}/api/kernels`, {
    headers: { Authorization: `token ${lab.token}` },
  });
  return await r.json();
}
