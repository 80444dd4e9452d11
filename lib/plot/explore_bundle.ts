/**
 * The browser build of the interactive figures: `explore_client.ts` with the optimizers, the test
 * functions and `minimize`, bundled by `deno bundle` (Deno's own bundler, esbuild inside; it needs
 * no network) into one minified, self-contained script. The test functions' derivatives are
 * compiled here, in Deno, by the library's own `compileValueAndGrad`, and written into the bundle
 * as plain functions, because a page whose Content-Security-Policy forbids `eval` cannot compile
 * them itself.
 *
 * Built from `lib/` the first time a figure needs it in a process (about half a second), never
 * committed; the same sources give the same bytes.
 *
 * @module
 */

import { compileValueAndGrad, grad, type Tensor } from "../autodiff/mod.ts";
import type { TestFunction2D } from "../functions/test_function.ts";
import { exploreFunctions } from "./explore_core.ts";

/**
 * The JavaScript of a record's compiled derivatives, as the record itself compiles them
 * (`lib/functions/test_function.ts`): value and gradient of f, and the value and gradient of
 * w = (p, v) ↦ ∇f(p)·v, whose gradient is (H(p) v, ∇f(p)).
 *
 * @example
 * ```ts
 * import { beale } from "../functions/mod.ts";
 * import { kernelSources } from "./explore_bundle.ts";
 * const [vg, hvp] = kernelSources(beale);
 * console.log(vg.startsWith("function (X, G)"), hvp.includes("G[3]")); // true true
 * ```
 */
export function kernelSources(fn: TestFunction2D): [string, string] {
  const f = (p: Tensor) => fn.f(p);
  const vg = compileValueAndGrad(f, [0.5, 0.5]);
  const g = grad(f);
  const dot = (w: Tensor) => g(w.slice(0, 2, 0)).mul(w.slice(2, 4, 0)).sum();
  const hv = compileValueAndGrad(dot, [0.5, 0.5, 0.5, 0.5]);
  return [vg.source, hv.source];
}

/** The entry module of the bundle: the client, started with the precompiled kernels. */
function entrySource(): string {
  const client = new URL("./explore_client.ts", import.meta.url).href;
  const kernels = exploreFunctions().map((fn) => {
    const [vg, hv] = kernelSources(fn);
    return `  ${JSON.stringify(fn.name)}: [${vg}, ${hv}],`;
  });
  return `// deno-lint-ignore-file\n// @ts-nocheck generated\nimport { start } from ${
    JSON.stringify(client)
  };\nstart({\n${kernels.join("\n")}\n});\n`;
}

let cached: string | undefined;

/**
 * The bundle: one classic script (an IIFE, so several copies on a page do not clash) that mounts
 * every interactive figure on the page. Built once per process by {@link buildExploreBundle}.
 *
 * @example
 * ```ts
 * import { exploreBundle } from "./explore_bundle.ts";
 * const js = exploreBundle();
 * console.log(js.length > 10_000, js.includes("courseExplore")); // true true
 * ```
 */
export function exploreBundle(): string {
  cached ??= buildExploreBundle();
  return cached;
}

/**
 * Builds the bundle afresh with `deno bundle` (about half a second); {@link exploreBundle} keeps
 * one per process.
 *
 * @example
 * ```ts
 * import { buildExploreBundle } from "./explore_bundle.ts";
 * console.log(buildExploreBundle().startsWith("(()=>{")); // true
 * ```
 */
export function buildExploreBundle(): string {
  const dir = Deno.makeTempDirSync({ prefix: "course-explore-" });
  try {
    const entry = `${dir}/entry.ts`;
    const out = `${dir}/bundle.js`;
    Deno.writeTextFileSync(entry, entrySource());
    const r = new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--no-config",
        "--platform",
        "browser",
        "--format",
        "iife",
        "--minify",
        "--output",
        out,
        entry,
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).outputSync();
    if (!r.success) {
      throw new Error(
        `deno bundle could not build the interactive figures' script: ${
          new TextDecoder().decode(r.stderr).trim()
        } (check that lib/plot/explore_client.ts type-checks and imports only lib/ files)`,
      );
    }
    const js = Deno.readTextFileSync(out);
    if (/<\/script/i.test(js)) {
      throw new Error("the bundle contains </script and cannot be inlined in a page");
    }
    return js;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
