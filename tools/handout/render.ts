/**
 * An executed notebook (.ipynb JSON) to one self-contained HTML handout: markdown and math rendered
 * at build time (markdown-it, KaTeX with its fonts inlined), TypeScript highlighted (highlight.js),
 * figures kept as inline SVG with an accessible name, outputs cleaned (no colour codes, no
 * `Promise { … }` results, errors readable). Nothing in the page loads anything: no external
 * URL, and no script, except on a page with interactive figures (`explore()` in lib/plot), which
 * keeps one copy of the figures' script inline and allows exactly that script by its hash in the
 * Content-Security-Policy.
 *
 * Rendering is a pure function of the notebook, so building twice gives the same bytes.
 *
 * @module
 */

import hljs from "highlight.js/lib/core";
import typescript from "highlight.js/lib/languages/typescript";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import {
  cellSource,
  hasSolution,
  isGraded,
  type Notebook,
  type NotebookCell,
  studentVersion,
} from "../exercises.ts";
import { katexCss } from "./katex_css.ts";
import { inlineSvgImages } from "../../lib/plot/svg_image.ts";
import {
  escapeHtml,
  type MarkdownContext,
  markdownContext,
  renderMarkdown,
  renderMarkdownInline,
} from "./markdown.ts";

hljs.registerLanguage("typescript", typescript);

/** The course's name, shown in every handout's header. */
export const COURSE_TITLE = "How deep networks are optimized";

/** Which handout: everything, or what students get. */
export type Edition = "instructor" | "student";

/** A link to another page of the edition. */
export interface PageLink {
  href: string;
  title: string;
}

/** What {@link renderNotebook} needs besides the notebook. */
export interface RenderOptions {
  edition: Edition;
  /** `NN_name`, used in the page title and ids. */
  stem: string;
  /** Folder of the notebook's source (for images referenced from markdown). */
  dir: string;
  prev?: PageLink;
  next?: PageLink;
}

/** A rendered handout and what the renderer found wrong with the notebook (each names its cell). */
export interface RenderedHandout {
  html: string;
  problems: string[];
  figures: number;
  formulas: number;
}

const STYLE_FILE = join(dirname(fileURLToPath(import.meta.url)), "handout.css");
let style: string | undefined;

/** The handouts' own stylesheet (screen and print). */
export function handoutCss(): string {
  style ??= Deno.readTextFileSync(STYLE_FILE);
  return style;
}

const text = (
  s: unknown,
): string => (Array.isArray(s) ? s.join("") : typeof s === "string" ? s : "");

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Text without terminal colour codes and with carriage-return overwrites applied. */
export function cleanText(s: string): string {
  return s.replace(ANSI, "").split("\n").map((line) => {
    const parts = line.split("\r");
    // "progress 10%\rprogress 20%": what a terminal would finally show.
    let last = parts.pop()!;
    while (last === "" && parts.length) last = parts.pop()!;
    return last;
  }).join("\n")
    // deno-lint-ignore no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "");
}

/** True for a result that only says a promise exists (`Promise { <pending> }`, `Promise { 3 }`). */
export function isPromiseNoise(output: Record<string, unknown>): boolean {
  const data = output.data as Record<string, unknown> | undefined;
  if (!data || Object.keys(data).some((k) => k !== "text/plain")) return false;
  return /^Promise \{[\s\S]*\}$/.test(cleanText(text(data["text/plain"])).trim());
}

/**
 * Makes every SVG of an output readable by a screen reader: a labelled `<svg>` gets `role="img"`
 * and a `<title>`; an unlabelled one is decorative (a legend swatch) when the output has a labelled
 * figure, or is labelled with `fallback` otherwise. A figure's `<h2>`/`<h3>` title and subtitle
 * become a `<figcaption>`, so they neither join the page's outline nor take print page breaks.
 */
