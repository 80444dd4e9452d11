import assert from "node:assert/strict";
import { beale, quadratic, saddle, testFunction2D } from "../functions/mod.ts";
import { Rng } from "../random.ts";
import { explore } from "./explore.ts";
import { inlineSvgImages } from "./svg_image.ts";
import { buildExploreBundle, exploreBundle, kernelSources } from "./explore_bundle.ts";
import { withKernels } from "./explore_client.ts";
import {
  EXPLORE_OPTIMIZERS,
  exploreFunctions,
  exploreRuns,
  pathData,
  runsMarkup,
} from "./explore_core.ts";

Deno.test("explore() draws into its static figure the paths the library computes for the defaults", () => {
  const fig = explore(beale, {
    optimizers: ["sgd", { kind: "momentum", alpha: 0.002, rho: 0.5 }, "adam"],
    steps: 120,
    start: [-1, 2],
  });
  const cfg = fig.config;
  assert.deepEqual(cfg.settings.start, [-1, 2]);
  assert.deepEqual(cfg.settings.entries.map((e) => [e.kind, e.alpha, e.rho]), [
    ["sgd", EXPLORE_OPTIMIZERS.sgd.alpha, undefined],
    ["momentum", 0.002, 0.5],
    ["adam", EXPLORE_OPTIMIZERS.adam.alpha, undefined],
  ]);
  const drawn = [...fig.html.matchAll(/class="explore-path" d="([^"]+)"/g)].map((m) => m[1]);
  const expected = exploreRuns(beale, cfg.settings).map((r) =>
    pathData(r.path.map((p) => p.x), cfg.x, cfg.y)
  );
  assert.deepEqual(drawn, expected);
  assert.equal(drawn.length, 3);
  // The axes are Plot's: the window's corners land on the plot area's corners.
  assert.deepEqual(cfg.x.domain, beale.domain[0]);
  assert.deepEqual(cfg.y.domain, beale.domain[1]);
  assert.ok(cfg.x.range[0] < cfg.x.range[1] && cfg.y.range[0] > cfg.y.range[1]);
});

Deno.test("explore() output: static SVG, configuration and the bundle, labelled for screen readers", () => {
  const fig = explore(saddle, { optimizers: ["sgd", "adam"], steps: 50 });
  const bundle = fig.toMimeBundle();
  // The static SVG travels as a data-URI image (kept by an untrusted JupyterLab), inlined back
  // byte for byte by the handouts.
  assert.ok(bundle["text/html"].includes('<img data-inline-svg="xmlns" alt="Interactive'));
  assert.ok(inlineSvgImages(bundle["text/html"]).startsWith(fig.html));
  assert.ok(bundle["text/html"].includes(`<script data-course-explore="bundle">`));
  assert.ok(bundle["text/plain"].startsWith("[interactive figure: Interactive trajectories on"));
  assert.match(fig.html, /<svg[^>]*aria-label="Interactive trajectories on saddle/);
  assert.match(fig.html, /class="explore-runs"[^>]*aria-hidden="true"/);
  assert.ok(fig.html.includes("@media print"));
});

Deno.test("explore() is deterministic", () => {
  const a = explore(quadratic(100), { optimizers: ["momentum", "nesterov"], steps: 80 });
  const b = explore(quadratic(100), { optimizers: ["momentum", "nesterov"], steps: 80 });
  assert.equal(a.html, b.html);
});

Deno.test("explore() rejects bad input with a message saying what to do", () => {
  const bowl = testFunction2D({
    name: "my bowl",
    tensor: (x, y) => x.square().add(y.square()),
    number: (x, y) => x * x + y * y,
    domain: [[-1, 1], [-1, 1]],
    minima: [[0, 0]],
    fmin: 0,
    start: [1, 1],
    note: "",
  });
  assert.throws(
    () => explore(bowl),
    /invalid function: "my bowl" \(explore\(\) draws the records.*Beale/,
  );
  assert.throws(
    () => explore(beale, { optimizers: ["adamm"] }),
    /invalid optimizer: "adamm" \(expected one of sgd/,
  );
  assert.throws(
    () => explore(beale, { optimizers: [{ kind: "sgd", rho: 0.9 }] }),
    /invalid rho: 0.9 \(sgd has no rho\)/,
  );
  assert.throws(
    () => explore(beale, { optimizers: [{ kind: "momentum", rho: 1 }] }),
    /invalid rho: 1/,
  );
  assert.throws(() => explore(beale, { optimizers: ["sgd", "sgd"] }), /distinct names/);
  assert.throws(() => explore(beale, { optimizers: [] }), /invalid optimizers/);
  assert.throws(() => explore(beale, { alphaRange: [1, 0.1] }), /invalid alphaRange/);
  assert.throws(() => explore(beale, { steps: 0 }), /invalid steps/);
  assert.throws(
    () => explore(beale, { start: [1] as unknown as [number, number] }),
    /invalid start/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => explore(beale, { colour: "red" } as any), /colour/);
});

Deno.test("the bundle's precompiled kernels are the records' own derivatives, bit for bit", () => {
  const rng = new Rng(3);
  for (const fn of exploreFunctions()) {
    const [vgSource, hvSource] = kernelSources(fn);
    const make = (src: string) => new Function(`return ${src}`)();
    const mine = withKernels(fn, make(vgSource), make(hvSource));
    for (let i = 0; i < 20; i++) {
      const [[x0, x1], [y0, y1]] = fn.domain;
      const p = [x0 + (x1 - x0) * rng.uniform(), y0 + (y1 - y0) * rng.uniform()];
      const v = [rng.normal(), rng.normal()];
      assert.deepStrictEqual(mine.valueAndGrad(p), fn.valueAndGrad(p), `${fn.name} at ${p}`);
      assert.deepStrictEqual(mine.hvp(p, v), fn.hvp(p, v), `${fn.name} hvp at ${p}`);
    }
  }
});

Deno.test("the bundle is self-contained and the same bytes when built again", () => {
  const a = exploreBundle();
  const b = buildExploreBundle();
  assert.equal(a, b);
  assert.ok(a.startsWith("(()=>{"), "an IIFE");
  // No module loading; (the autodiff's code generator is in it but never runs in the browser: the
  // records come with precompiled kernels, see tools/handout/interactive_test.ts).
  assert.doesNotMatch(a, /\bimport\s*\(|\bimport\s+[\w{*]|\brequire\(|\beval\(/);
  assert.doesNotMatch(a, /https?:\/\//);
  console.log(`bundle: ${(a.length / 1024).toFixed(1)} KiB`);
});

Deno.test("runsMarkup() ends a run that left the window with ×, and escapes names", () => {
  const axis = { domain: [0, 1] as [number, number], range: [0, 100] as [number, number] };
  const svg = runsMarkup(
    [
      {
        name: "a<b",
        color: "red",
        path: [{ x: [0, 0] }, { x: [2, 2] }],
        stop: { reason: "diverged" },
      },
    ],
    axis,
    axis,
  );
  assert.ok(svg.includes('data-run="a&lt;b"'));
  assert.ok(svg.includes('<path d="M195,195L205,205M195,205L205,195"'));
});
