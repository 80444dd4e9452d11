/**
 * Headless Chromium (Debian's `chromium`) through playwright-core, with the network cut: every
 * request a page makes is recorded, and any that is not a `file:` or `data:` URL is aborted.
 * Used to print the handouts to PDF and, in the tests, to check them as a reader would see them.
 *
 * @module
 */

import { type Browser, type BrowserContext, chromium } from "playwright-core";
import { existsSync } from "node:fs";

/** The Chromium binary: the real one behind Debian's `/usr/bin/chromium` launcher script when present. */
export function chromiumPath(): string {
  for (
    const p of ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
  ) {
    if (existsSync(p)) return p;
  }
  throw new Error("Chromium is not installed: apt-get install -y chromium");
}

/** The flags every headless run uses (see shared/DENO-JUPYTER.md). */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-default-apps",
  "--disable-extensions",
  "--font-render-hinting=none",
];

/** A browser whose pages cannot reach the network, and the requests they tried. */
export interface OfflineBrowser {
  browser: Browser;
  context: BrowserContext;
  /** Every URL any page requested, in order. */
  requests: string[];
  /** Requests that were refused because they would have left the machine. */
  blocked: string[];
  close(): Promise<void>;
}

/** Options of {@link offlineBrowser}. */
export interface OfflineBrowserOptions {
  width?: number;
  height?: number;
  /**
   * Origins (`http://127.0.0.1:8888`) the pages may reach besides `file:` and `data:` URLs: a
   * local server such as JupyterLab. Everything else, WebSockets included, is still refused.
   */
  allowOrigins?: string[];
}

/** Starts headless Chromium with a fresh profile and the network cut. */
export async function offlineBrowser(
  { width = 1000, height = 800, allowOrigins = [] }: OfflineBrowserOptions = {},
): Promise<OfflineBrowser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    // Offline emulation would also cut a local server: only used when none is allowed.
    offline: allowOrigins.length === 0,
    javaScriptEnabled: true,
  });
  const requests: string[] = [];
  const blocked: string[] = [];
  const allowed = (url: string) =>
    url.startsWith("file:") || url.startsWith("data:") ||
    allowOrigins.some((o) => new URL(url).origin === new URL(o).origin);
  context.on("request", (r) => requests.push(r.url()));
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    blocked.push(url);
    return route.abort("blockedbyclient");
  });
  if (allowOrigins.length > 0) {
    // WebSockets bypass context.route: those to other origins are refused through their own hook
    // (the allowed ones are not routed at all, so they connect directly).
    const wsAllowed = (url: URL) => allowed(url.href.replace(/^ws(s?):/, (_, s) => `http${s}:`));
    await context.routeWebSocket((url) => !wsAllowed(url), (ws) => {
      blocked.push(ws.url());
      return ws.close({ code: 1008, reason: "blocked: outside network" });
    });
  }
  return {
    browser,
    context,
    requests,
    blocked,
    close: async () => {
      await context.close().catch(() => {});
      await browser.close();
    },
  };
}
