/**
 * The record every test function is: what experiments and plots read instead of hard-coding
 * windows, start points and minima (d2l's counter-example).
 *
 * @module
 */

import { grad, type Tensor, tensor } from "../autodiff/mod.ts";
import { Tensor as TensorClass } from "../autodiff/tensor.ts";

/** A point in the plane. */
export type Point2 = [number, number];

/**
 * The function of a test-function record. Called with a Tensor of shape [dim] it returns a scalar
 * Tensor built from autodiff ops, so `grad(fn.f)` works; called with a plain array it returns the
 * number (the same as `fn.value`).
 */
export interface Objective {
  (p: readonly number[]): number;
  (p: Tensor): Tensor;
}

/** What every test function record has, whatever its dimension. */
export interface TestFunction {
  /** Short name shown in titles and legends. */
  name: string;
  /** Number of coordinates (1 or 2). */
  dim: number;
  /** The function: autodiff on a Tensor, a number on a plain array. */
  f: Objective;
  /** Fast plain evaluation at a point, for drawing landscapes on grids. */
  value: (p: readonly number[]) => number;
  /** The gradient at a point, by reverse-mode autodiff through `f`. */
  grad: (p: readonly number[]) => number[];
  /** The window a plot shows: one [min, max] per coordinate. */
  domain: [number, number][];
  /** Known minimisers, global ones first (all of them where there are several). */
  minima: number[][];
  /** The smallest value (at `minima[0]`), or -Infinity when unbounded below. */
  fmin: number;
  /** Known saddle points, if any. */
  saddles?: number[][];
  /** Known local maximisers, if any. */
  maxima?: number[][];
  /** A suggested starting point that shows what makes the function hard. */
  start: number[];
  /** What makes it hard. */
  note: string;
  /** Whether the values span orders of magnitude (plots should use log-spaced contour levels). */
  logScale: boolean;
}

/** A 2-D test function: coordinates (x, y). */
export interface TestFunction2D extends TestFunction {
  dim: 2;
  grad: (p: readonly number[]) => Point2;
  domain: [[number, number], [number, number]];
  minima: Point2[];
  saddles?: Point2[];
  maxima?: Point2[];
  start: Point2;
}

/** A 1-D test function: points are one-element arrays [x]. */
export interface TestFunction1D extends TestFunction {
  dim: 1;
  domain: [[number, number]];
  minima: [number][];
  saddles?: [number][];
  maxima?: [number][];
  start: [number];
}

/** What {@link testFunction2D} needs: the formula twice (tensors and numbers) and the facts. */
export interface TestFunction2DSpec
  extends Omit<TestFunction2D, "f" | "value" | "grad" | "dim" | "logScale"> {
  /** The formula on scalar tensors x and y. */
  tensor: (x: Tensor, y: Tensor) => Tensor;
  /** The same formula on numbers. */
  number: (x: number, y: number) => number;
  logScale?: boolean;
}

/** What {@link testFunction1D} needs. */
export interface TestFunction1DSpec
  extends Omit<TestFunction1D, "f" | "value" | "grad" | "dim" | "logScale"> {
  /** The formula on a scalar tensor x. */
  tensor: (x: Tensor) => Tensor;
  /** The same formula on a number. */
  number: (x: number) => number;
  logScale?: boolean;
}

function checkPoint(p: readonly number[] | Tensor, dim: number, name: string): void {
  const n = p instanceof TensorClass ? p.size : p.length;
  if (n !== dim) {
    const got = p instanceof TensorClass ? `a tensor of shape [${p.shape}]` : `[${p}]`;
    throw new Error(`${name}: expected a point with ${dim} coordinate(s), got ${got}`);
  }
}

/**
 * Builds a 2-D test-function record from its formula on tensors and on numbers.
 *
 * @example A bowl
 * ```ts
 * import { testFunction2D } from "./test_function.ts";
 * const bowl = testFunction2D({
 *   name: "bowl",
 *   tensor: (x, y) => x.square().add(y.square()),
 *   number: (x, y) => x * x + y * y,
 *   domain: [[-1, 1], [-1, 1]],
 *   minima: [[0, 0]],
 *   fmin: 0,
 *   start: [1, 1],
 *   note: "easy",
 * });
 * console.log(bowl.value([1, 2]), bowl.grad([1, 2])); // 5 [2, 4]
 * ```
 */
export function testFunction2D(spec: TestFunction2DSpec): TestFunction2D {
  const { tensor: onTensor, number: onNumber, logScale = false, ...facts } = spec;
  const value = (p: readonly number[]): number => {
    checkPoint(p, 2, facts.name);
    return onNumber(p[0], p[1]);
  };
  const f = ((p: readonly number[] | Tensor) => {
    if (!(p instanceof TensorClass)) return value(p);
    checkPoint(p, 2, facts.name);
    const [x, y] = p.reshape([2]).unbind();
    return onTensor(x, y);
  }) as Objective;
  const g = grad((p: Tensor) => f(p));
  return {
    ...facts,
    dim: 2,
    f,
    value,
    grad: (p) => {
      checkPoint(p, 2, facts.name);
      const d = g(tensor([p[0], p[1]])).data;
      return [d[0], d[1]];
    },
    logScale,
  };
}

/**
 * Builds a 1-D test-function record from its formula on tensors and on numbers.
 *
 * @example A parabola
 * ```ts
 * import { testFunction1D } from "./test_function.ts";
 * const p = testFunction1D({
 *   name: "parabola",
 *   tensor: (x) => x.square(),
 *   number: (x) => x * x,
 *   domain: [[-1, 1]],
 *   minima: [[0]],
 *   fmin: 0,
 *   start: [1],
 *   note: "easy",
 * });
 * console.log(p.value([3]), p.grad([3])); // 9 [6]
 * ```
 */
export function testFunction1D(spec: TestFunction1DSpec): TestFunction1D {
  const { tensor: onTensor, number: onNumber, logScale = false, ...facts } = spec;
  const value = (p: readonly number[]): number => {
    checkPoint(p, 1, facts.name);
    return onNumber(p[0]);
  };
  const f = ((p: readonly number[] | Tensor) => {
    if (!(p instanceof TensorClass)) return value(p);
    checkPoint(p, 1, facts.name);
    return onTensor(p.reshape([]));
  }) as Objective;
  const g = grad((p: Tensor) => f(p));
  return {
    ...facts,
    dim: 1,
    f,
    value,
    grad: (p) => {
      checkPoint(p, 1, facts.name);
      return [g(tensor([p[0]])).data[0]];
    },
    logScale,
  };
}
