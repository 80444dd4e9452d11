/**
 * Parameter trees: what the optimizers accept as parameters, gradients and state entries, and
 * the small helpers that take them apart into flat leaves and put them back together.
 *
 * A tree is a {@link Tensor}, a plain `number[]`, or a record of named tensors. Its leaves are the
 * flat arrays the update loops read: a tensor's `data`, the `number[]` itself, or each record
 * entry's `data` in the key order of the parameters. Results are built with the same structure
 * (and the same shapes) as the parameters, so a state entry such as Adam's `r` can be plotted
 * exactly like the parameters.
 *
 * @module
 */

import type { Params } from "../autodiff/grad.ts";
import { alloc } from "../autodiff/memory.ts";
import { Tensor } from "../autodiff/tensor.ts";

/** The parameter structures every optimizer accepts (the autodiff's): Tensor, number[] or a record. */
export type { Params };

/** One flat leaf of a tree: a tensor's data or a plain number array. */
export type Leaf = Float64Array | number[];

function keysOf(like: Record<string, Tensor>): string[] {
  return Object.keys(like);
}

/**
 * The flat leaves of `tree`, in the order given by the structure of `like` (default: `tree`
 * itself). No copy: the leaves are the tree's own arrays, so treat them as read-only.
 *
 * @example The leaves of a record of tensors
 * ```ts
 * import { leaves } from "./tree.ts";
 * import { tensor } from "../autodiff/tensor.ts";
 * console.log(leaves({ w: tensor([1, 2]), b: tensor(3) }).map((l) => l.length)); // [2, 1]
 * ```
 */
export function leaves(tree: Params, like: Params = tree): Leaf[] {
  if (like instanceof Tensor) {
    if (!(tree instanceof Tensor) || tree.data.length !== like.data.length) mismatch(tree, like);
    return [(tree as Tensor).data];
  }
  if (Array.isArray(like)) {
    if (!Array.isArray(tree) || tree.length !== like.length) mismatch(tree, like);
    return [tree as number[]];
  }
  const rec = tree as Record<string, Tensor>;
  const keys = keysOf(like);
  const out: Leaf[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const t = rec[keys[i]];
    if (!(t instanceof Tensor) || t.data.length !== like[keys[i]].data.length) mismatch(tree, like);
    out[i] = t.data;
  }
  return out;
}

function describe(p: unknown): string {
  if (p instanceof Tensor) return `Tensor of shape [${p.shape}]`;
  if (Array.isArray(p)) return `number[${p.length}]`;
  if (p !== null && typeof p === "object") return `record {${Object.keys(p).join(", ")}}`;
  return String(p);
}

function mismatch(tree: unknown, like: unknown): never {
  throw new TypeError(
    `Tree structure mismatch: got ${describe(tree)} where the parameters are ${describe(like)} ` +
      `(gradients and state must have the parameters' structure and sizes)`,
  );
}

/**
 * Builds a tree with the structure of `like` from flat leaves (no copy). A `number[]` tree takes
 * `number[]` leaves, tensors take Float64Array leaves (as made by {@link emptyLeaf}).
 *
 * @example Rebuilding a tensor of shape [1, 2]
 * ```ts
 * import { build } from "./tree.ts";
 * import { tensor } from "../autodiff/tensor.ts";
 * const t = build(tensor([[0, 0]]), [new Float64Array([1, 2])]);
 * console.log(t.shape, Array.from(t.data)); // [1, 2] [1, 2]
 * ```
 */
export function build<P extends Params>(like: P, ls: readonly Leaf[]): P {
  if (like instanceof Tensor) return new Tensor(ls[0] as Float64Array, like.shape) as P;
  if (Array.isArray(like)) return ls[0] as P;
  const rec = like as Record<string, Tensor>;
  const out: Record<string, Tensor> = {};
  let i = 0;
  for (const k in rec) out[k] = new Tensor(ls[i++] as Float64Array, rec[k].shape);
  return out as P;
}

/**
 * A fresh zero-filled leaf of the same kind and length as `leaf`.
 *
 * @example A zero leaf like a number[]
 * ```ts
 * import { emptyLeaf } from "./tree.ts";
 * console.log(emptyLeaf([1, 2, 3])); // [0, 0, 0]
 * ```
 */
export function emptyLeaf(leaf: Leaf): Leaf {
  const typed = leaf instanceof Float64Array, n = leaf.length;
  const spare = (typed ? spareTyped : spareArrays).get(n);
  const out = spare !== undefined && spare.length > 0
    ? spare.pop()!.fill(0) // see recycle
    : typed
    ? alloc(n) // small typed arrays come from the autodiff's slabs: `new Float64Array` costs ~1 µs
    : zeroArray(n);
  drawn?.push(out);
  return out;
}

// The leaves emptyLeaf handed out inside recycleStep (null outside it).
let drawn: Leaf[] | null = null;

