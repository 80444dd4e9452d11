/**
 * Fixed test surfaces for the plot snapshots, kept here (not imported from `lib/functions/`) so a
 * change to the course's test functions does not churn the plot snapshots.
 *
 * @module
 */

import type { Surface } from "../landscape.ts";

/**
 * Beale's function, minimum 0 at (3, 0.5); values up to ~10⁵ over the window.
 *
 * @example
 * ```ts
 * import { beale } from "./surfaces.ts";
 * console.log(beale.value!([3, 0.5])); // 0
 * ```
 */
export const beale: Surface = {
  name: "Beale",
  domain: [[-4.5, 4.5], [-4.5, 4.5]],
  minima: [[3, 0.5]],
  value: ([x, y]) =>
    (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2,
};

/**
 * Himmelblau's function: four minima of value 0.
 *
 * @example
 * ```ts
 * import { himmelblau } from "./surfaces.ts";
 * console.log(himmelblau.value!([3, 2])); // 0
 * ```
 */
export const himmelblau: Surface = {
  name: "Himmelblau",
  domain: [[-5, 5], [-5, 5]],
  minima: [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]],
  value: ([x, y]) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
};

/**
 * The saddle x² − y².
 *
 * @example
 * ```ts
 * import { saddle } from "./surfaces.ts";
 * console.log(saddle.value!([1, 2])); // -3
 * ```
 */
export const saddle: Surface = {
  name: "saddle x² − y²",
  domain: [[-2, 2], [-2, 2]],
  minima: [],
  saddles: [[0, 0]],
  value: ([x, y]) => x * x - y * y,
};

/**
 * (x² + 10 y²) / 2 with its gradient, for running gradient descent in tests.
 *
 * @example
 * ```ts
 * import { bowl } from "./surfaces.ts";
 * console.log(bowl.grad([1, 1])); // [1, 10]
 * ```
 */
export const bowl = {
  name: "quadratic (κ = 10)",
  domain: [[-4, 4], [-2, 2]] as [[number, number], [number, number]],
  minima: [[0, 0]] as [number, number][],
  value: ([x, y]: [number, number]): number => 0.5 * (x * x + 10 * y * y),
  grad: ([x, y]: readonly number[]): [number, number] => [x, 10 * y],
};

/**
 * Plain gradient descent on {@link bowl}: the iterates as [x, y] pairs, start included.
 *
 * @example
 * ```ts
 * import { descend } from "./surfaces.ts";
 * console.log(descend(0.1, 1, [1, 1])); // [[1, 1], [0.9, 0]]
 * ```
 */
export function descend(alpha: number, steps: number, start: [number, number]): [number, number][] {
  const path: [number, number][] = [start];
  for (let t = 0; t < steps; t++) {
    const [x, y] = path[path.length - 1];
    const [gx, gy] = bowl.grad([x, y]);
    path.push([x - alpha * gx, y - alpha * gy]);
  }
  return path;
}
