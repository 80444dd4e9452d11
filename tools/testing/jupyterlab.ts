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
import { URL_LINE_PREFIX } from "../lab.ts";

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
  /** The temporary folder with this run's settings and workspaces (removed by {@link stopLab}). */
  settingsDir: string;
}

/** Options of {@link startLab}. */
export interface StartLabOptions {
  /** Folder to serve; default the course's `notebooks/`. */
  rootDir?: string;
  /** How long to wait for the server to answer (ms). */
  timeoutMs?: number;
  /** More arguments for `jupyter lab`. */
  args?: string[];
  /**
   * JupyterLab settings for this run, by plugin id (merged over the test defaults: no autosave,
   * so a test never writes the course's notebooks; no news; no update check).
   */
  settings?: Record<string, Record<string, unknown>>;
  /** Expose the app as `window.jupyterapp` (needed by {@link notebookModel}). */
  exposeApp?: boolean;
}

/** Settings every test lab starts with (see {@link StartLabOptions.settings}). */
export const TEST_SETTINGS: Record<string, Record<string, unknown>> = {
  // Running cells makes a notebook dirty; autosave would then write outputs into notebooks/.
  "@jupyterlab/docmanager-extension:plugin": { autosave: false },
  "@jupyterlab/apputils-extension:notification": { fetchNews: "false", checkForUpdates: false },
};

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
  const wanted = { ...TEST_SETTINGS };
  for (const [plugin, values] of Object.entries(options.settings ?? {})) {
    wanted[plugin] = { ...wanted[plugin], ...values };
  }
  for (const [plugin, values] of Object.entries(wanted)) {
    const [pkg, name] = plugin.split(":");
    const dir = join(settings, "user-settings", pkg);
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(join(dir, `${name}.jupyterlab-settings`), JSON.stringify(values));
  }
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
      ...(options.exposeApp ? ["--LabApp.expose_app_in_browser=True"] : []),
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
    settingsDir: settings,
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `deno task lab exited before answering on port ${port}:\n${log.slice(-3000)}`,
      );
    }
    if (log.includes(URL_LINE_PREFIX)) {
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
  await Deno.remove(lab.settingsDir, { recursive: true }).catch(() => {});
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
  { timeoutMs = 90_000, page, waitForKernel = true }: {
    timeoutMs?: number;
    /** A page to reuse (one browser tab for many notebooks). */
    page?: Page;
    /** Wait for the kernel to be idle (false: only for the cells to show). */
    waitForKernel?: boolean;
  } = {},
): Promise<Page> {
  page ??= await browser.context.newPage();
  await page.goto(notebookUrl(lab, path), { waitUntil: "domcontentloaded", timeout: timeoutMs });
  await page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").first()
    .waitFor({ timeout: timeoutMs });
  if (waitForKernel) await waitForIdle(page, { timeoutMs });
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

/** Shuts down the kernels of the lab's sessions on `path` (REST API), so kernels do not pile up. */
export async function shutdownKernel(lab: Lab, path: string): Promise<void> {
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

/** Closes the page and shuts down the notebook's kernel. */
export async function closeNotebook(lab: Lab, page: Page, path: string): Promise<void> {
  await page.close();
  await shutdownKernel(lab, path);
}

/** Kernels the lab is running now (REST API). */
export async function runningKernels(lab: Lab): Promise<{ id: string; name: string }[]> {
  const r = await fetch(`${lab.origin}/api/kernels`, {
    headers: { Authorization: `token ${lab.token}` },
  });
  return await r.json();
}

/** Process ids of every descendant of `pid` (children, grandchildren…), from /proc (Linux). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry.name)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** True while a process with this id exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/**
 * The current notebook as JupyterLab would save it (its model's JSON, outputs included). Needs a
 * lab started with `exposeApp: true`.
 */
export function notebookModel(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const app = (window as any).jupyterapp;
    if (!app) throw new Error("start the lab with exposeApp: true to read the notebook model");
    return app.shell.currentWidget.context.model.toJSON();
  });
}

/** The active notebook's cells (DOM elements, in order). */
function cellLocator(page: Page) {
  return page.locator(
    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook > .jp-Cell, " +
      ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-viewport > .jp-Cell",
  );
}

/** Replaces the source of code cell `index` (0-based, all cells counted) by typing, as a person. */
export async function typeIntoCell(page: Page, index: number, text: string): Promise<void> {
  const cell = cellLocator(page).nth(index);
  await cell.scrollIntoViewIfNeeded();
  await cell.locator(".cm-content").click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Delete");
  // insertText types the text as one input event: no auto-closed brackets or auto-indent.
  await page.keyboard.insertText(text);
}

/** Runs cell `index` with Shift+Enter (as a person would) and waits for the kernel to go idle. */
export async function runCell(
  page: Page,
  index: number,
  { timeoutMs = 120_000 }: { timeoutMs?: number } = {},
): Promise<void> {
  const cell = cellLocator(page).nth(index);
  await cell.scrollIntoViewIfNeeded();
  const prompt = cell.locator(".jp-InputArea-prompt");
  const before = await prompt.innerText();
  await prompt.click();
  await page.keyboard.press("Shift+Enter");
  await page.waitForFunction(
    ([i, was]) => {
      const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
      const cells = panel?.querySelectorAll(".jp-Cell");
      const now = cells?.[i as number]?.querySelector(".jp-InputArea-prompt")?.textContent ?? "";
      return now !== was && /\[\d+\]/.test(now);
    },
    [index, before] as const,
    { timeout: timeoutMs },
  );
  await waitForIdle(page, { timeoutMs });
}

