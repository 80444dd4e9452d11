import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { document, Figure, plot } from "./figure.ts";
import { inlineSvgImages } from "./svg_image.ts";

Deno.test("plot() returns a Figure whose HTML holds an SVG with the marks", () => {
  const fig = plot({ marks: [Plot.dot([[0, 0], [1, 2], [2, 1]])] });
  assert.ok(fig instanceof Figure);
  assert.match(fig.html, /^<svg/);
  assert.equal((fig.html.match(/<circle/g) ?? []).length, 3);
});

Deno.test("plot() with a title wraps the SVG in a figure and labels it for screen readers", () => {
  const fig = plot({ title: "Loss", marks: [Plot.lineY([3, 2, 1])] });
  assert.match(fig.html, /^<figure/);
  assert.match(fig.html, /aria-label="Loss"/);
  assert.equal(fig.label, "Loss");
});

Deno.test("Figure displays in Jupyter as HTML with its SVG as an image, and a text fallback", () => {
  const fig = plot({ ariaLabel: "dots", marks: [Plot.dot([[1, 1]])] });
  const display = (fig as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ];
  const bundle = display.call(fig);
  assert.doesNotMatch(bundle["text/html"], /<svg/);
  assert.match(bundle["text/html"], /^<img [^>]*alt="dots" src="data:image\/svg\+xml;base64,/);
  assert.equal(inlineSvgImages(bundle["text/html"]), fig.html);
  assert.equal(bundle["text/plain"], "[figure: dots]");
});

Deno.test("document is a DOM that Plot can draw into directly", () => {
  const svg = Plot.plot({ document, marks: [Plot.ruleY([0])] }) as unknown as Element;
  assert.equal(svg.tagName.toLowerCase(), "svg");
});
