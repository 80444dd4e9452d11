/**
 * Headless Chromium screenshots for checking figures by eye and for tests that need a real
 * browser (the animation test). Chromium is optional: {@link findChromium} returns undefined when
 * it is not installed, and the tests that need it are skipped.
 *
 * @module
 */

/**
 * The Chromium binary: `$CHROMIUM`, else the first of /usr/bin/chromium,
 * /usr/bin/chromium-browser, /usr/bin/google-chrome that exists.
 *
 * @example
 * ```ts
 * import { findChromium } from "./chromium.ts";
 * console.log(typeof (findChromium() ?? "")); // "string"
 * ```
 */
export function findChromium(): string | undefined {
  const candidates = [
    Deno.env.get("CHROMIUM"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
  ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      if (Deno.statSync(c).isFile) return c;
    } catch {
      // not there
    }
  }
  return undefined;
}

/** Options of {@link screenshot}. */
export interface ScreenshotOptions {
  /** Window width in CSS pixels. */
  width?: number;
  /** Window height in CSS pixels. */
  height?: number;
  /** Milliseconds of virtual time to run before the shot (animations advance; no waiting). */
  virtualTime?: number;
}

/**
 * Renders an HTML file to a PNG with headless Chromium (no network, no sandbox, fresh profile).
 *
 * @example
 * ```ts ignore
 * import { screenshot } from "./chromium.ts";
 * await screenshot("/tmp/figure.html", "/tmp/figure.png", { width: 700, height: 760 });
 * ```
 */
export async function screenshot(
  htmlFile: string,
  pngFile: string,
  { width = 700, height = 760, virtualTime = 0 }: ScreenshotOptions = {},
): Promise<void> {
  const chromium = findChromium();
  if (!chromium) throw new Error("Chromium not found: install it (apt-get install -y chromium)");
  const profile = await Deno.makeTempDir({ prefix: "plot-chromium-" });
  try {
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      `--screenshot=${pngFile}`,
    ];
    if (virtualTime > 0) args.push(`--virtual-time-budget=${virtualTime}`);
    args.push(`file://${htmlFile}`);
    const out = await new Deno.Command(chromium, { args, stdout: "null", stderr: "piped" })
      .output();
    if (!out.success) {
      throw new Error(`Chromium failed on ${htmlFile}: ${new TextDecoder().decode(out.stderr)}`);
    }
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

/**
 * Wraps figure markup in a minimal HTML page (UTF-8, the system font) whose content security
 * policy forbids every script, so what moves on it moves without JavaScript.
 *
 * @example
 * ```ts
 * import { page } from "./chromium.ts";
 * console.log(page("<svg></svg>").startsWith("<!doctype html>")); // true
 * ```
 */
export function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="script-src 'none'">` +
    `<title>figure</title></head>` +
    `<body style="margin:8px;font-family:system-ui,sans-serif">${body}</body></html>`;
}
