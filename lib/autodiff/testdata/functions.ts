/**
 * Test functions written with tensor ops, shared by the autodiff tests and benchmarks.
 *
 * @module
 */

import type { Tensor } from "../tensor.ts";

/**
 * Beale's function, written as the notebooks write it.
 *
 * @example Usage
 * ```ts
 * import { tensor } from "../mod.ts";
 * import { beale } from "./functions.ts";
 * console.log(beale(tensor([3, 0.5])).item()); // 0
 * ```
 */
export function beale(p: Tensor): Tensor {
  const [x, y] = p.unbind();
  return x.mul(y).sub(x).add(1.5).square()
    .add(x.mul(y.square()).sub(x).add(2.25).square())
    .add(x.mul(y.pow(3)).sub(x).add(2.625).square());
}

/**
 * Rosenbrock's function (1 − x)² + 100 (y − x²)².
 *
 * @example Usage
 * ```ts
 * import { tensor } from "../mod.ts";
 * import { rosenbrock } from "./functions.ts";
 * console.log(rosenbrock(tensor([1, 1])).item()); // 0
 * ```
 */
export function rosenbrock(p: Tensor): Tensor {
  const [x, y] = p.unbind();
  return x.neg().add(1).square().add(y.sub(x.square()).square().mul(100));
}
