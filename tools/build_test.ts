/**
 * The handouts as a reader meets them: every page of `deno task build` opened in headless Chromium
 * with the network cut, the student edition checked against the instructor source, and a second
 * build compared byte for byte.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { BUILD_DIR, listNotebooks, stem } from "./course.ts";
import { build, EDITIONS, HANDOUTS_DIR, printPdfs } from "./build.ts";
import { cellSource, isGraded, type Notebook, studentVersion } from "./exercises.ts";
import { offlineBrowser } from "./handout/browser.ts";
import { inspectHandout } from "./handout/inspect.ts";
import { notebookTitle, scriptHash } from "./handout/render.ts";
import { ROOT } from "./setup.ts";
import { builtCourse } from "./testing/course_build.ts";

const MAX_BYTES = 2 * 1024 * 1024;
const SCREENSHOTS = join(BUILD_DIR, "screenshots");
const notebooks = listNotebooks();
const read = (path: string): Notebook => JSON.parse(Deno.readTextFileSync(path));

/** Every file of a handouts folder (relative path → bytes). */
function snapshot(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const e of [...Deno.readDirSync(d)].sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory) walk(p);
      else if (e.name.endsWith(".html")) files.set(relative(dir, p), Deno.readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

/** A page's visible text: tags removed, entities decoded, MathML annotations (TeX source) dropped. */
function textOf(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/g, "")
    .replace(/<annotation[\s\S]*?<\/annotation>/g, "")
    .replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(
      /&#(x[0-9a-f]+|\d+);/gi,
      (_, n: string) =>
        String.fromCodePoint(n[0] === "x" || n[0] === "X" ? parseInt(n.slice(1), 16) : Number(n)),
    ).replace(/&amp;/g, "&");
}

Deno.test("the build writes both editions of every notebook, the indexes, each under 2 MB", async () => {
  const result = await builtCourse();
  assert.equal(result.failed, 0, "the course build failed (see its log)");
  const sizes: string[] = [];
  for (const path of notebooks) {
    for (const edition of EDITIONS) {
      const file = join(HANDOUTS_DIR, edition, `${stem(path)}.html`);
      const bytes = Deno.statSync(file).size;
      sizes.push(`${edition}/${stem(path)}: ${(bytes / 1024).toFixed(0)} KiB`);
      assert.ok(bytes < MAX_BYTES, `${file} is ${bytes} bytes`);
    }
  }
  console.log(`handouts built in ${result.seconds.toFixed(1)} s\n${sizes.join("\n")}`);
  // Each edition's index lists the notebooks in course order by title, linking each handout.
  for (const edition of EDITIONS) {
    const index = Deno.readTextFileSync(join(HANDOUTS_DIR, edition, "index.html"));
    let at = -1;
    for (const path of notebooks) {
      const link = index.indexOf(`<a href="${stem(path)}.html">`);
      assert.ok(link > at, `${edition} index: ${stem(path)} missing or out of order`);
      at = link;
      const title = notebookTitle(read(path), stem(path)).replace(/\$[^$]*\$/g, "");
      for (const word of title.split(/\s+/).filter((w) => /^[A-Za-z]{4,}$/.test(w))) {
        assert.ok(index.includes(word), `${edition} index lacks "${word}" of ${stem(path)}`);
      }
    }
    assert.match(index, /After this notebook you can/);
  }
  const top = Deno.readTextFileSync(join(HANDOUTS_DIR, "index.html"));
  assert.match(top, /href="student\/index.html"/);
  assert.match(top, /href="instructor\/index.html"/);
  for (const path of notebooks) {
    for (const edition of EDITIONS) {
      assert.ok(top.includes(`href="${edition}/${stem(path)}.html"`), `${edition}/${stem(path)}`);
    }
  }
});