export function accessibleSvg(html: string, fallback: string): { html: string; figures: number } {
  let figures = 0;
  const labelled = /<svg\b[^>]*\baria-label="/.test(html);
  let out = html.replace(
    /<svg\b([^>]*)>(\s*<title\b)?/g,
    (_m, attrs: string, hasTitle?: string) => {
      if (/\baria-hidden="true"/.test(attrs)) return `<svg${attrs}>${hasTitle ?? ""}`;
      let label = attrs.match(/\baria-label="([^"]*)"/)?.[1];
      if (label === undefined) {
        if (labelled) return `<svg${attrs} aria-hidden="true">${hasTitle ?? ""}`;
        label = escapeHtml(fallback);
        attrs += ` aria-label="${label}"`;
      }
      figures++;
      if (!/\brole="/.test(attrs)) attrs += ` role="img"`;
      return `<svg${attrs}>${hasTitle ?? `<title>${label}</title>`}`;
    },
  );
  if (out.trimStart().startsWith("<figure")) {
    let heading = 0;
    out = out.replace(/<(\/?)h([23])(\s[^>]*)?>/g, (_m, close: string, level: string) => {
      if (!close) heading++;
      const cls = level === "2" ? "figure-title" : "figure-subtitle";
      return close ? "</span>" : `<span class="${cls}">`;
    });
    if (heading) {
      // Plot puts the title and subtitle first: wrap them as the figure's caption.
      out = out.replace(
        /^(\s*<figure\b[^>]*>)((?:<span class="figure-(?:title|subtitle)">[\s\S]*?<\/span>)+)/,
        "$1<figcaption>$2</figcaption>",
      );
    }
  }
  return { html: out, figures };
}

function highlight(code: string): string {
  return hljs.highlight(code, { language: "typescript", ignoreIllegals: true }).value;
}

interface OutputContext {
  figures: number;
  md: MarkdownContext;
  /** The interactive figures' script, when the notebook has any (one copy per page). */
  script?: string;
}

/** The script an interactive figure's output carries (`InteractiveFigure.toMimeBundle`). */
const FIGURE_SCRIPT = /\n?<script data-course-explore="bundle">([\s\S]*?)<\/script>/g;

/**
 * An output's HTML without the interactive figures' script, which the page keeps once. Every copy
 * must be the same script (one kernel session builds one bundle).
 */
function takeFigureScript(html: string, ctx: OutputContext): string {
  return html.replace(FIGURE_SCRIPT, (_m, js: string) => {
    if (ctx.script !== undefined && ctx.script !== js) {
      ctx.md.problems.push(
        `cell ${ctx.md.cell}: an interactive figure carries a different script from an earlier one ` +
          `(re-execute the whole notebook in one kernel session)`,
      );
    }
    ctx.script ??= js;
    return "";
  });
}

/** The CSP source allowing exactly this inline script. */
export function scriptHash(js: string): string {
  return `'sha256-${createHash("sha256").update(js, "utf8").digest("base64")}'`;
}

function renderData(output: Record<string, unknown>, ctx: OutputContext): string {
  const data = output.data as Record<string, unknown>;
  const plain = cleanText(text(data["text/plain"]));
  const fallback = plain.match(/^\[figure: (.*)\]$/)?.[1] ?? (plain || "figure");
  if (data["text/html"] !== undefined) {
    // Figures reach the notebook as SVG images (lib/plot/svg_image.ts); the handout inlines them.
    // An interactive figure's script is kept once for the whole page.
    const { html, figures } = accessibleSvg(
      inlineSvgImages(takeFigureScript(text(data["text/html"]), ctx)),
      fallback,
    );
    ctx.figures += figures;
    return `<div class="output html">${html}</div>`;
  }
  if (data["image/svg+xml"] !== undefined) {
    const svg = text(data["image/svg+xml"]).replace(/^\s*<\?xml[^>]*>\s*/, "");
    const { html, figures } = accessibleSvg(svg, fallback);
    ctx.figures += figures;
    return `<div class="output svg">${html}</div>`;
  }
  for (const mime of ["image/png", "image/jpeg", "image/gif", "image/webp"]) {
    if (data[mime] !== undefined) {
      ctx.figures++;
      return `<div class="output image"><img src="data:${mime};base64,${
        text(data[mime]).replace(/\s/g, "")
      }" alt="${escapeHtml(fallback)}"></div>`;
    }
  }
  if (data["text/markdown"] !== undefined) {
    return `<div class="output markdown">${
      renderMarkdown(text(data["text/markdown"]), ctx.md)
    }</div>`;
  }
  if (data["text/latex"] !== undefined) {
    const tex = text(data["text/latex"]).trim().replace(/^\$\$?([\s\S]*?)\$?\$$/, "$1");
    return `<div class="output latex">${renderMarkdown(`$$\n${tex}\n$$`, ctx.md)}</div>`;
  }
  if (data["text/plain"] !== undefined) {
    return `<pre class="output text">${escapeHtml(plain)}</pre>`;
  }
  return "";
}

