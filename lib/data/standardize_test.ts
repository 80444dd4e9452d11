import assert from "node:assert/strict";
import { tensor } from "../autodiff/mod.ts";
import { fitStandardizer, standardize } from "./standardize.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

Deno.test("standardize() gives the training columns mean 0 and standard deviation 1", () => {
  const X = tensor([[1, 100, 5], [2, 300, 5], [6, 200, 5], [3, 0, 5]]);
  const { train, mean, std } = standardize(X);
  assert.deepEqual([...mean], [3, 150, 5]);
  close(std[0], Math.sqrt((4 + 1 + 9 + 0) / 4));
  assert.equal(std[2], 1, "a constant column keeps std 1");
  for (let j = 0; j < 2; j++) {
    const col = [0, 1, 2, 3].map((i) => train.data[i * 3 + j]);
    close(col.reduce((a, b) => a + b) / 4, 0);
    close(col.reduce((a, b) => a + b * b, 0) / 4, 1);
  }
  assert.deepEqual([0, 1, 2, 3].map((i) => train.data[i * 3 + 2]), [0, 0, 0, 0]);
});

Deno.test("standardize() maps the test set with the training statistics", () => {
  const { test } = standardize(tensor([[0], [2]]), tensor([[4], [1]]));
  assert.deepEqual(test.toArray(), [[3], [0]]);
});

Deno.test("fitStandardizer() handles 1-D targets and inverts its map", () => {
  const s = fitStandardizer(tensor([10, 20, 30]));
  const z = s.apply(tensor([20, 40]));
  close(z.data[0], 0);
  assert.deepEqual(s.invert(z).toArray(), [20, 40]);
});

Deno.test("fitStandardizer() rejects a test set with other columns", () => {
  const s = fitStandardizer(tensor([[1, 2], [3, 4]]));
  assert.throws(
    () => s.apply(tensor([[1, 2, 3]])),
    /expected 2 feature columns \(as fitted\), got shape \[1,3\]/,
  );
  assert.throws(() => fitStandardizer(tensor([[[1]]])), /expected a 1-D or 2-D tensor/);
});