Deno.test("every handout works offline in headless Chromium: no request, no error, math and figures rendered", async () => {
  const result = await builtCourse();
  const browser = await offlineBrowser();
  try {
    const pages = [
      "index.html",
      ...EDITIONS.flatMap((e) => [
        `${e}/index.html`,
        ...notebooks.map((p) => `${e}/${stem(p)}.html`),
      ]),
    ];
    for (const page of pages) {
      const file = join(HANDOUTS_DIR, page);
      const shot = join(SCREENSHOTS, page.replace(/\.html$/, ".png"));
      await Deno.mkdir(join(shot, ".."), { recursive: true });
      const r = await inspectHandout(browser, file, shot);
      const where = `${page}:`;
      assert.deepEqual(r.foreignRequests, [], `${where} requests left the page`);
      assert.deepEqual(r.consoleErrors, [], `${where} console errors`);
      // No script, except the interactive figures' own, allowed by its hash and nothing else.
      if (r.interactiveFigures === 0) assert.equal(r.scripts, 0, `${where} has scripts`);
      else {
        assert.equal(r.scripts, 1, `${where} has ${r.scripts} scripts, expected the figures' one`);
        assert.ok(
          r.csp.endsWith(`; script-src ${scriptHash(r.scriptTexts[0])}`),
          `${where} the CSP does not allow exactly the figures' script: ${r.csp}`,
        );
        assert.equal(r.liveFigures, r.interactiveFigures, `${where} interactive figures not live`);
      }
      assert.equal(
        r.unrenderedFormulas,
        0,
        `${where} ${r.unrenderedFormulas} formulas not rendered`,
      );
      assert.deepEqual(r.texErrors, [], `${where} TeX errors`);
      assert.deepEqual(r.rawTex, [], `${where} raw TeX left in the text`);
      assert.deepEqual(r.missingFonts, [], `${where} KaTeX fonts used but not embedded`);
      assert.equal(r.unlabelledFigures, 0, `${where} figures without an accessible name`);
      for (const f of r.figures) {
        assert.ok(f.width > 0 && f.height > 0, `${where} figure "${f.label}" has no size`);
      }
      assert.ok(r.screenVariance > 100, `${where} first screen looks blank (${r.screenVariance})`);
      if (!page.endsWith("index.html")) {
        // Every figure the executed notebook displayed (each output holding an SVG) is in the page,
        // except those of cells tagged `timing`, whose measured output the handout leaves out.
        const [edition, name] = page.replace(/\.html$/, "").split("/");
        const executed = result.handouts[name].executed;
        const cells = (edition === "student" ? studentVersion(executed).cells : executed.cells)
          .filter((c) => !(c.metadata?.tags ?? []).includes("timing"));
        const expected = cells.flatMap((c) =>
          (c.outputs ?? []) as { data?: Record<string, unknown> }[]
        )
          .filter((o) =>
            /<svg|data:image\/svg\+xml/.test(
              JSON.stringify(o.data?.["text/html"] ?? o.data?.["image/svg+xml"] ?? ""),
            )
          )
          .length;
        assert.ok(
          r.figures.length >= expected,
          `${where} ${r.figures.length} figures on the page, the notebook shows ${expected}`,
        );
        if (edition === "instructor") {
          assert.equal(r.figures.length, result.handouts[name].figures, `${where} figures`);
          assert.equal(r.formulas, result.handouts[name].formulas, `${where} formulas`);
        }
      }
    }
    assert.deepEqual(browser.blocked, [], "requests were blocked");
  } finally {
    await browser.close();
  }
});

