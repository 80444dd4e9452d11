import assert from "node:assert/strict";
import { Tensor, tensor } from "../autodiff/tensor.ts";
import { adam } from "./adam.ts";
import {
  build,
  copyTree,
  flatten,
  fullLike,
  leafShapes,
  leafwise,
  leaves,
  recycle,
} from "./tree.ts";

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

Deno.test("recycle() hands dead leaves to the next step, never a live or carried one", () => {
  const opt = adam({ alpha: 0.1 });
  const p0 = new Tensor(Float64Array.from([1, -2, 3]), [3]), s0 = opt.init(p0);
  const one = opt.step(p0, new Tensor(Float64Array.from([1, 1, 1]), [3]), s0);
  const two = opt.step(one.params, new Tensor(Float64Array.from([1, 2, 3]), [3]), one.state);
  // a leaf still live (carried into the new state) is kept even when named dead
  recycle([one.params, one.state, two.state.s], [two.params, two.state]);
  const reused = new Set([one.params.data, one.state.s.data, one.state.r.data]);
  const g = new Tensor(Float64Array.from([0.5, 0.5, 0.5]), [3]);
  const three = opt.step(two.params, g, two.state);
  const got = [three.params.data, three.state.s.data, three.state.r.data];
  assert.ok(got.every((l) => reused.has(l)), "the three dead leaves are reused");
  assert.ok(!got.includes(two.state.s.data), "a live leaf is never handed out");
  // and the numbers are those of a step on fresh memory
  const fresh = adam({ alpha: 0.1 });
  let p = new Tensor(Float64Array.from([1, -2, 3]), [3]), s = fresh.init(p);
  for (const gs of [[1, 1, 1], [1, 2, 3], [0.5, 0.5, 0.5]]) {
    ({ params: p, state: s } = fresh.step(p, new Tensor(Float64Array.from(gs), [3]), s));
  }
  assert.deepEqual(Array.from(three.params.data), Array.from(p.data));
  assert.deepEqual(Array.from(p0.data), [1, -2, 3], "the initial parameters are untouched");
});
