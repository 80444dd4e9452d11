import assert from "node:assert/strict";
import { join } from "node:path";
import type { Notebook, NotebookCell } from "../exercises.ts";
import { katexCss, neededFaces } from "./katex_css.ts";
import { curves } from "../../lib/plot/curves.ts";
import { markdownContext, renderMarkdown } from "./markdown.ts";
import {
  accessibleSvg,
  cleanText,
  notebookGoal,
  notebookTitle,
  renderIndex,
  renderNotebook,
  scriptHash,
} from "./render.ts";

const md = (source: string, extra: Partial<NotebookCell> = {}): NotebookCell => ({
  cell_type: "markdown",
  metadata: {},
  source,
  ...extra,
});
const code = (
  source: string,
  outputs: unknown[] = [],
  metadata: NotebookCell["metadata"] = {},
  execution_count = 1,
): NotebookCell => ({ cell_type: "code", metadata, source, outputs, execution_count });
const result = (data: Record<string, string>) => ({
  output_type: "execute_result",
  execution_count: 1,
  metadata: {},
  data,
});
const notebook = (cells: NotebookCell[]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells,
});
const render = (nb: Notebook, edition: "instructor" | "student" = "instructor", dir = ".") =>
  renderNotebook(nb, { edition, stem: "99_test", dir });
/** The page's visible text (tags removed, entities decoded). */
const textOf = (html: string) =>
  html.replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<annotation[\s\S]*?<\/annotation>/g, "")
    .replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(
      /&#(x[0-9a-f]+|\d+);/gi,
      (_, n: string) =>
        String.fromCodePoint(n[0] === "x" || n[0] === "X" ? parseInt(n.slice(1), 16) : Number(n)),
    ).replace(/&amp;/g, "&");