Deno.test("the student edition has no solution code and no output of a solution or graded cell", async () => {
  const { handouts } = await builtCourse();
  let solutionLines = 0;
  let gradedCells = 0;
  for (const path of notebooks) {
    const source = handouts[stem(path)].source;
    const student = studentVersion(source);
    const studentText = student.cells.map(cellSource).join("\n");
    // Lines inside solution regions that the student version does not itself contain.
    const secret: string[] = [];
    for (const cell of source.cells) {
      let inside = false;
      for (const line of cellSource(cell).split("\n")) {
        if (/^\s*(\/\/|###)\s*BEGIN (SOLUTION|HIDDEN TESTS)\s*$/.test(line)) inside = true;
        else if (/^\s*(\/\/|###)\s*END (SOLUTION|HIDDEN TESTS)\s*$/.test(line)) inside = false;
        else if (inside && line.trim().length >= 8 && !studentText.includes(line.trim())) {
          secret.push(line.trim());
        }
      }
    }
    solutionLines += secret.length;
    const html = Deno.readTextFileSync(join(HANDOUTS_DIR, "student", `${stem(path)}.html`));
    const instructor = textOf(
      Deno.readTextFileSync(join(HANDOUTS_DIR, "instructor", `${stem(path)}.html`)),
    );
    const text = textOf(html);
    assert.doesNotMatch(text, /BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS/);
    for (const line of secret) {
      assert.ok(instructor.includes(line), `${stem(path)}: the instructor edition lacks ${line}`);
      assert.ok(!text.includes(line), `${stem(path)}: the student edition shows "${line}"`);
    }
    source.cells.forEach((cell, i) => {
      const meta = cell.metadata?.nbgrader;
      if (!(isGraded(cell) || meta?.solution)) return;
      gradedCells++;
      const section = html.match(
        new RegExp(`<section class="cell code[^"]*" id="cell-${i + 1}"[\\s\\S]*?</section>`),
      );
      assert.ok(section, `${stem(path)}: cell ${i + 1} is missing from the student edition`);
      assert.ok(
        !section[0].includes('class="outputs"'),
        `${stem(path)}: the student edition shows the output of cell ${i + 1}`,
      );
    });
  }
  console.log(`checked ${solutionLines} solution lines and ${gradedCells} exercise cells`);
});

/** A page's cells by number, and the page without them. */
function cellsOf(html: string): { cells: Map<string, string>; rest: string } {
  const cells = new Map<string, string>();
  const rest = html.replace(
    /<section class="cell[^"]*" id="cell-(\d+)"[\s\S]*?<\/section>/g,
    (m, id: string) => {
      cells.set(id, m);
      return `<cell ${id}>`;
    },
  );
  return { cells, rest };
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `  first:  ${a.slice(Math.max(0, i - 60), i + 60)}\n  second: ${
    b.slice(Math.max(0, i - 60), i + 60)
  }`;
}

Deno.test("two consecutive builds produce byte-identical handouts", async () => {
  const { handouts } = await builtCourse();
  // The first build's pages as it wrote them (others may rebuild handouts/ meanwhile).
  const first = snapshot(HANDOUTS_DIR);
  for (const [s, info] of Object.entries(handouts)) {
    for (const e of EDITIONS) first.set(`${e}/${s}.html`, new TextEncoder().encode(info.html[e]));
  }
  const outDir = await Deno.makeTempDir({ prefix: "handouts-" });
  const buildDir = await Deno.makeTempDir({ prefix: "build-" });
  try {
    const again = await build(Object.keys(handouts), { outDir, buildDir });
    assert.equal(again.failed, 0);
    // Compare what was built from the same sources (in a shared work tree a notebook may be
    // edited between the two builds; in CI none is).
    const stems = Object.keys(handouts).filter((s) =>
      JSON.stringify(handouts[s].source) === JSON.stringify(again.handouts[s]?.source)
    );
    const edited = Object.keys(handouts).filter((s) => !stems.includes(s));
    if (edited.length) console.log(`edited between the builds, not compared: ${edited.join(", ")}`);
    const second = snapshot(outDir);
    // The indexes list every notebook: compare them only when no notebook was added meanwhile.
    const same = edited.length === 0 && listNotebooks().map(stem).join() === stems.join();
    const names = [...first.keys()].filter((n) =>
      stems.some((s) => n.endsWith(`/${s}.html`)) || (same && n.endsWith("index.html"))
    );
    assert.ok(names.length >= 2 * stems.length && stems.length > 0);
    const differing: string[] = [];
    for (const name of names) {
      const bytes = first.get(name)!;
      const other = second.get(name);
      assert.ok(other, `the second build did not write ${name}`);
      if (bytes.length === other.length && bytes.every((b, i) => b === other[i])) continue;
      // Name the cells that differ (cells tagged `timing` carry a fixed note, so they must match too).
      const a = cellsOf(new TextDecoder().decode(bytes));
      const b = cellsOf(new TextDecoder().decode(other));
      if (a.rest !== b.rest) differing.push(`${name}: outside the cells`);
      for (const [id, html] of a.cells) {
        if (html === b.cells.get(id)) continue;
        differing.push(`${name}: cell ${id}\n${firstDifference(html, b.cells.get(id) ?? "")}`);
      }
    }
    assert.deepEqual(differing, [], "the second build differs");
  } finally {
    await Deno.remove(outDir, { recursive: true });
    await Deno.remove(buildDir, { recursive: true });
  }
});

Deno.test("a failing notebook is named with its cell, the others are still built, and the build fails", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "handouts-" });
  const buildDir = await Deno.makeTempDir({ prefix: "build-" });
  const errors: string[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => errors.push(args.join(" "));
  try {
    const result = await build([], {
      outDir,
      buildDir,
      notebooksDir: join(ROOT, "tools", "handout", "testdata", "course"),
    });
    console.error = log;
    assert.equal(result.failed, 1);
    assert.equal(result.reports["01_fine"].ok, true);
    assert.equal(result.reports["02_broken"].ok, false);
    assert.ok(
      errors.some((e) =>
        /02_broken: cell 3 \(throw new RangeError.*\): RangeError: this cell is broken on purpose/
          .test(e)
      ),
      errors.join("\n"),
    );
    for (const edition of EDITIONS) {
      const fine = Deno.readTextFileSync(join(outDir, edition, "01_fine.html"));
      assert.match(fine, /<pre class="output text">9<\/pre>/);
      const broken = Deno.readTextFileSync(join(outDir, edition, "02_broken.html"));
      assert.match(broken, /RangeError: this cell is broken on purpose/);
    }
  } finally {
    console.error = log;
    await Deno.remove(outDir, { recursive: true });
    await Deno.remove(buildDir, { recursive: true });
  }
});

Deno.test("--pdf prints a handout on A4 pages", async () => {
  await builtCourse();
  const dir = await Deno.makeTempDir({ prefix: "pdf-" });
  try {
    const html = join(dir, "page.html");
    await Deno.copyFile(join(HANDOUTS_DIR, "student", `${stem(notebooks[0])}.html`), html);
    const [pdf] = await printPdfs([html]);
    const bytes = Deno.readFileSync(pdf);
    const head = new TextDecoder("latin1").decode(bytes);
    assert.ok(head.startsWith("%PDF-"));
    const box = head.match(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/);
    assert.ok(box, "no page size in the PDF");
    // A4 is 595 × 842 points.
    assert.ok(Math.abs(Number(box[1]) - 595) < 2 && Math.abs(Number(box[2]) - 842) < 2, box[0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
