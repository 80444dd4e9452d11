/**
 * Saddle points: the classic x² − y² and the degenerate monkey saddle.
 *
 * @module
 */

import { type TestFunction2D, testFunction2D } from "./test_function.ts";

/**
 * f(x, y) = x² − y²: a saddle at the origin, curving up along x and down along y (Hessian
 * diag(2, −2)). Unbounded below, so it has no minimum. Started on (or near) the x axis, gradient
 * descent slides into the saddle and leaves it only as fast as the tiny y offset grows.
 *
 * @example Flat at the origin, falling along y
 * ```ts
 * import { saddle } from "./saddle.ts";
 * console.log(saddle.grad([0, 0]), saddle.value([1, 2])); // [0, 0] -3
 * ```
 */
export const saddle: TestFunction2D = testFunction2D({
  name: "saddle x² − y²",
  tensor: (x, y) => x.square().sub(y.square()),
  number: (x, y) => x * x - y * y,
  domain: [[-2, 2], [-2, 2]],
  minima: [],
  fmin: -Infinity,
  saddles: [[0, 0]],
  start: [-1.5, 0.01],
  note: "from a start close to the x axis the gradient points almost straight at the saddle; " +
    "escaping along y takes many steps because the y offset starts tiny (symmetry breaking)",
});

/**
 * The monkey saddle f(x, y) = x³ − 3xy²: a degenerate saddle at the origin where the gradient
 * and the whole Hessian vanish, so the surface is flat around it (three valleys, three ridges).
 * Unbounded below. Gradient descent started on the positive x axis creeps towards the origin ever
 * more slowly (the gradient shrinks like the squared distance, so x falls like 1/t, not
 * geometrically); a tiny y offset then grows until the iterate escapes down one of the valleys,
 * where the cubic falls without bound (expect a divergence report there).
 *
 * @example Flat at the origin
 * ```ts
 * import { monkeySaddle } from "./saddle.ts";
 * console.log(monkeySaddle.grad([0, 0]), monkeySaddle.value([1, 1])); // [0, 0] -2
 * ```
 */
export const monkeySaddle: TestFunction2D = testFunction2D({
  name: "monkey saddle x³ − 3xy²",
  tensor: (x, y) => x.pow(3).sub(x.mul(y.square()).mul(3)),
  number: (x, y) => x * x * x - 3 * x * y * y,
  domain: [[-1.5, 1.5], [-1.5, 1.5]],
  minima: [],
  fmin: -Infinity,
  saddles: [[0, 0]],
  start: [1.2, 0.001],
  note: "a flat region: gradient and Hessian both vanish at the origin, so steps shrink to " +
    "nothing near it and second-order tests cannot tell it from a minimum; once past it, the " +
    "valleys fall without bound",
});
