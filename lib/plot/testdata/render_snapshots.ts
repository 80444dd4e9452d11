/**
 * Renders every committed SVG snapshot to a PNG with headless Chromium, for looking at the
 * figures after a snapshot diff:
 *
 *     deno run -A lib/plot/testdata/render_snapshots.ts [OUT_DIR] [--time MS]
 *
 * OUT_DIR defaults to `build/plot-snapshots/` (ignored by git). `--time` advances animations by
 * that many milliseconds of virtual time before the shot.
 *
 * @module
 */

import { page, screenshot } from "./chromium.ts";

const args = [...Deno.args];
const timeAt = args.indexOf("--time");
const virtualTime = timeAt >= 0 ? Number(args.splice(timeAt, 2)[1]) : 0;
const out = args[0] ?? new URL("../../../build/plot-snapshots/", import.meta.url).pathname;
await Deno.mkdir(out, { recursive: true });
const dir = new URL("../__snapshots__/", import.meta.url);
const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".html"))
  .sort();
for (const name of names) {
  const html = `${out}/${name}`;
  await Deno.writeTextFile(html, page(await Deno.readTextFile(new URL(name, dir))));
  const png = html.replace(/\.html$/, ".png");
  await screenshot(html, png, { width: 700, height: 760, virtualTime });
  console.log(png);
}