function renderOutputs(outputs: Record<string, unknown>[], ctx: OutputContext): string {
  const parts: string[] = [];
  let stream: { name: string; text: string } | undefined;
  const flush = () => {
    if (stream && stream.text) {
      parts.push(
        `<pre class="output stream ${stream.name}">${escapeHtml(cleanText(stream.text))}</pre>`,
      );
    }
    stream = undefined;
  };
  for (const output of outputs) {
    const type = output.output_type;
    if (type === "stream") {
      const name = output.name === "stderr" ? "stderr" : "stdout";
      if (stream?.name !== name) flush();
      stream ??= { name, text: "" };
      stream.text += text(output.text);
      continue;
    }
    flush();
    if (type === "error") {
      const trace = (output.traceback as string[] | undefined ?? []).map(cleanText).join("\n")
        .trim();
      const head = `${output.ename}: ${output.evalue}`;
      const body = trace.startsWith(head) ? trace : `${head}${trace ? `\n${trace}` : ""}`;
      parts.push(`<pre class="output error" role="alert">${escapeHtml(body)}</pre>`);
    } else if (type === "execute_result" || type === "display_data") {
      if (isPromiseNoise(output)) continue;
      const html = renderData(output, ctx);
      if (html) parts.push(html);
    }
  }
  flush();
  return parts.join("\n");
}

function badge(cell: NotebookCell, edition: Edition, source: string): string {
  const meta = cell.metadata?.nbgrader;
  if (isGraded(cell)) {
    const points = meta?.points ? ` · ${meta.points} point${meta.points === 1 ? "" : "s"}` : "";
    return `<span class="badge graded">check${points}</span>`;
  }
  if (meta?.solution || hasSolution(source)) {
    return `<span class="badge solution">${
      edition === "student" ? "exercise: your code" : "solution"
    }</span>`;
  }
  return "";
}

function renderCell(
  cell: NotebookCell,
  index: number,
  edition: Edition,
  original: NotebookCell,
  ctx: OutputContext,
): string {
  const n = index + 1;
  ctx.md.cell = n;
  const source = cellSource(cell);
  const gradeId = cell.metadata?.nbgrader?.grade_id;
  const attrs = `id="cell-${n}" data-cell="${n}"${
    gradeId ? ` data-grade-id="${escapeHtml(gradeId)}"` : ""
  }${isGraded(cell) ? ` data-graded="true"` : ""}`;
  if (cell.cell_type === "markdown") {
    ctx.md.attachments = cell.attachments as MarkdownContext["attachments"];
    const html = renderMarkdown(source, ctx.md);
    ctx.md.attachments = undefined;
    return `<section class="cell markdown" ${attrs}>\n${html}</section>`;
  }
  if (cell.cell_type === "raw") {
    return source.trim()
      ? `<section class="cell raw" ${attrs}><pre>${escapeHtml(source)}</pre></section>`
      : "";
  }
  const count = cell.execution_count ?? null;
  const prompt = `<span class="prompt" aria-hidden="true">[${count ?? " "}]</span>`;
  // A cell tagged `timing` measures wall-clock time: its numbers change from run to run, so the
  // handout shows a note in their place and stays byte-for-byte reproducible.
  const timing = (cell.metadata?.tags ?? []).includes("timing");
  const outputs = timing
    ? ""
    : renderOutputs((cell.outputs ?? []) as Record<string, unknown>[], ctx);
  const note = timing && (cell.outputs ?? []).length
    ? `<p class="timing-note">This cell measures wall-clock time, which differs from run to run and ` +
      `from machine to machine, so the handout leaves its output out: run it in JupyterLab to see ` +
      `your machine's numbers.</p>`
    : "";
  return `<section class="cell code${timing ? " timing" : ""}" ${attrs}>
<div class="input">${prompt}${
    badge(original, edition, cellSource(original))
  }<pre><code class="hljs language-typescript">${highlight(source)}</code></pre></div>${
    outputs || note ? `\n<div class="outputs">${note}${outputs}</div>` : ""
  }
</section>`;
}

