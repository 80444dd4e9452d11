/**
 * Markdown cells to HTML for the handouts: markdown-it with the notebook's math (`$…$`, `$$…$$`,
 * `\(…\)`, `\[…\]`, `\begin{env}…\end{env}`) pre-rendered by KaTeX, images embedded as data: URIs,
 * links to other notebooks pointed at their handouts, and stable heading ids.
 *
 * Math is cut out of the text before markdown sees it (an inline rule that runs before escapes and
 * emphasis, and a block rule), so `_` and `*` inside TeX stay TeX, and `$` inside code stays code.
 *
 * @module
 */

import katex from "katex";
import markdownIt, {
  type MarkdownIt,
  type StateBlock,
  type StateInline,
  type Token,
} from "markdown-it";
import { extname, isAbsolute, join } from "node:path";

/** What the renderer of one notebook keeps between its markdown cells. */
export interface MarkdownContext {
  /** Folder of the notebook, for relative image paths. */
  dir: string;
  /** KaTeX macros (`\newcommand`, `\gdef`) persist from cell to cell, as in JupyterLab. */
  macros: Record<string, string>;
  /** Heading ids given so far (to keep them unique). */
  ids: Set<string>;
  /** Problems found (bad TeX, missing or remote images), each naming its cell. */
  problems: string[];
  /** The cell being rendered (1-based, markdown included), for problem reports. */
  cell: number;
  /** Attachments of the cell being rendered (`attachment:name` images). */
  attachments?: Record<string, Record<string, string>>;
  /** Number of formulas rendered. */
  formulas: number;
}

/** A fresh context for one notebook. */
export function markdownContext(dir: string): MarkdownContext {
  return { dir, macros: {}, ids: new Set(), problems: [], cell: 0, formulas: 0 };
}

/** Renders TeX with KaTeX; a TeX error is recorded as a problem and shown in place. */
export function renderTex(tex: string, display: boolean, ctx: MarkdownContext): string {
  ctx.formulas++;
  try {
    return katex.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      output: "htmlAndMathml",
      macros: ctx.macros,
      globalGroup: true,
      strict: "ignore",
      trust: false,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ctx.problems.push(`cell ${ctx.cell}: cannot render the formula ${tex.trim()}: ${message}`);
    return `<code class="tex-error" title="${escapeHtml(message)}">${escapeHtml(tex)}</code>`;
  }
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const src = state.src;
  const start = state.pos;
  let open: string;
  let close: string;
  if (src.startsWith("\\(", start)) [open, close] = ["\\(", "\\)"];
  else if (src.startsWith("\\[", start)) [open, close] = ["\\[", "\\]"];
  else if (src.startsWith("$$", start)) [open, close] = ["$$", "$$"];
  else if (src[start] === "$") [open, close] = ["$", "$"];
  else return false;
  const single = open === "$";
  // Pandoc's rule for `$`: no space right after the opening one, none right before the closing
  // one, and no digit right after it (so "costs $5 and $6" stays text).
  if (single && /\s/.test(src[start + 1] ?? " ")) return false;
  let end = start + open.length;
  for (;;) {
    end = src.indexOf(close, end);
    if (end < 0) return false;
    const escaped = single && src[end - 1] === "\\";
    const spaced = single && /\s/.test(src[end - 1]);
    const digit = single && /\d/.test(src[end + 1] ?? "");
    if (!escaped && !spaced && !digit) break;
    end++;
  }
  if (end === start + open.length) return false;
  if (!silent) {
    const token = state.push(
      open === "$" || open === "\\(" ? "math_inline" : "math_display",
      "",
      0,
    );
    token.content = src.slice(start + open.length, end);
    token.markup = open;
  }
  state.pos = end + close.length;
  return true;
}

function mathBlock(
  state: StateBlock,
  startLine: number,
  endLine: number,
  silent: boolean,
): boolean {
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const lineText = (n: number) =>
    state.src.slice(state.bMarks[n] + state.tShift[n], state.eMarks[n]);
  const first = lineText(startLine);
  let close: RegExp;
  let body: string;
  if (first.startsWith("$$")) {
    close = /\$\$\s*$/;
    body = first.slice(2);
    if (close.test(body) && body.trim().length > 2) {
      // A one-line $$…$$ block, unless more $$ follow (then it is inline math in a paragraph).
      const inner = body.replace(close, "");
      if (inner.includes("$$")) return false;
      if (silent) return true;
      pushBlock(state, inner, startLine, startLine + 1);
      return true;
    }
  } else if (/^\\begin\{[a-zA-Z*]+\}/.test(first)) {
    const env = first.match(/^\\begin\{([a-zA-Z*]+)\}/)![1];
    close = new RegExp(`\\\\end\\{${env.replace("*", "\\*")}\\}\\s*$`);
    body = first;
    if (close.test(first)) {
      if (silent) return true;
      pushBlock(state, first, startLine, startLine + 1);
      return true;
    }
  } else {
    return false;
  }
  const lines = [body];
  for (let n = startLine + 1; n < endLine; n++) {
    const text = lineText(n);
    if (close.test(text)) {
      if (silent) return true;
      lines.push(first.startsWith("$$") ? text.replace(close, "") : text);
      pushBlock(state, lines.join("\n"), startLine, n + 1);
      return true;
    }
    lines.push(text);
  }
  return false;
}

