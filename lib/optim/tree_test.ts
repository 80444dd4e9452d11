import assert from "node:assert/strict";
import { Tensor, tensor } from "../autodiff/tensor.ts";
import { adam } from "./adam.ts";
import { build, copyTree, flatten, fullLike, leafShapes, leafwise, leaves } from "./tree.ts";

Deno.test("leaves() and build() round-trip every parameter structure without copying", () => {
  const t = tensor([[1, 2], [3, 4]]);
  assert.equal(leaves(t)[0], t.data);
  const rebuilt = build(t, leaves(t));
  assert.ok(rebuilt instanceof Tensor);
  assert.deepEqual(rebuilt.shape, [2, 2]);
  const arr = [1, 2, 3];
  assert.equal(build(arr, leaves(arr)), arr);
  const rec = { w: tensor([[1, 2]]), b: tensor(0.5) };
  const r2 = build(rec, leaves(rec));
  assert.deepEqual(Object.keys(r2), ["w", "b"]);
  assert.deepEqual(r2.b.shape, []);
  assert.deepEqual(leafShapes(rec), [[1, 2], []]);
});

Deno.test("leaves() rejects gradients whose structure differs from the parameters", () => {
  assert.throws(
    () => leaves([1, 2], [1, 2, 3]),
    /number\[2\] where the parameters are number\[3\]/,
  );
  assert.throws(() => leaves({ w: tensor([1]) }, { v: tensor([1]) }), TypeError);
  const opt = adam();
  assert.throws(() => opt.step([1, 2], [1], opt.init([1, 2])), /Tree structure mismatch/);
});

Deno.test("fullLike(), copyTree() and flatten() keep the structure", () => {
  const rec = { w: tensor([[1, 2]]), b: tensor([3]) };
  assert.deepEqual(flatten(fullLike(rec, 0.5)), [0.5, 0.5, 0.5]);
  const c = copyTree(rec);
  assert.notEqual(c.w.data, rec.w.data);
  assert.deepEqual(flatten(c), [1, 2, 3]);
});

Deno.test("leafwise() runs the kernel once per leaf and returns fresh trees", () => {
  const rec = { a: tensor([1, 2]), b: tensor([3]) };
  const calls: number[] = [];
  const [doubled] = leafwise(rec, [], 1, ([x], [out], k) => {
    calls.push(k);
    for (let i = 0; i < x.length; i++) out[i] = 2 * x[i];
  });
  assert.deepEqual(calls, [0, 1]);
  assert.deepEqual(flatten(doubled), [2, 4, 6]);
  assert.deepEqual(flatten(rec), [1, 2, 3]);
});
