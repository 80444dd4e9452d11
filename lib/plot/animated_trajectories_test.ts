import assert from "node:assert/strict";
import { animatedTrajectories } from "./animated_trajectories.ts";
import { assertSnapshot } from "./snapshot.ts";
import { findChromium, page, screenshot } from "./testdata/chromium.ts";
import { bowl, descend } from "./testdata/surfaces.ts";

const start: [number, number] = [-3.5, 1.5];
const runs = [
  { name: "α = 0.05", path: descend(0.05, 40, start) },
  { name: "α = 0.18", path: descend(0.18, 20, start) },
];
const fast = { landscape: { pixelSize: 8, levels: 6 } };

Deno.test("animatedTrajectories() animates with SMIL only: no script", () => {
  const fig = animatedTrajectories(bowl, runs, fast);
  assert.doesNotMatch(fig.html, /<script/);
  // Per run: halo and trail dash offsets, head cx and cy; then end markers and 41 counter frames.
  assert.equal((fig.html.match(/attributeName="stroke-dashoffset"/g) ?? []).length, 4);
  assert.equal((fig.html.match(/attributeName="cx"/g) ?? []).length, 2);
  assert.equal((fig.html.match(/>step \d+</g) ?? []).length, 41);
  assert.match(fig.html, /repeatCount="indefinite"/);
  assert.match(fig.html, /dur="8s"/);
  assert.ok(fig.label.startsWith("Animated trajectories on quadratic (κ = 10). α = 0.05: from"));
});

Deno.test("animatedTrajectories() gives every step of every run the same time", () => {
  const fig = animatedTrajectories(bowl, runs, { ...fast, duration: 4, hold: 0, counter: false });
  // The shorter run (20 steps) finishes halfway: its end marker appears at keyTime 0.5.
  assert.match(fig.html, /keyTimes="0\.0000;0\.5000"/);
  assert.doesNotMatch(fig.html, /step \d+/);
});

Deno.test("animatedTrajectories() subsamples long runs to maxFrames and keeps the last step", () => {
  const long = [{ name: "slow", path: descend(0.01, 999, start) }];
  const fig = animatedTrajectories(bowl, long, { ...fast, maxFrames: 10 });
  const steps = [...fig.html.matchAll(/>step (\d+)</g)].map((m) => Number(m[1]));
  assert.deepEqual(steps, [0, 111, 222, 333, 444, 555, 666, 777, 888, 999]);
});

Deno.test("animatedTrajectories() rejects invalid options, naming them", () => {
  assert.throws(() => animatedTrajectories(bowl, runs, { duration: 0 }), /invalid duration: 0/);
  assert.throws(() => animatedTrajectories(bowl, runs, { maxFrames: 2.5 }), /invalid maxFrames/);
  assert.throws(
    () => animatedTrajectories(bowl, runs, { fps: 3 } as object),
    /invalid option: fps/,
  );
});

Deno.test("animatedTrajectories() matches its snapshot", async () => {
  await assertSnapshot(
    "animated_trajectories",
    animatedTrajectories(bowl, [
      { name: "α = 0.05", path: descend(0.05, 10, start) },
      { name: "α = 0.18", path: descend(0.18, 6, start) },
    ], fast),
  );
});

Deno.test({
  name: "animatedTrajectories() moves in headless Chromium on a page that forbids scripts",
  ignore: findChromium() === undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "anim-test-" });
    try {
      const fig = animatedTrajectories(bowl, runs, { ...fast, duration: 4, hold: 1 });
      await Deno.writeTextFile(`${dir}/a.html`, page(fig.html));
      const shots: Uint8Array[] = [];
      for (const ms of [100, 2000]) {
        await screenshot(`${dir}/a.html`, `${dir}/${ms}.png`, { virtualTime: ms });
        shots.push(await Deno.readFile(`${dir}/${ms}.png`));
      }
      const same = (a: Uint8Array, b: Uint8Array) =>
        a.length === b.length && a.every((v, i) => v === b[i]);
      assert.ok(!same(shots[0], shots[1]), "frame at 2 s equals frame at 0.1 s");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
