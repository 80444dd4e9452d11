/**
 * Opens a handout in headless Chromium with the network cut and reports what a reader would meet:
 * requests that tried to leave the page, console errors, formulas and whether KaTeX's fonts for them
 * loaded, raw TeX left in the text, figures and their on-screen size, and a screenshot of the first
 * screen with its pixel variance (zero for a blank page).
 *
 * @module
 */

import type { OfflineBrowser } from "./browser.ts";

/** What {@link inspectHandout} found. */
export interface HandoutInspection {
  /** Requests other than the page itself and data: URIs. */
  foreignRequests: string[];
  consoleErrors: string[];
  formulas: number;
  /** Formulas without KaTeX's HTML rendering, or with a zero-size box. */
  unrenderedFormulas: number;
  /** KaTeX error elements. */
  texErrors: string[];
  /** Text outside code that still looks like TeX (`$…$`, `\(`, `\[`, `$$`). */
  rawTex: string[];
  /** Font faces (family weight style) used by the math but not loaded. */
  missingFonts: string[];
  /** Font faces embedded in the page but not used by it. */
  unusedFonts: string[];
  figures: { label: string; width: number; height: number }[];
  /** Figures without an accessible name. */
  unlabelledFigures: number;
  /** Scripts in the page. */
  scripts: number;
  /** The text of each inline script (the interactive figures' bundle, if any). */
  scriptTexts: string[];
  /** The page's Content-Security-Policy (its `<meta http-equiv>`). */
  csp: string;
  /** Interactive figures (`explore()`), and how many of them the script brought to life. */
  interactiveFigures: number;
  liveFigures: number;
  /** Variance of the first screen's grey levels (0 for a blank screen). */
  screenVariance: number;
  title: string;
}

/** Opens `file` (an absolute path) and inspects it; writes the first screen to `screenshot`. */
export async function inspectHandout(
  browser: OfflineBrowser,
  file: string,
  screenshot: string,
): Promise<HandoutInspection> {
  const page = await browser.context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const url = `file://${file}`;
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  page.on("requestfailed", (r) => consoleErrors.push(`request failed: ${r.url()}`));
  try {
    await page.goto(url, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready);
    const found = await page.evaluate(() => {
      const visible = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0;
      };
      const katex = [...document.querySelectorAll(".katex")];
      const unrendered = katex.filter((k) => !k.querySelector(".katex-html") || !visible(k)).length;
      const texErrors = [...document.querySelectorAll(".katex-error, .tex-error")].map((e) =>
        e.textContent ?? ""
      );
      // Text outside code, math and figures must not hold TeX delimiters.
      const rawTex: string[] = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
        acceptNode: (n) =>
          n.parentElement?.closest("pre, code, .katex, svg, script, style")
            ? NodeFilter.FILTER_REJECT
            : NodeFilter.FILTER_ACCEPT,
      });
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const t = n.textContent ?? "";
        if (/\$[^$\s][^$]*\$|\$\$|\\\(|\\\[|\\begin\{/.test(t)) rawTex.push(t.trim().slice(0, 120));
      }
      // Fonts: every (family, weight, style) the math's glyphs use must be a loaded face.
      const norm = (w: string) => (w === "bold" ? "700" : w === "normal" ? "400" : w);
      const used = new Set<string>();
      for (const el of document.querySelectorAll(".katex-html *")) {
        const own = [...el.childNodes].some((c) =>
          c.nodeType === Node.TEXT_NODE && (c.textContent ?? "").trim()
        );
        if (!own) continue;
        const s = getComputedStyle(el);
        const family = s.fontFamily.split(",")[0].replace(/["']/g, "").trim();
        if (family.startsWith("KaTeX_")) used.add(`${family} ${norm(s.fontWeight)} ${s.fontStyle}`);
      }
      const faces = new Map<string, string>();
      document.fonts.forEach((f) =>
        faces.set(`${f.family.replace(/["']/g, "")} ${norm(f.weight)} ${f.style}`, f.status)
      );
      const missingFonts = [...used].filter((u) => faces.get(u) !== "loaded");
      const unusedFonts = [...faces.keys()].filter((f) => !used.has(f));
      const svgs = [...document.querySelectorAll("svg")].filter((s) =>
        s.getAttribute("aria-hidden") !== "true" && !s.parentElement?.closest("svg") &&
        !s.closest(".katex")
      );
      const figures = svgs.map((s) => {
        const r = s.getBoundingClientRect();
        return {
          label: s.getAttribute("aria-label") ?? s.querySelector(":scope > title")?.textContent ??
            "",
          width: r.width,
          height: r.height,
        };
      });
      const images = [...document.querySelectorAll("img")].map((i) => {
        const r = i.getBoundingClientRect();
        return { label: i.alt, width: r.width, height: r.height };
      });
      return {
        // Formulas of the notebook (the contents list repeats those of its headings).
        formulas: katex.filter((k) => !k.closest("nav.toc")).length,
        unrendered,
        texErrors,
        rawTex,
        missingFonts,
        unusedFonts,
        figures: [...figures, ...images],
        unlabelled: [...figures, ...images].filter((f) => !f.label.trim()).length,
        scripts: document.scripts.length,
        scriptTexts: [...document.scripts].map((s) => s.text),
        csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')
          ?.getAttribute("content") ?? "",
        interactiveFigures: document.querySelectorAll(".course-explore").length,
        liveFigures: document.querySelectorAll(".course-explore[data-live]").length,
        title: document.title,
      };
    });
    await page.screenshot({ path: screenshot });
    const screenVariance = await variance(browser, screenshot);
    return {
      foreignRequests: requests.filter((r) => r !== url && !r.startsWith("data:")),
      consoleErrors,
      formulas: found.formulas,
      unrenderedFormulas: found.unrendered,
      texErrors: found.texErrors,
      rawTex: found.rawTex,
      missingFonts: found.missingFonts,
      unusedFonts: found.unusedFonts,
      figures: found.figures,
      unlabelledFigures: found.unlabelled,
      scripts: found.scripts,
      scriptTexts: found.scriptTexts,
      csp: found.csp,
      interactiveFigures: found.interactiveFigures,
      liveFigures: found.liveFigures,
      screenVariance,
      title: found.title,
    };
  } finally {
    await page.close();
  }
}

/** Grey-level variance of a PNG, decoded by the browser itself (a canvas in a blank page). */
async function variance(browser: OfflineBrowser, png: string): Promise<number> {
  const page = await browser.context.newPage();
  try {
    const bytes = await Deno.readFile(png);
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return await page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const g = canvas.getContext("2d")!;
      g.drawImage(img, 0, 0);
      const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      let sum2 = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const v = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
        sum += v;
        sum2 += v * v;
      }
      const mean = sum / n;
      return sum2 / n - mean * mean;
    }, `data:image/png;base64,${btoa(s)}`);
  } finally {
    await page.close();
  }
}