// Zero arrays are copied from per-length templates whose elements are already stored as doubles:
// `new Array(n).fill(0)` holds small integers, and the first non-integer written into it makes V8
// reallocate the whole backing store (for 4,810 entries that made an Adam step 10× slower).
const templates: number[][] = [];

function zeroArray(n: number): number[] {
  let t = templates[n];
  if (t === undefined) t = templates[n] = Array.from({ length: n }, () => 0.5).fill(0);
  return t.slice();
}

// Leaves handed back by recycle, by kind and length: emptyLeaf takes them before allocating.
const spareArrays = new Map<number, Leaf[]>();
const spareTyped = new Map<number, Leaf[]>();
const SPARES = 16; // per kind and length: more would only pin memory

function eachLeaf(x: unknown, visit: (l: Leaf) => void, depth = 0): void {
  if (x instanceof Tensor) visit(x.data);
  else if (x instanceof Float64Array) visit(x);
  else if (Array.isArray(x)) {
    if (x.length > 0 && typeof x[0] === "number") visit(x as number[]);
  } else if (depth < 2 && x !== null && typeof x === "object") {
    if (Object.getPrototypeOf(x) !== Object.prototype) return; // only plain records and states
    for (const v of Object.values(x)) eachLeaf(v, visit, depth + 1);
  }
}

/**
 * In-place plumbing for training loops that keep only the latest iterate: hands the leaves of
 * `dead` (parameter trees or optimizer states that nothing will read again) back to
 * {@link emptyLeaf}, so the next step writes into them instead of allocating. Leaves that also
 * appear in `live` (an entry a state carried over unchanged, the gradient buffers) are kept. The
 * optimizers stay pure and unchanged: only the memory their fresh leaves come from is reused.
 * The caller must own `dead`: never pass parameters someone else may still hold (a model's
 * initial parameters, an `onStep` callback's records).
 *
 * @example Two Adam steps, the second writing into the first's leaves
 * ```ts
 * import { adam } from "./adam.ts";
 * import { recycle } from "./tree.ts";
 * const opt = adam({ alpha: 0.1 });
 * const p0 = [1, -2], s0 = opt.init(p0);
 * const one = opt.step(p0, [2, -4], s0);
 * const two = opt.step(one.params, [1, 1], one.state);
 * recycle([one.params, one.state], [two.params, two.state]);
 * const three = opt.step(two.params, [1, 1], two.state);
 * const reused = new Set([one.params, one.state.s, one.state.r]);
 * console.log([three.params, three.state.s, three.state.r].every((l) => reused.has(l))); // true
 * ```
 */
export function recycle(dead: readonly unknown[], live: readonly unknown[]): void {
  const keep = new Set<Leaf>();
  for (const x of live) eachLeaf(x, (l) => keep.add(l));
  for (const x of dead) {
    eachLeaf(x, (l) => {
      if (keep.has(l)) return;
      keep.add(l); // once only, even if two entries share it
      const pool = l instanceof Float64Array ? spareTyped : spareArrays;
      let spare = pool.get(l.length);
      if (spare === undefined) pool.set(l.length, spare = []);
      if (spare.length < SPARES) spare.push(l);
    });
  }
}

/**
 * One optimizer step with in-place plumbing: runs `step` (e.g. `() => optimStep(...)`) and then
 * {@link recycle}s the leaves of `dead` (the step's inputs, when nothing else holds them) together
 * with every leaf the step drew from {@link emptyLeaf} that its result does not hold (AdaHessian's
 * Rademacher vector and Hessian diagonal, Nesterov's look-ahead point). The result's `params`,
 * `state` and `grads` stay live. Training loops that keep only the latest iterate call this.
 *
 * @example A loop that allocates nothing after its first two steps
 * ```ts
 * import { adam } from "./adam.ts";
 * import { recycleStep } from "./tree.ts";
 * import { tensor } from "../autodiff/tensor.ts";
 * const opt = adam({ alpha: 0.1 });
 * let params = tensor([1, -2]), state = opt.init(params);
 * const seen = new Set<Float64Array>();
 * for (let i = 0; i < 10; i++) {
 *   const grads = params.mul(2); // the gradient of x² + y²
 *   ({ params, state } = recycleStep(i > 0 ? [params, state] : [], () => ({
 *     ...opt.step(params, grads, state),
 *     grads,
 *   })));
 *   seen.add(params.data);
 * }
 * console.log(seen.size <= 6, Math.hypot(...params.data) < 2); // true true (6 leaves in turn)
 * ```
 */
export function recycleStep<R extends { params: unknown; state: unknown; grads?: unknown }>(
  dead: readonly unknown[],
  step: () => R,
): R {
  const outer = drawn;
  drawn = [];
  try {
    const r = step();
    recycle([...dead, ...drawn], [r.params, r.state, r.grads]);
    return r;
  } finally {
    drawn = outer;
  }
}

/**
 * A tree shaped like `like`, every entry equal to `value` (0 by default): how optimizers make their
 * initial state.
 *
 * @example Initial state entries
 * ```ts
 * import { fullLike } from "./tree.ts";
 * console.log(fullLike([5, 6], 0.1)); // [0.1, 0.1]
 * ```
 */
