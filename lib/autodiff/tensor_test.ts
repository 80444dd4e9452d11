import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import {
  arange,
  eye,
  fromData,
  full,
  linspace,
  ones,
  rand,
  randn,
  Tensor,
  tensor,
  zeros,
} from "./mod.ts";

Deno.test("tensor() copies nested arrays into row-major float64 data", () => {
  const src = [[1, 2, 3], [4, 5, 6]];
  const t = tensor(src);
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4, 5, 6]);
  src[0][0] = 99;
  assert.equal(t.data[0], 1);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(t.size, 6);
  assert.equal(t.ndim, 2);
  const s = tensor(2.5);
  assert.deepEqual(s.shape, []);
  assert.equal(s.item(), 2.5);
  assert.equal(s.toArray(), 2.5);
  assert.deepEqual(tensor([]).shape, [0]);
  assert.deepEqual(tensor([[[1], [2]]]).shape, [1, 2, 1]);
});

Deno.test("tensor() rejects ragged arrays and says where", () => {
  assert.throws(
    () => tensor([[1, 2], [3]]),
    /ragged array at values\[1\] \(expected an array of length 2, got length 1\)/,
  );
  assert.throws(() => tensor([[1, 2], 3] as unknown as number[][]), /ragged array at values\[1\]/);
});

Deno.test("fromData() wraps without copying and checks the size", () => {
  const d = new Float64Array([1, 2, 3, 4]);
  const t = fromData(d, [2, 2]);
  assert.equal(t.data, d);
  assert.throws(() => fromData(d, [3]), /shape \[3\] holds 3 elements but the data has 4/);
  assert.throws(() => fromData(d, [2, -2]), /invalid shape \[2,-2\]/);
});

Deno.test("creation helpers make the documented values", () => {
  assert.deepEqual(zeros([2, 1]).toArray(), [[0], [0]]);
  assert.deepEqual(ones(2).toArray(), [1, 1]);
  assert.deepEqual(full([2], -3).toArray(), [-3, -3]);
  assert.deepEqual(eye(3).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.deepEqual(arange(3).toArray(), [0, 1, 2]);
  assert.deepEqual(arange(2, 5).toArray(), [2, 3, 4]);
  assert.deepEqual(arange(5, 0, -2).toArray(), [5, 3, 1]);
  assert.throws(() => arange(0, 1, 0), /invalid step: 0/);
  assert.deepEqual(linspace(-1, 1, 3).toArray(), [-1, 0, 1]);
  assert.deepEqual(linspace(2, 3, 1).toArray(), [2]);
  assert.equal(linspace(0, 0.3, 7).data[6], 0.3);
});

Deno.test("randn() and rand() are reproducible from the seed", () => {
  assert.deepEqual(randn([3, 2], new Rng(5)).toArray(), randn([3, 2], new Rng(5)).toArray());
  assert.notDeepEqual(randn(4, new Rng(5)).toArray(), randn(4, new Rng(6)).toArray());
  const u = rand(1000, new Rng(1));
  assert.ok(u.data.every((v) => v >= 0 && v < 1));
});

Deno.test("item() explains how to get a single number out of a larger tensor", () => {
  assert.throws(
    () => zeros([2, 2]).item(),
    /item\(\) needs a tensor with exactly one element, got shape \[2,2\] \(4 elements\): reduce it first/,
  );
  assert.equal(tensor([[7]]).item(), 7);
});

Deno.test("Tensor methods mirror the free functions", () => {
  const a = tensor([[1, -2], [3, 4]]);
  assert.deepEqual(a.T.toArray(), [[1, 3], [-2, 4]]);
  assert.deepEqual(a.square().sqrt().toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(a.relu().max(0).toArray(), [3, 4]);
  assert.deepEqual(a.min(1).toArray(), [-2, 3]);
  assert.deepEqual(a.slice(1, 2).toArray(), [[3, 4]]);
  assert.deepEqual(a.gather([1, 1]).toArray(), [[3, 4], [3, 4]]);
  assert.deepEqual(a.at(0).toArray(), [1, -2]);
  assert.deepEqual(a.maximum(0).minimum(3).toArray(), [[1, 0], [3, 3]]);
  assert.deepEqual(a.reshape([-1]).toArray(), [1, -2, 3, 4]);
  assert.equal(a.mean().item(), 1.5);
  assert.ok(a.toString().startsWith("Tensor([[1, -2], [3, 4]], shape [2, 2]"));
  assert.ok(new Tensor(new Float64Array(200), [200]).toString().includes("200 values"));
});
