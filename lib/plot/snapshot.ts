/**
 * SVG snapshot testing for the plot helpers: figures are serialized with numbers rounded and
 * Plot's clip ids renumbered, one tag per line, and compared with the files committed under
 * `lib/plot/__snapshots__/`. A visual change then shows up as a readable diff. Run the tests with
 * `UPDATE_SNAPSHOTS=1` to rewrite the files after an intended change, and review the diff.
 *
 * @module
 */

import type { Figure } from "./figure.ts";

/** Options of {@link normalizeSvg}. */
export interface NormalizeOptions {
  /** Decimal places kept in every number (default 2). */
  digits?: number;
}

/**
 * Makes figure markup deterministic and diffable: rounds every decimal number, renumbers Plot's
 * clip-path ids (`plot-clip-N`, `plot-anim-N`: per-process counters) from 1, and puts each tag on its own line.
 *
 * @example
 * ```ts
 * import { normalizeSvg } from "./snapshot.ts";
 * const s = normalizeSvg('<svg><path d="M0.123456,1.5L2,3" clip-path="url(#plot-clip-7)"/></svg>');
 * console.log(s);
 * // <svg>
 * // <path d="M0.12,1.5L2,3" clip-path="url(#plot-clip-1)"/>
 * // </svg>
 * ```
 */
export function normalizeSvg(html: string, { digits = 2 }: NormalizeOptions = {}): string {
  const ids = new Map<string, Map<string, number>>();
  return html
    .replace(/\b(plot-clip|plot-anim)-(\d+)/g, (_, prefix: string, n: string) => {
      if (!ids.has(prefix)) ids.set(prefix, new Map());
      const seen = ids.get(prefix)!;
      if (!seen.has(n)) seen.set(n, seen.size + 1);
      return `${prefix}-${seen.get(n)}`;
    })
    .replace(/-?\d*\.\d+(?:e[-+]?\d+)?/g, (s) => {
      const r = Number(Number(s).toFixed(digits));
      return String(Object.is(r, -0) ? 0 : r);
    })
    .replace(/></g, ">\n<");
}

function snapshotUrl(name: string): URL {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    throw new RangeError(`invalid snapshot name: ${JSON.stringify(name)} (use a-z, 0-9, _ and -)`);
  }
  return new URL(`./__snapshots__/${name}.html`, import.meta.url);
}

/**
 * Compares a figure (or markup) with `lib/plot/__snapshots__/<name>.html` after
 * {@link normalizeSvg}. With the environment variable `UPDATE_SNAPSHOTS=1` it (re)writes the file
 * instead. A missing snapshot fails, so a forgotten file cannot pass silently in CI. Needs read
 * (and, to update, write and env) permissions.
 *
 * @example
 * ```ts ignore
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "./figure.ts";
 * import { assertSnapshot } from "./snapshot.ts";
 * Deno.test("a dot", async () => {
 *   await assertSnapshot("a_dot", plot({ marks: [Plot.dot([[0, 0]])] }));
 * });
 * ```
 */
export async function assertSnapshot(name: string, figure: Figure | string): Promise<void> {
  // The marker keeps `deno fmt` from reformatting the committed markup.
  const actual = "<!-- deno-fmt-ignore-file -->\n" +
    normalizeSvg(typeof figure === "string" ? figure : figure.html) + "\n";
  const url = snapshotUrl(name);
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") {
    await Deno.mkdir(new URL("./", url), { recursive: true });
    await Deno.writeTextFile(url, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        `Missing snapshot ${url.pathname}: run UPDATE_SNAPSHOTS=1 deno test -A lib/plot to create it`,
      );
    }
    throw e;
  }
  if (actual === expected) return;
  const a = actual.split("\n"), e = expected.split("\n");
  const diff: string[] = [];
  for (let i = 0; i < Math.max(a.length, e.length) && diff.length < 12; i++) {
    if (a[i] !== e[i]) {
      diff.push(`line ${i + 1}:`, `  - ${clip(e[i])}`, `  + ${clip(a[i])}`);
    }
  }
  throw new Error(
    `Snapshot ${name} differs (${e.length} lines expected, ${a.length} actual); ` +
      `if the change is intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff\n` +
      diff.join("\n"),
  );
}

function clip(line: string | undefined): string {
  if (line === undefined) return "(missing)";
  return line.length > 160 ? line.slice(0, 160) + "…" : line;
}
