import assert from "node:assert/strict";
import { arange } from "../autodiff/mod.ts";
import { Rng } from "../random.ts";
import { minibatches } from "./minibatches.ts";

const X = arange(30).reshape([10, 3]);
const y = arange(10);

function epochIndices(batches: Iterable<{ indices: number[] }>): number[][] {
  return [...batches].map((b) => b.indices);
}

Deno.test("minibatches() visits every row once per epoch and keeps the last partial batch", () => {
  const mb = minibatches(X, y, { batchSize: 4, seed: 0 });
  assert.equal(mb.batchesPerEpoch, 3);
  const batches = epochIndices(mb);
  assert.deepEqual(batches.map((b) => b.length), [4, 4, 2]);
  assert.deepEqual(batches.flat().sort((a, b) => a - b), [...Array(10).keys()]);
});

Deno.test("minibatches() with dropLast drops the partial batch", () => {
  const mb = minibatches(X, y, { batchSize: 4, seed: 0, dropLast: true });
  assert.equal(mb.batchesPerEpoch, 2);
  assert.deepEqual(epochIndices(mb.epoch()).map((b) => b.length), [4, 4]);
});

Deno.test("minibatches() reshuffles each epoch, reproducibly by seed", () => {
  const a = minibatches(X, y, { batchSize: 10, seed: 5 });
  const b = minibatches(X, y, { batchSize: 10, rng: new Rng(5) });
  const a1 = epochIndices(a), a2 = epochIndices(a);
  assert.notDeepEqual(a1, a2);
  assert.deepEqual([epochIndices(b), epochIndices(b)], [a1, a2]);
  assert.equal(a.epochs, 2);
});

Deno.test("minibatches() batch rows match their indices", () => {
  for (const { X: xb, y: yb, indices } of minibatches(X, y, { batchSize: 3, seed: 1 })) {
    assert.deepEqual(xb.shape, [indices.length, 3]);
    indices.forEach((i, k) => {
      assert.deepEqual([...xb.data.subarray(3 * k, 3 * k + 3)], [3 * i, 3 * i + 1, 3 * i + 2]);
      assert.equal(yb.data[k], i);
    });
  }
});

Deno.test("minibatches() with shuffle false keeps the data's order", () => {
  const mb = minibatches(X, y, { batchSize: 4, shuffle: false });
  assert.deepEqual(epochIndices(mb), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
});

Deno.test("minibatches() rejects a bad batch size", () => {
  assert.throws(() => minibatches(X, y, { batchSize: 0 }), /invalid batchSize: 0/);
  assert.throws(() => minibatches(X, y, { batchSize: 11, dropLast: true }), /only 10/);
});