/** A line of markdown as plain text: math without its delimiters, emphasis and code marks removed. */
export function plainText(markdown: string): string {
  return markdown.replace(/\$\$?([^$]+)\$\$?/g, "$1").replace(/\\[()]/g, "").replace(/[*_`]/g, "")
    .replace(/\s+/g, " ").trim();
}

/** The first `# ` heading of the first markdown cell, as plain text (markdown marks removed). */
export function notebookTitle(nb: Notebook, fallback: string): string {
  for (const cell of nb.cells) {
    if (cell.cell_type !== "markdown") continue;
    const m = cellSource(cell).match(/^#\s+(.+)$/m);
    if (m) return m[1].trim();
  }
  return fallback;
}

/** The "After this notebook you can …" sentence of the first markdown cell, as markdown. */
export function notebookGoal(nb: Notebook): string | undefined {
  const first = nb.cells.find((c) => c.cell_type === "markdown");
  if (!first) return undefined;
  const body = cellSource(first).replace(/^#.*$/gm, "").replace(/\s*\n\s*/g, " ");
  const m = body.match(
    /(?:\*\*|__)?After this notebook(?:\*\*|__)?\s*(?:(?:\*\*|__)?you can(?:\*\*|__)?)?[\s\S]*?[.!](?=\s|$)/i,
  );
  return m?.[0].trim();
}

function page(
  { title, body, edition, head = "", script }: {
    title: string;
    body: string;
    edition: Edition | "both";
    head?: string;
    /** An inline script (the interactive figures'), allowed by its hash and nothing else. */
    script?: string;
  },
): string {
  const css = handoutCss() + katexCss(body);
  const scriptSrc = script === undefined ? "" : `; script-src ${scriptHash(script)}`;
  return `<!DOCTYPE html>
<html lang="en" data-edition="${edition}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:${scriptSrc}">
<title>${escapeHtml(title)}</title>
${head}<style>
${css}
</style>
</head>
<body>
${body}
${script === undefined ? "" : `<script>${script}</script>\n`}</body>
</html>
`;
}

function nav(options: { prev?: PageLink; next?: PageLink }, edition: Edition): string {
  const link = (l: PageLink | undefined, rel: string, arrow: string) =>
    l ? `<a rel="${rel}" href="${escapeHtml(l.href)}">${arrow} ${l.title}</a>` : "<span></span>";
  return `<nav class="pager" aria-label="Notebooks">${
    link(options.prev, "prev", "←")
  }<a href="index.html">All notebooks (${edition} edition)</a>${
    link(options.next, "next", "→")
  }</nav>`;
}

/**
 * Renders one executed notebook as a handout. The student edition is made with
 * {@link studentVersion} (solution code replaced by the stub, hidden tests removed, outputs of
 * solution and graded cells removed).
 */
export function renderNotebook(executed: Notebook, options: RenderOptions): RenderedHandout {
  const nb = options.edition === "student" ? studentVersion(executed) : executed;
  const md = markdownContext(options.dir);
  const ctx: OutputContext = { figures: 0, md };
  const rendered = nb.cells.map((cell, i) =>
    renderCell(cell, i, options.edition, executed.cells[i], ctx)
  ).filter(Boolean);
  // A table of contents of the top-level sections, after the opening cell.
  const sections = [
    ...rendered.join("\n").matchAll(
      /<section class="cell markdown"[^>]*>[\s\S]*?<\/section>/g,
    ),
  ].flatMap((m) => [...m[0].matchAll(/<h2 id="([^"]+)">([\s\S]*?)<\/h2>/g)]);
  if (sections.length >= 2) {
    const items = sections.map((m) => `<li><a href="#${m[1]}">${m[2]}</a></li>`).join("");
    rendered.splice(1, 0, `<nav class="toc" aria-label="Contents"><ol>${items}</ol></nav>`);
  }
  const cells = rendered.join("\n");
  const title = notebookTitle(nb, options.stem);
  const titleText = plainText(title);
  const header = `<header class="masthead">
<a class="course" href="index.html">${escapeHtml(COURSE_TITLE)}</a>
<span class="edition ${options.edition}">${options.edition} edition</span>
</header>`;
  const footer = `<footer>${nav(options, options.edition)}</footer>`;
  const body = `${header}\n<main class="notebook" id="${
    escapeHtml(options.stem)
  }">\n${cells}\n</main>\n${footer}`;
  return {
    html: page({
      title: `${titleText} — ${COURSE_TITLE}`,
      body,
      edition: options.edition,
      script: ctx.script,
    }),
    problems: md.problems,
    figures: ctx.figures,
    formulas: md.formulas,
  };
}

/** One notebook in an edition's index. */
export interface IndexEntry {
  href: string;
  /** Markdown (may hold math). */
  title: string;
  /** Markdown: what the notebook teaches. */
  goal?: string;
  built: boolean;
}

/** An edition's index: the notebooks in course order with what each teaches. */
export function renderIndex(entries: IndexEntry[], edition: Edition): string {
  const md = markdownContext(".");
  const items = entries.map((e) => {
    const title = renderMarkdownInline(e.title, md);
    const goal = e.goal
      ? `<p>${
        renderMarkdownInline(
          e.goal.replace(
            /^(\*\*|__)?After this notebook(\*\*|__)?\s*((\*\*|__)?you can(\*\*|__)?)?\s*/i,
            "After this notebook you can ",
          ),
          md,
        )
      }</p>`
      : "";
    const head = e.built
      ? `<a href="${escapeHtml(e.href)}">${title}</a>`
      : `${title} <em>(not built)</em>`;
    return `<li><h2>${head}</h2>${goal}</li>`;
  }).join("\n");
  const other = edition === "student" ? "instructor" : "student";
  const body = `<header class="masthead">
<a class="course" href="../index.html">${escapeHtml(COURSE_TITLE)}</a>
<span class="edition ${edition}">${edition} edition</span>
</header>
<main class="index">
<h1>${escapeHtml(COURSE_TITLE)}</h1>
<p class="lead">${
    edition === "student"
      ? "The notebooks as students get them: exercises left for you to solve."
      : "The notebooks with every solution and its output."
  } The <a href="../${other}/index.html">${other} edition</a> is also available.</p>
<ol class="notebooks">
${items}
</ol>
</main>`;
  return page({ title: `${COURSE_TITLE} — ${edition} edition`, body, edition });
}

/** The top-level index linking both editions. */
export function renderTopIndex(entries: IndexEntry[]): string {
  const md = markdownContext(".");
  const list = entries.map((e) =>
    `<li>${renderMarkdownInline(e.title, md)}${
      e.built
        ? ` <span class="editions-links">(<a href="student/${
          escapeHtml(e.href)
        }">student</a> · <a href="instructor/${escapeHtml(e.href)}">instructor</a>)</span>`
        : ""
    }</li>`
  ).join("\n");
  const body = `<main class="index">
<h1>${escapeHtml(COURSE_TITLE)}</h1>
<p class="lead">Handouts of the course's notebooks, executed on Deno's Jupyter kernel. Every page works offline and prints on A4.</p>
<ul class="editions">
<li><a href="student/index.html">Student edition</a>: exercises left open, with their checks.</li>
<li><a href="instructor/index.html">Instructor edition</a>: every solution and its output.</li>
</ul>
<h2 class="contents">Contents</h2>
<ol class="contents">
${list}
</ol>
</main>`;
  return page({ title: COURSE_TITLE, body, edition: "both" });
}