function pushBlock(state: StateBlock, content: string, startLine: number, next: number) {
  const token = state.push("math_block", "", 0);
  token.block = true;
  token.content = content;
  token.map = [startLine, next];
  state.line = next;
}

const MIME: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".webp": "image/webp",
};

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** An image reference as a data: URI (file next to the notebook or cell attachment), or null. */
function embedImage(src: string, ctx: MarkdownContext): string | null {
  if (src.startsWith("data:")) return src;
  if (src.startsWith("attachment:")) {
    const bundle = ctx.attachments?.[decodeURIComponent(src.slice("attachment:".length))];
    const mime = bundle && Object.keys(bundle).sort()[0];
    if (!bundle || !mime) {
      ctx.problems.push(`cell ${ctx.cell}: the attachment ${src} is missing`);
      return null;
    }
    const data = Array.isArray(bundle[mime])
      ? (bundle[mime] as unknown as string[]).join("")
      : bundle[mime];
    return `data:${mime};base64,${data.replace(/\s/g, "")}`;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith("//")) {
    ctx.problems.push(
      `cell ${ctx.cell}: the image ${src} is on the network; save it next to the notebook`,
    );
    return null;
  }
  const path = decodeURIComponent(src.split(/[?#]/)[0]);
  const file = isAbsolute(path) ? path : join(ctx.dir, path);
  const mime = MIME[extname(file).toLowerCase()];
  try {
    if (!mime) throw new Error(`unknown image type ${extname(file)}`);
    return `data:${mime};base64,${base64(Deno.readFileSync(file))}`;
  } catch (e) {
    ctx.problems.push(
      `cell ${ctx.cell}: cannot embed the image ${src}: ${e instanceof Error ? e.message : e}`,
    );
    return null;
  }
}

/** A heading's id: its text in lower case, runs of other characters as `-`, unique in the page. */
export function slug(text: string, ids: Set<string>): string {
  const base = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "section";
  let id = base;
  for (let i = 2; ids.has(id); i++) id = `${base}-${i}`;
  ids.add(id);
  return id;
}

/** The markdown renderer (one per process; per-notebook state travels in the env). */
function makeRenderer(): MarkdownIt {
  const md = markdownIt({ html: true, linkify: false, typographer: false });
  md.inline.ruler.before("escape", "math_inline", mathInline);
  md.block.ruler.before("fence", "math_block", mathBlock, {
    alt: ["paragraph", "reference", "blockquote", "list"],
  });
  md.renderer.rules.math_inline = (tokens, i, _o, env) =>
    renderTex(tokens[i].content, false, env as unknown as MarkdownContext);
  md.renderer.rules.math_display = (tokens, i, _o, env) =>
    renderTex(tokens[i].content, true, env as unknown as MarkdownContext);
  md.renderer.rules.math_block = (tokens, i, _o, env) =>
    `<div class="math-block">${
      renderTex(tokens[i].content, true, env as unknown as MarkdownContext)
    }</div>\n`;

  md.renderer.rules.image = (tokens, i, options, env, self) => {
    const token = tokens[i];
    const src = String(token.attrGet("src") ?? "");
    const data = embedImage(src, env as unknown as MarkdownContext);
    if (data) token.attrSet("src", data);
    else token.attrSet("src", "");
    token.attrSet("alt", self.renderInlineAsText(token.children ?? [], options, env));
    return self.renderToken(tokens, i, options);
  };

  const linkOpen = md.renderer.rules.link_open ??
    ((tokens: Token[], i: number, options, _env, self) => self.renderToken(tokens, i, options));
  md.renderer.rules.link_open = (tokens, i, options, env, self) => {
    const href = String(tokens[i].attrGet("href") ?? "");
    // A link to another course notebook points at its handout in the same edition.
    const local = href.match(/^(?:\.\/)?(\d\d_[\w-]+)\.ipynb(#.*)?$/);
    if (local) tokens[i].attrSet("href", `${local[1]}.html${local[2] ?? ""}`);
    return linkOpen(tokens, i, options, env, self);
  };

  md.core.ruler.push("heading_ids", (state) => {
    const ctx = state.env as unknown as MarkdownContext;
    state.tokens.forEach((token, i) => {
      if (token.type !== "heading_open" || token.attrGet("id")) return;
      const text = (state.tokens[i + 1].children ?? [])
        .filter((t) => t.type === "text" || t.type === "code_inline" || t.type === "math_inline")
        .map((t) => t.content).join("");
      token.attrSet("id", slug(text, ctx.ids));
    });
  });
  return md;
}

let renderer: MarkdownIt | undefined;

/** Renders one markdown cell. */
export function renderMarkdown(source: string, ctx: MarkdownContext): string {
  renderer ??= makeRenderer();
  return renderer.render(source, ctx as unknown as Record<string, unknown>);
}

/** Renders a one-line piece of markdown (no surrounding `<p>`). */
export function renderMarkdownInline(source: string, ctx: MarkdownContext): string {
  renderer ??= makeRenderer();
  return renderer.renderInline(source, ctx as unknown as Record<string, unknown>);
}
