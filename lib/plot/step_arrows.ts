/**
 * Labelled arrows for drawing single optimizer steps over a landscape (the momentum step, the
 * gradient step, where each method lands), and labelled points. Marks to append to
 * `landscapeOptions(...)`: notebook 4's look-ahead picture.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { invalid, knownOptions, number } from "./options.ts";

/** One arrow from a point to another, with a label beside its middle. */
export interface StepArrow {
  /** The tail [x, y]. */
  from: readonly number[];
  /** The head [x, y]. */
  to: readonly number[];
  /** The text beside the arrow's middle (none when omitted). */
  label?: string;
  /** A CSS colour for the arrow and its label (default #555). */
  color?: string;
  /** An SVG dash pattern such as "4,3" (default: solid). */
  dash?: string;
  /** Which side of the middle the label sits on: "right" (text starts there, the default) or
   * "left" (text ends there). */
  side?: "left" | "right";
}

/** A dot with a bold label, e.g. θ⁽ᵗ⁾ or the look-ahead point θ̃. */
export interface PointLabel {
  /** The point [x, y]. */
  at: readonly number[];
  /** The label. */
  text: string;
  /** Offset of the text in pixels (default 0, −14: above the dot). */
  dx?: number;
  /** Offset of the text in pixels. */
  dy?: number;
  /** Text alignment (default "middle"). */
  anchor?: "start" | "middle" | "end";
}

/** Options of {@link stepArrowMarks}. */
export interface StepArrowOptions {
  /** Arrow width in pixels (default 2.5). */
  strokeWidth?: number;
  /** Arrow head length in pixels (default 10). */
  headLength?: number;
  /** Font size of the arrow labels in pixels (default 12; point labels are one larger). */
  fontSize?: number;
}

/** Defaults, declared once. */
const defaults = {
  color: "#555",
  dash: "none",
  strokeWidth: 2.5,
  headLength: 10,
  fontSize: 12,
  labelGap: 8,
  pointDy: -14,
} as const;

const optionKeys = ["strokeWidth", "headLength", "fontSize"] as const;
const halo = { stroke: "white", strokeWidth: 3, paintOrder: "stroke" } as const;

function point(name: string, p: unknown): [number, number] {
  if (!Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite)) {
    throw invalid(name, p, "expected a point [x, y] of finite numbers");
  }
  return [p[0], p[1]];
}

/**
 * Marks for labelled step arrows and labelled points, to append to a landscape (or any x/y plot).
 *
 * @example The two gradient steps of one Nesterov step on a bowl
 * ```ts
 * import { quadratic } from "../functions/mod.ts";
 * import { plot } from "./figure.ts";
 * import { landscapeOptions } from "./landscape.ts";
 * import { stepArrowMarks } from "./step_arrows.ts";
 * const base = landscapeOptions(quadratic(10));
 * const fig = plot({
 *   ...base,
 *   marks: [
 *     ...base.marks,
 *     ...stepArrowMarks(
 *       [{ from: [-3, -0.5], to: [-2.6, 0.3], label: "momentum step ρv" }],
 *       [{ at: [-3, -0.5], text: "θ⁽ᵗ⁾" }],
 *     ),
 *   ],
 * });
 * console.log(fig.html.includes("momentum step ρv")); // true
 * ```
 */
export function stepArrowMarks(
  arrows: readonly StepArrow[],
  points: readonly PointLabel[] = [],
  options: StepArrowOptions = {},
): Plot.Markish[] {
  knownOptions("stepArrowMarks", options, optionKeys);
  const {
    strokeWidth = defaults.strokeWidth,
    headLength = defaults.headLength,
    fontSize = defaults.fontSize,
  } = options;
  number("strokeWidth", strokeWidth, { positive: true });
  number("headLength", headLength, { nonNegative: true });
  number("fontSize", fontSize, { positive: true });
  if (!Array.isArray(arrows)) throw invalid("arrows", arrows, "expected an array of { from, to }");
  const rows = arrows.map((a) => {
    const [x1, y1] = point("from", a?.from), [x2, y2] = point("to", a?.to);
    if (a.side !== undefined && a.side !== "left" && a.side !== "right") {
      throw invalid("side", a.side, 'expected "left" or "right"');
    }
    return {
      x1,
      y1,
      x2,
      y2,
      xm: (x1 + x2) / 2,
      ym: (y1 + y2) / 2,
      label: a.label ?? "",
      color: a.color ?? defaults.color,
      dash: a.dash ?? defaults.dash,
      left: a.side === "left",
    };
  });
  const dots = points.map((p) => {
    const [x, y] = point("at", p?.at);
    if (typeof p.text !== "string") throw invalid("text", p.text, "expected a string");
    return {
      x,
      y,
      text: p.text,
      dx: p.dx ?? 0,
      dy: p.dy ?? defaults.pointDy,
      anchor: p.anchor ?? "middle",
    };
  });
  return [
    // one mark per arrow and per label: dash patterns, dx and textAnchor are constant per mark
    ...rows.map((d) =>
      Plot.arrow([d], {
        x1: "x1",
        y1: "y1",
        x2: "x2",
        y2: "y2",
        stroke: d.color,
        strokeDasharray: d.dash,
        strokeWidth,
        headLength,
      })
    ),
    ...rows.filter((d) => d.label).map((d) =>
      Plot.text([d], {
        x: "xm",
        y: "ym",
        text: "label",
        fill: d.color,
        dx: d.left ? -defaults.labelGap : defaults.labelGap,
        textAnchor: d.left ? "end" : "start",
        fontSize,
        ...halo,
      })
    ),
    Plot.dot(dots, { x: "x", y: "y", r: 4, fill: "black" }),
    ...dots.map((p) =>
      Plot.text([p], {
        x: "x",
        y: "y",
        text: "text",
        dx: p.dx,
        dy: p.dy,
        textAnchor: p.anchor,
        fontSize: fontSize + 1,
        fontWeight: "bold",
        fill: "black",
        ...halo,
      })
    ),
  ];
}