export function fullLike<P extends Params>(like: P, value = 0): P {
  return build(
    like,
    leaves(like).map((l) => {
      const e = emptyLeaf(l);
      if (value !== 0) e.fill(value);
      return e;
    }),
  );
}

/**
 * A copy of a tree (fresh leaves, same structure and values).
 *
 * @example Copying parameters
 * ```ts
 * import { copyTree } from "./tree.ts";
 * const a = [1, 2];
 * const b = copyTree(a);
 * console.log(b, b !== a); // [1, 2] true
 * ```
 */
export function copyTree<P extends Params>(tree: P): P {
  return build(tree, leaves(tree).map((l) => l.slice()));
}

/**
 * The shapes of a tree's leaves: a tensor's shape, `[n]` for a `number[]`.
 *
 * @example The shape of a 4-D kernel
 * ```ts
 * import { leafShapes } from "./tree.ts";
 * import { zeros } from "../autodiff/tensor.ts";
 * console.log(leafShapes({ k: zeros([2, 1, 3, 3]) })); // [[2, 1, 3, 3]]
 * ```
 */
export function leafShapes(like: Params): (readonly number[])[] {
  if (like instanceof Tensor) return [like.shape];
  if (Array.isArray(like)) return [[like.length]];
  return Object.values(like).map((t) => t.shape);
}

/**
 * All entries of a tree in one flat `number[]` (leaves in order): handy for plotting a state entry.
 *
 * @example Plotting a record's entries as one vector
 * ```ts
 * import { flatten } from "./tree.ts";
 * import { tensor } from "../autodiff/tensor.ts";
 * console.log(flatten({ a: tensor([[1, 2]]), b: tensor(3) })); // [1, 2, 3]
 * ```
 */
export function flatten(tree: Params): number[] {
  const out: number[] = [];
  for (const l of leaves(tree)) for (let i = 0; i < l.length; i++) out.push(l[i]);
  return out;
}

/**
 * The update loop every optimizer is written with: for each leaf of `params`, reads the matching
 * leaves of `inputs` (all shaped like `params`), allocates `outputs` fresh leaves of the same size,
 * and lets `kernel` fill them with a plain loop. Returns the outputs as trees shaped like `params`.
 * `kernel` gets the input leaves (params first), the output leaves, and the leaf index.
 *
 * @example Gradient descent written with leafwise
 * ```ts
 * import { leafwise } from "./tree.ts";
 * const [theta1] = leafwise([1, 2], [[10, 20]], 1, ([theta, g], [out]) => {
 *   for (let i = 0; i < theta.length; i++) out[i] = theta[i] - 0.1 * g[i];
 * });
 * console.log(theta1); // [0, 0]
 * ```
 */
export function leafwise<P extends Params>(
  params: P,
  inputs: readonly Params[],
  outputs: number,
  kernel: (ins: Leaf[], outs: Leaf[], leaf: number) => void,
): P[] {
  // Fast path for the common single-leaf case (a number[] or one Tensor): no structure to walk.
  if (Array.isArray(params) || params instanceof Tensor) {
    const p = Array.isArray(params) ? params : (params as Tensor).data;
    const ins: Leaf[] = [p];
    for (let j = 0; j < inputs.length; j++) {
      const x = inputs[j];
      const leaf = Array.isArray(x) ? x : x instanceof Tensor ? x.data : null;
      if (leaf === null || leaf.length !== p.length || Array.isArray(x) !== Array.isArray(params)) {
        mismatch(x, params);
      }
      ins.push(leaf);
    }
    const outs: Leaf[] = [];
    for (let j = 0; j < outputs; j++) outs.push(emptyLeaf(p));
    kernel(ins, outs, 0);
    if (Array.isArray(params)) return outs as P[];
    const shape = (params as Tensor).shape;
    return outs.map((o) => new Tensor(o as Float64Array, shape) as P);
  }
  const P0 = leaves(params);
  const inLeaves: Leaf[][] = new Array(inputs.length);
  for (let j = 0; j < inputs.length; j++) inLeaves[j] = leaves(inputs[j], params);
  const outLeaves: Leaf[][] = new Array(outputs);
  for (let j = 0; j < outputs; j++) outLeaves[j] = new Array(P0.length);
  for (let k = 0; k < P0.length; k++) {
    const ins: Leaf[] = new Array(inputs.length + 1);
    ins[0] = P0[k];
    for (let j = 0; j < inputs.length; j++) ins[j + 1] = inLeaves[j][k];
    const outs: Leaf[] = new Array(outputs);
    for (let j = 0; j < outputs; j++) outs[j] = outLeaves[j][k] = emptyLeaf(P0[k]);
    kernel(ins, outs, k);
  }
  const result: P[] = new Array(outputs);
  for (let j = 0; j < outputs; j++) result[j] = build(params, outLeaves[j]);
  return result;
}