Deno.test("math in every notation is rendered by KaTeX at build time; code and prices stay text", () => {
  const ctx = markdownContext(".");
  const html = renderMarkdown(
    [
      "Inline $a_1 * b_2 * c$ and \\(x^2\\), display $$\\sum_i x_i$$ and \\[y\\].",
      "",
      "$$",
      "\\theta^{(t+1)} = \\theta^{(t)} - \\alpha\\, \\hat{\\mathbf g}",
      "$$",
      "",
      "\\begin{align}",
      "a &= b \\\\",
      "c &= d",
      "\\end{align}",
      "",
      "Code `const s = $x$;` and prices $5 and $6 stay as written; so does \\$x\\$.",
    ].join("\n"),
    ctx,
  );
  assert.deepEqual(ctx.problems, []);
  assert.equal(ctx.formulas, 6);
  assert.equal((html.match(/class="katex"/g) ?? []).length, 6);
  assert.equal((html.match(/class="katex-display"/g) ?? []).length, 4);
  assert.ok(!html.includes("<em>"), "an underscore or star inside TeX became emphasis");
  assert.ok(html.includes("<code>const s = $x$;</code>"));
  assert.ok(textOf(html).includes("prices $5 and $6 stay"));
  assert.ok(textOf(html).includes("so does $x$."));
  // Nothing of the TeX source is left outside KaTeX's markup.
  const outside = textOf(html.replace(/<span class="katex[\s\S]*?<\/math><\/span>/g, ""));
  assert.doesNotMatch(outside, /\\\(|\\\[|\\sum|\\theta|\\begin/);
});

Deno.test("bad TeX is reported with its cell and shown in place, not silently dropped", () => {
  const out = render(notebook([md("# T"), md("Broken: $\\frac{1}{$ here.")]));
  assert.equal(out.problems.length, 1);
  assert.match(out.problems[0], /^cell 2: cannot render the formula \\frac\{1\}\{/);
  assert.match(out.html, /class="tex-error"/);
});

Deno.test("macros defined in one cell work in the next, as in JupyterLab", () => {
  const out = render(notebook([md("$\\gdef\\R{\\mathbb{R}}$ defined"), md("used: $x \\in \\R$")]));
  assert.deepEqual(out.problems, []);
  assert.match(out.html, /mathbb/);
});

Deno.test("outputs read cleanly: no colour codes, no Promise results, errors and stderr readable", () => {
  const nb = notebook([
    code("console.log(...)", [
      { output_type: "stream", name: "stdout", text: ["\x1b[31mred\x1b[0m plain\n", "more\n"] },
      { output_type: "stream", name: "stdout", text: "progress 10%\rprogress 100%\n" },
      { output_type: "stream", name: "stderr", text: "warn <b>!\n" },
    ]),
    code("Promise.resolve(3)", [result({ "text/plain": "Promise { 3 }" })]),
    code("(async () => {})()", [result({ "text/plain": "Promise { <pending> }" })]),
    code("({a: 1})", [result({ "text/plain": "{ a: \x1b[33m1\x1b[39m }" })]),
    code("throw new RangeError('deep')", [{
      output_type: "error",
      ename: "RangeError",
      evalue: "deep",
      traceback: ["RangeError: deep", "    at g (<anonymous>:5:9)", "    at <anonymous>:7:1"],
    }]),
  ]);
  const { html } = render(nb);
  assert.ok(!html.includes("\x1b"), "an escape code reached the page");
  assert.ok(!/Promise \{/.test(textOf(html).replace(/Promise\.resolve/g, "")));
  assert.match(html, /<pre class="output stream stdout">red plain\nmore\nprogress 100%\n<\/pre>/);
  assert.match(html, /<pre class="output stream stderr">warn &lt;b&gt;!\n<\/pre>/);
  assert.match(html, /<pre class="output text">\{ a: 1 \}<\/pre>/);
  assert.match(
    html,
    /<pre class="output error" role="alert">RangeError: deep\n {4}at g \(&lt;anonymous&gt;:5:9\)/,
  );
  assert.equal(cleanText("a\r\nb"), "a\nb");
});

Deno.test("figures stay inline SVG with role=img and a title; Plot's figure heading becomes a caption", () => {
  const figure = `<figure class="plot-figure"><h2>Loss</h2><h3>per step</h3>` +
    `<div><span><svg width="15" height="15"><rect/></svg>GD</span></div>` +
    `<svg aria-label="Loss per step" viewBox="0 0 10 10" width="10" height="10"><path d="M0,0L1,1"/></svg></figure>`;
  const nb = notebook([
    code("plot(...)", [result({ "text/html": figure, "text/plain": "[figure: Loss]" })]),
    code("svg", [{
      output_type: "display_data",
      metadata: {},
      data: { "image/svg+xml": '<?xml version="1.0"?><svg viewBox="0 0 1 1"></svg>' },
    }]),
  ]);
  const out = render(nb);
  assert.equal(out.figures, 2);
  assert.ok(!out.html.includes("base64"), "a figure was base64-encoded");
  assert.ok(out.html.includes(
    '<svg aria-label="Loss per step" viewBox="0 0 10 10" width="10" height="10" role="img"><title>Loss per step</title>',
  ));
  assert.ok(out.html.includes('<svg width="15" height="15" aria-hidden="true">'));
  assert.ok(out.html.includes(
    '<figure class="plot-figure"><figcaption><span class="figure-title">Loss</span><span class="figure-subtitle">per step</span></figcaption>',
  ));
  assert.ok(!/<h[23]>Loss/.test(out.html));
  assert.match(
    out.html,
    /<svg viewBox="0 0 1 1" aria-label="figure" role="img"><title>figure<\/title>/,
  );
  // An SVG that already has a title keeps it.
  assert.equal(
    accessibleSvg('<svg aria-label="A"><title>A</title></svg>', "x").html,
    '<svg aria-label="A" role="img"><title>A</title></svg>',
  );
});

Deno.test("a figure displayed as SVG images (Figure.toMimeBundle) renders exactly like its inline SVG", () => {
  const fig = curves([{ name: "GD", values: [3, 2, 1] }, { name: "Adam", values: [3, 1, 0.5] }], {
    title: "Loss",
  });
  const bundle = fig.toMimeBundle();
  assert.match(bundle["text/html"], /data:image\/svg\+xml;base64,/);
  const asImages = render(notebook([code("curves(...)", [result(bundle)])]));
  const inline = render(
    notebook([code("curves(...)", [result({ ...bundle, "text/html": fig.html })])]),
  );
  assert.equal(asImages.html, inline.html);
  assert.equal(asImages.figures, 1);
  assert.ok(!asImages.html.includes("base64"), "a figure was left as a base64 image");
});

Deno.test("images in markdown are embedded; remote ones are reported; notebook links point at handouts", async () => {
  const dir = await Deno.makeTempDir();
  const png = Uint8Array.from(
    atob(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    ),
    (c) => c.charCodeAt(0),
  );
  await Deno.writeFile(join(dir, "dot.png"), png);
  const nb = notebook([
    md("![a dot](dot.png) and ![attached](attachment:a.png)", {
      attachments: { "a.png": { "image/png": "AAAA" } },
    }),
    md("![far](https://example.org/x.png) see [notebook 3](03_momentum.ipynb#intro)"),
  ]);
  const out = render(nb, "instructor", dir);
  assert.match(out.html, /<img src="data:image\/png;base64,iVBOR[^"]*" alt="a dot">/);
  assert.match(out.html, /<img src="data:image\/png;base64,AAAA" alt="attached">/);
  assert.ok(!out.html.includes("example.org/x.png"));
  assert.deepEqual(out.problems, [
    "cell 2: the image https://example.org/x.png is on the network; save it next to the notebook",
  ]);
  assert.match(out.html, /href="03_momentum\.html#intro"/);
});

const exercise = notebook([
  md("# 9. Exercises\n\n**After this notebook you can** write $f$ yourself.\n\nMore."),
  code("const shown = 1;\nshown", [result({ "text/plain": "1" })]),
  code(
    "function f(x: number): number {\n  // BEGIN SOLUTION\n  const secretStep = x * 41;\n  return secretStep + x;\n  // END SOLUTION\n}\nf(1)",
    [result({ "text/plain": "solutionOutput42" })],
    { nbgrader: { grade_id: "f", solution: true, grade: false, locked: false, schema_version: 3 } },
  ),
  code(
    'check(f(1) === 42);\n// BEGIN HIDDEN TESTS\ncheck(f(2) === 84, "hiddenCase");\n// END HIDDEN TESTS',
    [{ output_type: "stream", name: "stdout", text: "✓ graded check passed\n" }],
    {
      nbgrader: {
        grade_id: "f_test",
        solution: false,
        grade: true,
        locked: true,
        points: 2,
        schema_version: 3,
      },
    },
  ),
  code("plot(f)", [result({ "text/html": '<svg aria-label="after"></svg>' })]),
]);

Deno.test("the student edition has the stub, no solution, no hidden tests, no graded output", () => {
  const student = render(exercise, "student").html;
  const instructor = render(exercise, "instructor").html;
  for (
    const secret of [
      "secretStep",
      "BEGIN SOLUTION",
      "hiddenCase",
      "graded check passed",
      "solutionOutput42",
    ]
  ) {
    assert.ok(textOf(instructor).includes(secret), `the instructor edition lacks ${secret}`);
    assert.ok(!textOf(student).includes(secret), `the student edition shows ${secret}`);
  }
  assert.ok(
    textOf(student).includes('// YOUR CODE HERE\n  throw new Error("not implemented yet");'),
  );
  assert.ok(textOf(student).includes("check(f(1) === 42);"));
  const section = (html: string, cell: number) =>
    html.match(
      new RegExp(`<section class="cell code[^"]*" id="cell-${cell}"[\\s\\S]*?</section>`),
    )![0];
  assert.ok(!section(student, 3).includes('class="outputs"'));
  assert.ok(!section(student, 4).includes('class="outputs"'));
  assert.match(section(student, 4), /data-graded="true"/);
  assert.match(section(student, 4), /check · 2 points/);
  assert.match(section(student, 2), /class="outputs"/);
  assert.match(section(student, 5), /aria-label="after"/, "a figure after the exercise was lost");
});

Deno.test("rendering is a pure function: same notebook, same bytes", () => {
  assert.equal(render(exercise, "student").html, render(exercise, "student").html);
  assert.equal(render(exercise).html, render(exercise).html);
});

Deno.test("title and goal come from the first markdown cell; the index lists them in order", () => {
  assert.equal(notebookTitle(exercise, "x"), "9. Exercises");
  assert.equal(notebookGoal(exercise), "**After this notebook you can** write $f$ yourself.");
  const index = renderIndex([
    { href: "09_ex.html", title: "9. Exercises", goal: notebookGoal(exercise), built: true },
    { href: "10_more.html", title: "10. More", built: false },
  ], "student");
  assert.match(index, /<a href="09_ex.html">9. Exercises<\/a>/);
  assert.match(index, /After this notebook you can write <span class="katex">/);
  assert.match(index, /10. More <em>\(not built\)<\/em>/);
  assert.ok(index.indexOf("09_ex") < index.indexOf("10. More"));
});

Deno.test("KaTeX's CSS carries only the fonts the page uses, as woff2 data: URIs", () => {
  const ctx = markdownContext(".");
  const plain = renderMarkdown("$x + 1$", ctx);
  const faces = neededFaces(
    [...plain.matchAll(/class="([^"]*)"/g)].map((m) => new Set(m[1].split(" "))),
  );
  assert.deepEqual([...faces].sort(), ["KaTeX_Main/400/normal", "KaTeX_Math/400/italic"]);
  const css = katexCss(plain);
  assert.equal((css.match(/@font-face/g) ?? []).length, 2);
  assert.deepEqual(
    [...css.matchAll(/url\(([^)]{0,30})/g)].map((m) => m[1].slice(0, 22)),
    ["data:font/woff2;base64", "data:font/woff2;base64"],
  );
  const big = renderMarkdown(
    "$$\\Big( \\mathbf{g} \\mathcal{L} \\sum_i \\Big)$$ and $\\sum_j$",
    ctx,
  );
  const more = katexCss(big);
  for (const f of ["KaTeX_Caligraphic", "KaTeX_Size2", "KaTeX_Size1"]) {
    assert.ok(more.includes(`font-family:${f};`), f);
  }
  assert.equal(katexCss("<p>no math</p>"), "");
});

Deno.test("a handout opens with a contents list of its top-level sections", () => {
  const nb = notebook([
    md("# 9. T\n\nIntro."),
    md("## First $x$ part\n\ntext\n\n## Second\n\n### not listed"),
    md("## Second"),
  ]);
  const { html } = render(nb);
  const toc = html.match(/<nav class="toc"[\s\S]*?<\/nav>/)![0];
  assert.match(toc, /href="#first-x-part">First <span class="katex">/);
  assert.match(toc, /href="#second">Second</);
  assert.match(toc, /href="#second-2">Second</);
  assert.ok(!toc.includes("not listed"));
  assert.ok(html.indexOf('id="cell-1"') < html.indexOf('<nav class="toc"'));
});

Deno.test("a cell tagged timing shows a note instead of its measured output", () => {
  const nb = notebook([
    code("performance.now()", [result({ "text/plain": "12.5" })], { tags: ["timing"] }),
    code("1", [result({ "text/plain": "1" })]),
  ]);
  const { html } = render(nb);
  assert.match(html, /<section class="cell code timing" id="cell-1"[\s\S]*?class="timing-note"/);
  assert.match(html, /<section class="cell code" id="cell-2"/);
  assert.equal((html.match(/class="timing-note"/g) ?? []).length, 1);
  assert.ok(!html.includes("12.5"), "the measurement must not reach the handout");
});

Deno.test("interactive figures: the page keeps one copy of their script, allowed by its hash alone", async () => {
  const figure = (n: number) =>
    result({
      "text/html":
        `<div class="course-explore" data-n="${n}"><svg aria-label="race ${n}"></svg></div>\n` +
        `<script data-course-explore="bundle">globalThis.ran = (globalThis.ran ?? 0) + 1;</script>`,
      "text/plain": `[interactive figure: race ${n}]`,
    });
  const { html, problems } = render(notebook([code("a", [figure(1)]), code("b", [figure(2)])]));
  assert.deepEqual(problems, []);
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1, "one copy of the script");
  assert.equal(scripts[0][1], "globalThis.ran = (globalThis.ran ?? 0) + 1;");
  assert.ok(
    html.indexOf("<script>") > html.lastIndexOf('class="course-explore"'),
    "after the figures",
  );
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(scripts[0][1])),
  );
  const hash = btoa(String.fromCharCode(...digest));
  assert.match(
    html,
    new RegExp(
      `content="default-src 'none'; [^"]*; script-src 'sha256-${hash.replace(/[+/]/g, "\\$&")}'">`,
    ),
  );
  assert.equal(scriptHash(scripts[0][1]), `'sha256-${hash}'`);

  // A page without interactive figures has no script and no script-src.
  const plain = render(notebook([code("c", [result({ "text/plain": "1" })])])).html;
  assert.ok(!plain.includes("<script") && !plain.includes("script-src"));

  // Two different scripts on one page are a problem (the notebook mixes kernel sessions).
  const other = result({
    "text/html":
      `<div class="course-explore"></div>\n<script data-course-explore="bundle">1</script>`,
  });
  assert.match(
    render(notebook([code("a", [figure(1)]), code("b", [other])])).problems[0],
    /cell 2: an interactive figure carries a different script/,
  );
});
