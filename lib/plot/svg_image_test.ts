import assert from "node:assert/strict";
import { curves } from "./curves.ts";
import { inlineSvgImages, SVG_IMAGE_ATTRIBUTE, svgImages } from "./svg_image.ts";

Deno.test("svgImages turns each top-level SVG of a figure into an image, keeping the HTML around", () => {
  const fig = curves([{ name: "sgd", values: [3, 2, 1] }, { name: "adam", values: [3, 1, 0.5] }], {
    title: "Loss",
    caption: "Two runs",
  });
  const svgs = (fig.html.match(/<svg\b/g) ?? []).length;
  assert.ok(svgs >= 3, "a plot and two legend swatches");
  const html = svgImages(fig.html);
  assert.doesNotMatch(html, /<svg\b/);
  assert.equal(html.split(`<img ${SVG_IMAGE_ATTRIBUTE}=`).length - 1, svgs);
  assert.match(html, /^<figure\b[^>]*><h2>Loss<\/h2>/);
  assert.match(html, /Two runs/);
  // The plot's image has the plot's accessible name; swatches are decorative.
  assert.match(html, /alt="Loss: [^"]+"/);
  assert.match(html, /alt=""/);
  // Plot's rule spacing a swatch from its text targets `svg`: the swatch images carry it inline.
  assert.equal(html.split('style="margin-right:0.5em"').length - 1, 2);
  assert.equal(inlineSvgImages(html), fig.html);
});

Deno.test("each image is a standalone SVG file: with its namespace, UTF-8 text intact", () => {
  const svg = '<svg aria-label="θ → ∞" width="5" height="5"><text>θ² “q”</text></svg>';
  const html = svgImages(svg);
  const b64 = html.match(/base64,([^"]+)"/)![1];
  const file = new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  assert.equal(
    file,
    '<svg xmlns="http://www.w3.org/2000/svg" aria-label="θ → ∞" width="5" height="5"><text>θ² “q”</text></svg>',
  );
  assert.equal(inlineSvgImages(html), svg);
});

Deno.test("an SVG that already has its namespace, and nested SVGs, round-trip unchanged", () => {
  const html =
    '<p>a</p><svg xmlns="http://www.w3.org/2000/svg"><svg><rect/></svg><rect /></svg><p>b</p>';
  const images = svgImages(html);
  assert.equal((images.match(/<img /g) ?? []).length, 1);
  assert.equal(inlineSvgImages(images), html);
});

Deno.test("inlineSvgImages leaves other images alone", () => {
  const html = '<img alt="x" src="data:image/svg+xml;base64,PHN2Zy8+"><img src="a.png">';
  assert.equal(inlineSvgImages(html), html);
});

Deno.test("a large figure (hundreds of kB) encodes without overflowing the stack", () => {
  const big = `<svg aria-label="big">${'<rect width="1" height="1" />'.repeat(20_000)}</svg>`;
  assert.equal(inlineSvgImages(svgImages(big)), big);
});
