/**
 * KaTeX's stylesheet for a handout, read from the installed npm package at build time, with the
 * fonts a page actually uses inlined as woff2 data: URIs (and nothing else: no woff/ttf, no URL that
 * could reach the network).
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A font face of KaTeX's stylesheet. */
interface Face {
  family: string;
  weight: string;
  style: string;
  file: string;
}

let loaded: { css: string; faces: Face[]; dir: string } | undefined;

function load() {
  if (loaded) return loaded;
  const dir = dirname(fileURLToPath(import.meta.resolve("katex")));
  const css = Deno.readTextFileSync(join(dir, "katex.min.css"));
  const faces: Face[] = [];
  const rest = css.replace(/@font-face\{([^}]*)\}/g, (_, body: string) => {
    const get = (prop: string) => body.match(new RegExp(`${prop}:([^;]+)`))?.[1].trim() ?? "";
    const file = body.match(/url\(([^)]+\.woff2)\)/)?.[1];
    if (!file) throw new Error(`KaTeX font face without woff2: ${body}`);
    faces.push({
      family: get("font-family").replace(/"/g, ""),
      weight: get("font-weight") || "400",
      style: get("font-style") || "normal",
      file,
    });
    return "";
  });
  loaded = { css: rest, faces, dir };
  return loaded;
}

// Which classes of KaTeX's markup (all on one element) call for which face: family, weight, style
// (from the rules of katex.css that set font-family, font-weight or font-style).
const FACE_RULES: [string[], string, string, string][] = [
  [["katex"], "KaTeX_Main", "400", "normal"],
  [["textbf"], "KaTeX_Main", "700", "normal"],
  [["mathbf"], "KaTeX_Main", "700", "normal"],
  [["textit"], "KaTeX_Main", "400", "italic"],
  [["mathit"], "KaTeX_Main", "400", "italic"],
  [["mathnormal"], "KaTeX_Math", "400", "italic"],
  [["boldsymbol"], "KaTeX_Math", "700", "italic"],
  [["amsrm"], "KaTeX_AMS", "400", "normal"],
  [["mathbb"], "KaTeX_AMS", "400", "normal"],
  [["textbb"], "KaTeX_AMS", "400", "normal"],
  [["mathcal"], "KaTeX_Caligraphic", "400", "normal"],
  [["mathfrak"], "KaTeX_Fraktur", "400", "normal"],
  [["textfrak"], "KaTeX_Fraktur", "400", "normal"],
  [["mathboldfrak"], "KaTeX_Fraktur", "700", "normal"],
  [["textboldfrak"], "KaTeX_Fraktur", "700", "normal"],
  [["mathtt"], "KaTeX_Typewriter", "400", "normal"],
  [["texttt"], "KaTeX_Typewriter", "400", "normal"],
  [["mathscr"], "KaTeX_Script", "400", "normal"],
  [["textscr"], "KaTeX_Script", "400", "normal"],
  [["mathsf"], "KaTeX_SansSerif", "400", "normal"],
  [["textsf"], "KaTeX_SansSerif", "400", "normal"],
  [["mathboldsf"], "KaTeX_SansSerif", "700", "normal"],
  [["textboldsf"], "KaTeX_SansSerif", "700", "normal"],
  [["mathitsf"], "KaTeX_SansSerif", "400", "italic"],
  [["mathsfit"], "KaTeX_SansSerif", "400", "italic"],
  [["textitsf"], "KaTeX_SansSerif", "400", "italic"],
  [["delimsizing", "size1"], "KaTeX_Size1", "400", "normal"],
  [["delimsizing", "size2"], "KaTeX_Size2", "400", "normal"],
  [["delimsizing", "size3"], "KaTeX_Size3", "400", "normal"],
  [["delimsizing", "size4"], "KaTeX_Size4", "400", "normal"],
  [["delim-size1"], "KaTeX_Size1", "400", "normal"],
  [["delim-size4"], "KaTeX_Size4", "400", "normal"],
  [["small-op"], "KaTeX_Size1", "400", "normal"],
  [["large-op"], "KaTeX_Size2", "400", "normal"],
];

/** The class lists of the elements of a piece of HTML (one set per distinct `class` value). */
export function classLists(html: string): Set<string>[] {
  const seen = new Set<string>();
  for (const m of html.matchAll(/class="([^"]*)"/g)) seen.add(m[1]);
  return [...seen].map((v) => new Set(v.split(/\s+/).filter(Boolean)));
}

/** The KaTeX font faces (`family/weight/style`) a page with these class lists may need. */
export function neededFaces(lists: Set<string>[]): Set<string> {
  const all = new Set(lists.flatMap((l) => [...l]));
  const faces = new Set<string>();
  if (!all.has("katex")) return faces;
  for (const [classes, family, weight, style] of FACE_RULES) {
    if (lists.some((l) => classes.every((c) => l.has(c)))) {
      faces.add(`${family}/${weight}/${style}`);
    }
  }
  // Bold text in italic text (or the reverse) needs the bold italic face.
  const has = (c: string) => all.has(c);
  if ((has("textbf") || has("mathbf")) && (has("textit") || has("mathit"))) {
    faces.add("KaTeX_Main/700/italic");
  }
  return faces;
}

const fontCache = new Map<string, string>();

function dataUri(file: string): string {
  let uri = fontCache.get(file);
  if (!uri) {
    const bytes = Deno.readFileSync(join(load().dir, file));
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    uri = `data:font/woff2;base64,${btoa(s)}`;
    fontCache.set(file, uri);
  }
  return uri;
}

/** KaTeX's CSS for a page whose body is `html`: empty when it has no math. */
export function katexCss(html: string): string {
  const wanted = neededFaces(classLists(html));
  if (wanted.size === 0) return "";
  const { css, faces } = load();
  const fontFaces = faces.filter((f) => wanted.has(`${f.family}/${f.weight}/${f.style}`)).map((f) =>
    `@font-face{font-display:block;font-family:${f.family};font-style:${f.style};` +
    `font-weight:${f.weight};src:url(${dataUri(f.file)}) format("woff2")}`
  );
  return fontFaces.join("\n") + "\n" + css;
}
