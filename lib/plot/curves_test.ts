import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { plot } from "./figure.ts";
import { curveOptions, curves, fieldLabel, logTickFormat, seriesLegend } from "./curves.ts";
import { assertSnapshot } from "./snapshot.ts";

/** A seeded linear congruential stream for noisy but reproducible curves. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

const steps = (scale: number, seed: number) => {
  const u = lcg(seed);
  return Array.from({ length: 120 }, (_, step) => ({
    step,
    loss: scale * Math.exp(-step / 30) + 0.05 + 0.2 * u() * Math.exp(-step / 60),
    time: step * 0.01,
  }));
};
const epochs = (a: number) =>
  Array.from({ length: 8 }, (_, e) => ({
    epoch: e + 1,
    trainLoss: a / (e + 1) + 0.05,
    testLoss: a / (e + 1) + 0.15 + 0.01 * e,
    trainAccuracy: 1 - a / (e + 2),
    testAccuracy: 0.95 - a / (e + 2),
  }));

Deno.test("fieldLabel() turns field names into words", () => {
  assert.equal(fieldLabel("trainLoss"), "train loss");
  assert.equal(fieldLabel("t"), "step");
  assert.equal(fieldLabel("time"), "wall time (s)");
});

Deno.test("curveOptions() picks the x field from the rows and labels the axes", () => {
  const base = curveOptions([{ name: "a", data: steps(1, 1) }]);
  assert.equal((base.x as { label: string }).label, "step");
  assert.equal((base.y as { label: string }).label, "loss");
  const byEpoch = curveOptions([{ name: "a", data: epochs(1) }], { y: ["trainLoss", "testLoss"] });
  assert.equal((byEpoch.x as { label: string }).label, "epoch");
  assert.equal((byEpoch.y as { label: string }).label, "loss");
  const values = curveOptions([{ name: "v", values: [3, 2, 1] }]);
  assert.equal((values.x as { label: string }).label, "index");
});

Deno.test("curveOptions() leaves out non-finite values and, on a log axis, non-positive ones", () => {
  const data = [{ t: 0, loss: 1 }, { t: 1, loss: 0 }, { t: 2, loss: NaN }, { t: 3, loss: 0.5 }];
  const fig = plot(curveOptions([{ name: "a", data }], { yScale: "log", dots: true }));
  assert.equal((fig.html.match(/<circle/g) ?? []).length, 2);
  assert.throws(
    () => curveOptions([{ name: "a", data: [{ t: 0, loss: 0 }] }], { yScale: "log" }),
    /no positive finite values to plot on a log axis/,
  );
});

Deno.test("curveOptions() rejects invalid options, naming them", () => {
  const runs = [{ name: "a", data: epochs(1) }];
  assert.throws(() => curveOptions(runs, { yScale: "exp" as "log" }), /invalid yScale: "exp"/);
  assert.throws(() => curveOptions(runs, { smooth: 1 }), /invalid smooth: 1/);
  assert.throws(
    () => curveOptions(runs, { y: "accuracy" }),
    /invalid y: "accuracy" \(run a has fields epoch/,
  );
  assert.throws(() => curveOptions(runs, { x: "step" }), /invalid x: "step"/);
  assert.throws(() => curveOptions([]), /invalid runs: \[\]/);
  assert.throws(() => curves(runs, { ylog: true } as object), /invalid option: ylog/);
});

Deno.test("curveOptions() composes with extra marks", () => {
  const base = curveOptions([{ name: "a", data: epochs(1) }], { y: "testLoss" });
  const fig = plot({ ...base, marks: [...base.marks, Plot.ruleY([0.3], { stroke: "red" })] });
  assert.match(fig.html, /stroke="red"/);
});

Deno.test("curves() describes the runs' last values and keys several fields", () => {
  const fig = curves([{ name: "SGD", data: epochs(1) }, { name: "Adam", data: epochs(0.5) }], {
    y: ["trainAccuracy", "testAccuracy"],
    title: "Accuracy",
  });
  assert.equal(
    fig.label,
    "Accuracy: train accuracy and test accuracy against epoch. SGD: last train accuracy 0.889, " +
      "test accuracy 0.839; Adam: last train accuracy 0.944, test accuracy 0.894",
  );
  assert.match(fig.html, /test accuracy<\/span>/);
  assert.equal(seriesLegend(["a", "b"]).textContent, "a b");
});

Deno.test("curves() of smoothed minibatch losses matches its snapshot", async () => {
  await assertSnapshot(
    "curves_smoothed",
    curves([{ name: "SGD", data: steps(1, 1) }, { name: "Adam", data: steps(2, 2) }], {
      smooth: 0.9,
      title: "Minibatch loss",
    }),
  );
});

Deno.test("curves() of train and test loss on a log axis matches its snapshot", async () => {
  await assertSnapshot(
    "curves_epochs_log",
    curves([{ name: "SGD", data: epochs(1) }, { name: "Adam", data: epochs(0.5) }], {
      y: ["trainLoss", "testLoss"],
      yScale: "log",
      title: "Loss per epoch",
    }),
  );
});

Deno.test("curves() against wall time matches its snapshot", async () => {
  await assertSnapshot(
    "curves_time",
    curves([{ name: "SGD", data: steps(1, 3) }], { x: "time", title: "Loss against time" }),
  );
});

Deno.test("curves() reads minimize results (path) and fit histories (steps, epochs) directly", () => {
  const run = {
    name: "GD",
    path: [{ t: 0, loss: 1, gradNorm: 2 }, { t: 1, loss: 0.5, gradNorm: 1 }],
  };
  const history = {
    name: "SGD",
    steps: [{ step: 0, epoch: 1, loss: 0.7, time: 0.1 }, {
      step: 1,
      epoch: 1,
      loss: 0.6,
      time: 0.2,
    }],
    epochs: [
      { epoch: 0, trainLoss: 0.7, testLoss: 0.8, time: 0 },
      { epoch: 1, trainLoss: 0.6, testLoss: 0.7, time: 0.2 },
    ],
  };
  assert.match(
    curves([run], { y: "gradNorm" }).label,
    /gradient norm ‖∇f‖ against step\. GD: last 1$/,
  );
  assert.match(curves([history]).label, /loss against step\. SGD: last 0.6$/);
  assert.match(
    curves([history], { y: ["trainLoss", "testLoss"] }).label,
    /against epoch\. SGD: last train loss 0.6, test loss 0.7$/,
  );
  assert.match(curves([history], { x: "time" }).label, /loss against wall time \(s\)/);
});

Deno.test("curveOptions() widens the left margin so long log-axis tick labels fit", () => {
  const path = Array.from({ length: 50 }, (_, t) => ({ t, loss: 10 ** (-t / 4) }));
  const wide = curveOptions([{ name: "GD", data: path }], { yScale: "log" });
  // the longest labels are "1e−10", "1e−11", "1e−12" and "0.001"; Plot's 40 px cut them off
  assert.ok((wide.marginLeft as number) >= 44, `marginLeft ${wide.marginLeft}`);
  const short = curveOptions([{ name: "GD", data: [{ t: 0, loss: 1 }, { t: 1, loss: 0.1 }] }], {
    yScale: "log",
  });
  assert.equal(short.marginLeft, 40);
  assert.equal(curveOptions([{ name: "GD", data: path }]).marginLeft, undefined);
});

Deno.test("curves() over twelve decades matches its snapshot (labels inside the margin)", async () => {
  const path = Array.from({ length: 50 }, (_, t) => ({ t, loss: 10 ** (-t / 4) }));
  await assertSnapshot(
    "curves_log_long_labels",
    curves([{ name: "GD", data: path }], { yScale: "log", title: "Twelve decades" }),
  );
});

Deno.test("curveOptions() draws a log x axis, reversed on request, leaving out x ≤ 0", () => {
  const data = [0, 1e-1, 1e-3, 1e-5].map((h) => ({ h, error: h + 1e-9 }));
  const base = curveOptions([{ name: "a", data }], {
    x: "h",
    y: "error",
    xScale: "log",
    xReverse: true,
    yScale: "log",
    dots: true,
  });
  assert.equal((base.x as { type: string }).type, "log");
  assert.equal((base.x as { reverse: boolean }).reverse, true);
  assert.equal((plot(base).html.match(/<circle/g) ?? []).length, 3);
  assert.throws(() => curveOptions([{ name: "a", data }], { xScale: "ln" as "log" }), /xScale/);
});

Deno.test("logTickFormat() keeps log-axis labels short: plain in [0.001, 1G), exponents beyond", () => {
  assert.deepEqual(
    [1e-12, 3e-7, 0.001, 0.25, 1, 2e3, 1e5, 3e6, 1e9, 1e21, -1e-9].map(logTickFormat),
    ["1e−12", "3e−7", "0.001", "0.25", "1", "2k", "100k", "3M", "1e9", "1e21", "−1e−9"],
  );
});
