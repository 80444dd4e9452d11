/**
 * Graph helpers shared by the two compilers ({@link compileValueAndGrad} in compile.ts and
 * {@link compileTape} in tape.ts): the order in which to replay a traced graph, and where each
 * element of a reduction lands.
 *
 * @module
 */

import type { Tensor } from "./tensor.ts";

/**
 * Every tensor the roots depend on, each after its inputs (post-order depth-first, iterative so
 * deep graphs do not overflow the stack). Roots visited earlier come first; shared nodes appear
 * once. To extend an order with more roots, pass the same `order` and `seen` again: only the
 * tensors not yet seen are appended.
 *
 * @example Inputs before the ops that use them
 * ```ts
 * import { postOrder } from "./graph.ts";
 * import { tensor } from "./tensor.ts";
 * import { grad } from "./grad.ts";
 * let order: number[] = [];
 * grad((x) => {
 *   const y = x.mul(x).sum();
 *   order = postOrder([y]).map((t) => t.size);
 *   return y;
 * })(tensor([1, 2]));
 * console.log(order.at(-1)); // 1 (the scalar root comes last)
 * ```
 */
export function postOrder(
  roots: readonly Tensor[],
  order: Tensor[] = [],
  seen: Set<Tensor> = new Set(),
): Tensor[] {
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    const stack: [Tensor, number][] = [[root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ins = top[0].node?.inputs ?? [];
      if (top[1] < ins.length) {
        const p = ins[top[1]++];
        if (!seen.has(p)) {
          seen.add(p);
          stack.push([p, 0]);
        }
      } else {
        stack.pop();
        order.push(top[0]);
      }
    }
  }
  return order;
}

/**
 * For each flat index of `shape`, the flat index of its slot after summing (or maximising) over
 * `axes` with keepdims: the scatter map of a reduction.
 *
 * @example Row sums of a 2×3 matrix
 * ```ts
 * import { reduceMap } from "./graph.ts";
 * console.log(Array.from(reduceMap([2, 3], [1]))); // [0, 0, 0, 1, 1, 1]
 * ```
 */
export function reduceMap(shape: readonly number[], axes: readonly number[]): Int32Array {
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const n = shape.reduce((p, d) => p * d, 1);
  const map = new Int32Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let dst = 0;
    for (let ax = 0; ax < shape.length; ax++) {
      dst = dst * keep[ax] + (axes.includes(ax) ? 0 : idx[ax]);
    }
    map[k] = dst;
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < shape[ax]) break;
      idx[ax] = 0;
    }
  }
  return map;
}
