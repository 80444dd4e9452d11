/**
 * Observable Plot without a browser: a server-side DOM (linkedom) for Plot to draw into, and a
 * {@link Figure} wrapper that Deno's Jupyter kernel shows inline.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { svgImages } from "./svg_image.ts";

/**
 * A DOM document for `Plot.plot({ document })`. Plot needs one to build its SVG; in a notebook
 * there is no browser, so linkedom provides it. Canvas-based features (continuous colour ramp
 * legends, the raster mark) are not available; use contours and swatch legends instead.
 *
 * @example Drawing with Plot directly
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { document } from "./figure.ts";
 * const svg = Plot.plot({ document, marks: [Plot.dot([[0, 0], [1, 1]])] });
 * console.log(svg.outerHTML.startsWith("<svg"));
 * ```
 */
export const document: Document = parseHTML(
  "<!DOCTYPE html><html><head></head><body></body></html>",
).document as unknown as Document;

/** MIME bundle understood by Jupyter front ends. */
export type MimeBundle = Record<string, string>;

/**
 * A rendered figure. Displayed inline by the Deno kernel as HTML in which every SVG is an
 * `<img>` with a data URI (lib/plot/svg_image.ts): JupyterLab keeps those when it reopens a saved
 * notebook untrusted, where it would drop inline SVG. The handouts turn them back into inline SVG,
 * searchable and readable by screen readers.
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./figure.ts";
 * const fig = plot({ title: "A line", marks: [Plot.lineY([1, 3, 2])] });
 * console.log(fig.html.includes("<svg"));
 * ```
 */
export class Figure {
  /** The figure's root element (`<svg>`, or `<figure>` when it has a title or legend). */
  readonly element: Element;
  /** A short text description (used as the text/plain fallback). */
  readonly label: string;

  constructor(element: Element, label: string) {
    this.element = element;
    this.label = label;
  }

  /** The figure's markup. */
  get html(): string {
    return this.element.outerHTML;
  }

  /**
   * The MIME bundle a Jupyter front end renders: the figure's HTML with each SVG as an image
   * (title, legend and caption stay HTML text), and a text fallback.
   */
  toMimeBundle(): MimeBundle {
    return { "text/html": svgImages(this.html), "text/plain": `[figure: ${this.label}]` };
  }

  /** What the Deno kernel calls to display this value. */
  [Symbol.for("Jupyter.display")](): MimeBundle {
    return this.toMimeBundle();
  }
}

/**
 * `Plot.plot` with the server-side document filled in, returning a {@link Figure} that shows
 * inline in a notebook. When `ariaLabel` is missing it is taken from `title` so screen readers
 * announce the figure.
 *
 * @example A parabola
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./figure.ts";
 * const xs = Array.from({ length: 21 }, (_, i) => i / 10 - 1);
 * const fig = plot({ title: "y = x²", marks: [Plot.line(xs.map((x) => [x, x * x]))] });
 * console.log(fig.label); // "y = x²"
 * ```
 */
export function plot(options: Plot.PlotOptions = {}): Figure {
  const title = typeof options.title === "string" ? options.title : undefined;
  const ariaLabel = options.ariaLabel ?? title ?? "figure";
  const element = Plot.plot({ ...options, ariaLabel, document }) as unknown as Element;
  return new Figure(element, ariaLabel);
}
