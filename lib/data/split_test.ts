import assert from "node:assert/strict";
import { arange, tensor } from "../autodiff/mod.ts";
import { loadBreastCancer } from "./datasets.ts";
import { trainTestSplit } from "./split.ts";

const X = arange(40).reshape([20, 2]);
const y = arange(20).mul(0.5);

Deno.test("trainTestSplit() partitions the rows and keeps X and y aligned", () => {
  const s = trainTestSplit(X, y, { testSize: 0.25, seed: 3 });
  assert.deepEqual(s.XTest.shape, [5, 2]);
  assert.deepEqual(s.XTrain.shape, [15, 2]);
  const all = [...s.trainIndices, ...s.testIndices].sort((a, b) => a - b);
  assert.deepEqual(all, [...Array(20).keys()]);
  s.testIndices.forEach((i, k) => {
    assert.deepEqual([s.XTest.data[2 * k], s.XTest.data[2 * k + 1]], [2 * i, 2 * i + 1]);
    assert.equal(s.yTest.data[k], i / 2);
  });
});

Deno.test("trainTestSplit() is reproducible by seed and differs between seeds", () => {
  const a = trainTestSplit(X, y, { seed: 1 }), b = trainTestSplit(X, y, { seed: 1 });
  assert.deepEqual(a.testIndices, b.testIndices);
  assert.notDeepEqual(a.testIndices, trainTestSplit(X, y, { seed: 2 }).testIndices);
});

Deno.test("trainTestSplit() rounds the test fraction up and accepts a row count", () => {
  assert.equal(trainTestSplit(X, y, { testSize: 0.11 }).testIndices.length, 3);
  assert.equal(trainTestSplit(X, y, { testSize: 7 }).testIndices.length, 7);
});

Deno.test("trainTestSplit() with stratify keeps the class proportions", () => {
  const { X, y } = loadBreastCancer();
  const s = trainTestSplit(X, y, { testSize: 0.2, seed: 0, stratify: true });
  assert.equal(s.yTest.size, 114);
  const benign = s.yTest.data.reduce((a, b) => a + b, 0);
  assert.equal(benign, Math.round((357 * 114) / 569));
});

Deno.test("trainTestSplit() rejects a bad test size or mismatched rows", () => {
  assert.throws(() => trainTestSplit(X, y, { testSize: 1.5 }), /invalid testSize: 1.5/);
  assert.throws(() => trainTestSplit(X, y, { testSize: 0 }), /invalid testSize: 0/);
  assert.throws(() => trainTestSplit(X, tensor([1, 2])), /same number of rows/);
});
