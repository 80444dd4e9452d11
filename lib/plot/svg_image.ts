/**
 * Figures that survive an untrusted notebook. JupyterLab sanitizes the `text/html` outputs of a
 * notebook it has not run itself (one saved with outputs and opened again, or sent to someone):
 * the sanitizer drops every inline `<svg>`, and `image/svg+xml` is not rendered at all (it is
 * marked unsafe, so the `text/plain` fallback shows instead). An `<img>` whose `src` is a
 * `data:image/svg+xml;base64,...` URI is kept. Measured in JupyterLab 4.6 (tools/lab_test.ts).
 *
 * {@link svgImages} turns every SVG of a figure's HTML into such an image, marked so that
 * {@link inlineSvgImages} gives back the exact original markup (the handouts inline the SVG again:
 * searchable, selectable and identical to what they showed before).
 *
 * @module
 */

/** The attribute marking an `<img>` made by {@link svgImages}. */
export const SVG_IMAGE_ATTRIBUTE = "data-inline-svg";

const XMLNS = ' xmlns="http://www.w3.org/2000/svg"';
const SWATCH_STYLE = "margin-right:0.5em";

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(base64: string): string {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** Start and end offsets of every top-level `<svg>…</svg>` element in `html` (nested ones included in their parent). */
function svgRanges(html: string): [number, number][] {
  const ranges: [number, number][] = [];
  const tag = /<(\/?)svg\b[^>]*?(\/?)>/g;
  let depth = 0;
  let start = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const [whole, close, selfClose] = m;
    if (close) {
      depth--;
      if (depth === 0) ranges.push([start, m.index + whole.length]);
    } else if (selfClose) {
      if (depth === 0) ranges.push([m.index, m.index + whole.length]);
    } else {
      if (depth === 0) start = m.index;
      depth++;
    }
  }
  return ranges;
}

/**
 * Replaces every top-level `<svg>` in `html` by an `<img>` showing the same SVG from a data URI,
 * with the SVG's `aria-label` as its `alt` text (empty for an unlabelled one: a legend swatch).
 *
 * @example A bare SVG becomes an image
 * ```ts
 * import { svgImages } from "./svg_image.ts";
 * const html = svgImages('<svg aria-label="a dot" width="10" height="10"><circle r="2"/></svg>');
 * console.log(html.startsWith('<img data-inline-svg="xmlns" alt="a dot" src="data:image/svg+xml;base64,')); // true
 * ```
 */
export function svgImages(html: string): string {
  let out = "";
  let last = 0;
  for (const [start, end] of svgRanges(html)) {
    const svg = html.slice(start, end);
    const open = svg.match(/^<svg\b[^>]*>/)![0];
    const hasXmlns = /\sxmlns="/.test(open);
    // An SVG file needs its namespace; inline SVG in HTML does not carry it.
    const file = hasXmlns ? svg : `<svg${XMLNS}${svg.slice(4)}`;
    const label = open.match(/\saria-label="([^"]*)"/)?.[1] ?? "";
    // Plot spaces a legend swatch from its text with a rule for `.swatch > svg`, which no longer
    // matches: the image carries the margin itself.
    const swatch = /<span class="[^"]*-swatch"[^>]*>$/.test(
      html.slice(Math.max(0, start - 200), start),
    );
    out += html.slice(last, start) +
      `<img ${SVG_IMAGE_ATTRIBUTE}="${hasXmlns ? "as-is" : "xmlns"}" alt="${label}" ` +
      `${swatch ? `style="${SWATCH_STYLE}" ` : ""}src="data:image/svg+xml;base64,${
        toBase64(file)
      }">`;
    last = end;
  }
  return out + html.slice(last);
}

/**
 * The inverse of {@link svgImages}: every `<img>` it made becomes the original inline `<svg>`
 * again, byte for byte. Other images are left alone.
 *
 * @example Round trip
 * ```ts
 * import { inlineSvgImages, svgImages } from "./svg_image.ts";
 * const html = '<figure><h2>A</h2><svg aria-label="x"><rect width="1" height="1" /></svg></figure>';
 * console.log(inlineSvgImages(svgImages(html)) === html); // true
 * ```
 */
export function inlineSvgImages(html: string): string {
  const img = new RegExp(
    `<img ${SVG_IMAGE_ATTRIBUTE}="(xmlns|as-is)" alt="[^"]*" (?:style="${SWATCH_STYLE}" )?` +
      `src="data:image/svg\\+xml;base64,([A-Za-z0-9+/=]*)">`,
    "g",
  );
  return html.replace(img, (_m, how: string, data: string) => {
    const svg = fromBase64(data);
    return how === "xmlns" && svg.startsWith(`<svg${XMLNS}`)
      ? `<svg${svg.slice(4 + XMLNS.length)}`
      : svg;
  });
}
