import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { plot } from "./figure.ts";
import {
  describeLandscape,
  evaluator,
  formatLevel,
  landscape,
  landscapeLevels,
  landscapeOptions,
} from "./landscape.ts";
import { assertSnapshot } from "./snapshot.ts";
import { beale, bowl, himmelblau, saddle } from "./testdata/surfaces.ts";

Deno.test("landscapeLevels() log-spaces Beale's levels from its minimum", () => {
  const { levels, scale } = landscapeLevels(beale);
  assert.equal(scale, "log");
  assert.equal(levels[0], 0);
  for (let i = 2; i < levels.length; i++) {
    assert.ok(levels[i] / levels[i - 1] <= 10 + 1e-9 && levels[i] > levels[i - 1]);
  }
  assert.ok(levels.at(-1)! >= 1e4, `top level ${levels.at(-1)}`);
});

Deno.test("landscapeLevels() spaces a quadratic bowl's levels evenly with nice steps", () => {
  const { levels, scale } = landscapeLevels(bowl, { levels: 10 });
  assert.equal(scale, "linear");
  assert.deepEqual(levels.slice(0, 3), [0, 5, 10]);
  assert.ok(levels.length <= 11);
});

Deno.test("landscapeLevels() handles negative values (saddle) and explicit levels", () => {
  const { levels } = landscapeLevels(saddle);
  assert.ok(levels[0] <= -4 + 1e-9);
  assert.deepEqual(landscapeLevels(bowl, { levels: [0, 1, 4] }).levels, [0, 1, 4]);
});

Deno.test("landscape helpers reject invalid options, naming them", () => {
  assert.throws(() => landscapeLevels(bowl, { levels: [3, 1] }), /invalid levels: \[3,1\]/);
  assert.throws(() => landscapeLevels(bowl, { levels: -2 }), /invalid levels: -2/);
  assert.throws(
    () => landscapeOptions(bowl, { scale: "cubic" as "log" }),
    /invalid scale: "cubic"/,
  );
  assert.throws(() => landscapeOptions(bowl, { fillOpacity: 2 }), /invalid fillOpacity: 2/);
  assert.throws(() => landscapeOptions(bowl, { scheme: "nope" }), /invalid scheme: "nope"/);
  assert.throws(
    () => landscapeOptions(bowl, { domain: [[1, 0], [0, 1]] }),
    /invalid domain: \[\[1,0\],\[0,1\]\]/,
  );
  assert.throws(() => landscape(bowl, { colour: "red" } as object), /invalid option: colour/);
});

Deno.test("evaluator() falls back to f([x, y]) and explains a tensor-only record", () => {
  const plain = { name: "p", domain: bowl.domain, f: (p: number[]) => p[0] + p[1] };
  assert.equal(evaluator(plain)(1, 2), 3);
  const tensorOnly = { name: "t", domain: bowl.domain, f: () => ({ data: [0] }) };
  assert.throws(() => evaluator(tensorOnly)(0, 0), /give the record a value/);
});

Deno.test("formatLevel() gives short labels", () => {
  assert.deepEqual([0, 0.01, 3, 2000, -5].map(formatLevel), ["0", "0.01", "3", "2k", "−5"]);
});

Deno.test("landscape() labels the figure with the window and minima", () => {
  const fig = landscape(himmelblau);
  assert.equal(fig.label, describeLandscape(himmelblau, himmelblau.domain));
  assert.match(fig.html, /aria-label="Contour plot of Himmelblau over x in \[-5, 5\]/);
  assert.equal((fig.html.match(/<title>minimum/g) ?? []).length, 4);
});

Deno.test("landscapeOptions() composes with extra marks in plot()", () => {
  const base = landscapeOptions(beale, { markers: false });
  const fig = plot({ ...base, marks: [...base.marks, Plot.dot([[1, 1]], { fill: "red" })] });
  assert.match(fig.html, /fill="red"/);
  assert.doesNotMatch(fig.html, /<title>minimum/);
});

Deno.test("landscape() of Beale matches its snapshot", async () => {
  await assertSnapshot("landscape_beale", landscape(beale, { pixelSize: 4 }));
});

Deno.test("landscape() of a saddle matches its snapshot", async () => {
  await assertSnapshot(
    "landscape_saddle",
    landscape(saddle, { pixelSize: 4, levels: 8, legend: false }),
  );
});

Deno.test("landscape() of the ill-conditioned quadratic matches its snapshot", async () => {
  await assertSnapshot("landscape_quadratic", landscape(bowl, { pixelSize: 4, fillOpacity: 0.6 }));
});