/** The text of cell `index`'s outputs, as shown. */
export function cellOutputText(page: Page, index: number): Promise<string> {
  return cellLocator(page).nth(index).locator(".jp-OutputArea").innerText();
}

/** One cell of the active notebook as JupyterLab shows it (see {@link inspectNotebook}). */
export interface LabCell {
  index: number;
  type: "code" | "markdown" | "raw";
  /** The cell's source as the editor shows it. */
  source: string;
  /** Each output's MIME type as rendered (`data-mime-type`) and its text. */
  outputs: { mime: string; text: string }[];
  /**
   * Figures (an `<img>` or an inline `<svg>` with an accessible name; legends beside them left
   * out) and their size on screen. An image's label is its `alt` text.
   */
  figures: { label: string; width: number; height: number; loaded: boolean }[];
  /** Error outputs (tracebacks) shown in the cell. */
  errors: string[];
  /** Rendered formulas (MathJax or KaTeX) in a markdown cell. */
  formulas: number;
  /** Text of a markdown cell outside code and formulas that still looks like TeX. */
  rawTex: string[];
}

/**
 * What a person sees in the active notebook, cell by cell. Each cell is scrolled into view first
 * (JupyterLab skips rendering cells off screen), so sizes are the ones on screen.
 */
export async function inspectNotebook(page: Page): Promise<LabCell[]> {
  const cells = cellLocator(page);
  const n = await cells.count();
  const out: LabCell[] = [];
  for (let i = 0; i < n; i++) {
    const cell = cells.nth(i);
    await cell.scrollIntoViewIfNeeded();
    // Images decode asynchronously; formulas typeset asynchronously.
    await cell.evaluate((el) =>
      Promise.all([...el.querySelectorAll("img")].map((img) => img.decode().catch(() => {})))
    );
    const look = () =>
      cell.evaluate((el, index) => {
        const type = el.classList.contains("jp-CodeCell")
          ? "code"
          : el.classList.contains("jp-MarkdownCell")
          ? "markdown"
          : "raw";
        const size = (e: Element) => e.getBoundingClientRect();
        const outputs = [...el.querySelectorAll(".jp-OutputArea-output")].map((o) => ({
          mime: o.getAttribute("data-mime-type") ?? "",
          text: (o as HTMLElement).innerText,
        }));
        // Per output, as the handouts count them: its labelled images/SVGs are the figures and
        // unlabelled ones beside them are decoration (legends); an output with no labelled one
        // counts all that are larger than a legend swatch.
        const figures = [...el.querySelectorAll(".jp-OutputArea-output")].flatMap((o) => {
          const found = [
            ...[...o.querySelectorAll("img")].map((img) => ({
              rendered: img.getClientRects().length > 0,
              label: img.getAttribute("alt") ?? "",
              width: size(img).width,
              height: size(img).height,
              loaded: (img as HTMLImageElement).complete &&
                (img as HTMLImageElement).naturalWidth > 0,
            })),
            ...[...o.querySelectorAll("svg")]
              .filter((svg) => !svg.parentElement?.closest("svg"))
              .map((svg) => ({
                rendered: svg.getClientRects().length > 0,
                label: svg.getAttribute("aria-label") ?? "",
                width: size(svg).width,
                height: size(svg).height,
                loaded: true,
              })),
          ];
          // JupyterLab shows an image with an empty alt text as "Image". A figure that is not
          // rendered at all (display: none, as an interactive figure's static fallback once its
          // live version is drawn) is not shown to anyone: left out, so the count against the
          // handout still catches a figure that should be there and is not.
          const labelled = found.filter((f) => f.label !== "" && f.label !== "Image" && f.rendered);
          return (labelled.length ? labelled : found.filter((f) => f.width > 40 || f.height > 40))
            .map(({ rendered: _, ...f }) => f);
        });
        const errors = [...el.querySelectorAll(".jp-OutputArea-output")]
          .filter((o) => o.getAttribute("data-mime-type") === "application/vnd.jupyter.stderr")
          .map((o) => (o as HTMLElement).innerText.slice(0, 2000));
        const md = el.querySelector(".jp-MarkdownOutput");
        const formulas = md?.querySelectorAll("mjx-container, .MathJax, .katex").length ?? 0;
        const rawTex: string[] = [];
        if (md) {
          const walker = document.createTreeWalker(md, NodeFilter.SHOW_TEXT, {
            acceptNode: (t) =>
              t.parentElement?.closest("pre, code, mjx-container, .MathJax, .katex, script")
                ? NodeFilter.FILTER_REJECT
                : NodeFilter.FILTER_ACCEPT,
          });
          for (let t = walker.nextNode(); t; t = walker.nextNode()) {
            const s = t.textContent ?? "";
            if (/\$[^$\s][^$]*\$|\$\$|\\\(|\\\[|\\begin\{/.test(s)) {
              rawTex.push(s.trim().slice(0, 120));
            }
          }
        }
        const editor = el.querySelector(".cm-content") as HTMLElement | null;
        return {
          index,
          type,
          source: editor?.innerText ?? "",
          outputs,
          figures,
          errors,
          formulas,
          rawTex,
        } as const;
      }, i);
    let seen = await look();
    // MathJax typesets a cell once it is on screen: give it a moment before calling TeX raw.
    for (let tries = 0; seen.rawTex.length > 0 && tries < 20; tries++) {
      await page.waitForTimeout(150);
      seen = await look();
    }
    out.push(seen);
  }
  return out;
}
