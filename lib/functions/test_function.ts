/**
 * The record every test function is: what experiments and plots read instead of hard-coding
 * windows, start points and minima (d2l's counter-example).
 *
 * @module
 */

import {
  compileValueAndGrad,
  grad,
  hvp as autodiffHvp,
  type Tensor,
  valueAndGrad as autodiffValueAndGrad,
} from "../autodiff/mod.ts";
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
  /** The gradient at a point, by reverse-mode autodiff through `f` (the compiled trace). */
  grad: (p: readonly number[]) => number[];
  /**
   * [f(p), ∇f(p)] by the library's autodiff, through a trace of `f` compiled on first use
   * (`compileValueAndGrad`): tens of nanoseconds per call instead of microseconds. With this
   * method a record is a `Differentiable`, so `minimize`, `optimStep` and `runOptimizer` take
   * the fast path when given the record itself.
   */
  valueAndGrad: (p: readonly number[]) => [number, number[]];
  /**
   * The Hessian-vector product H(p) v by the autodiff (∇ₚ(∇f(p)·v)), also compiled on first use;
   * what AdaHessian asks for.
   */
  hvp: (p: readonly number[], v: readonly number[]) => number[];
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
  extends Omit<TestFunction2D, "f" | "value" | Derived | "dim" | "logScale"> {
  /** The formula on scalar tensors x and y. */
  tensor: (x: Tensor, y: Tensor) => Tensor;
  /** The same formula on numbers. */
  number: (x: number, y: number) => number;
  logScale?: boolean;
}

/** What {@link testFunction1D} needs. */
export interface TestFunction1DSpec
  extends Omit<TestFunction1D, "f" | "value" | Derived | "dim" | "logScale"> {
  /** The formula on a scalar tensor x. */
  tensor: (x: Tensor) => Tensor;
  /** The same formula on a number. */
  number: (x: number) => number;
  logScale?: boolean;
}

/** The derivative methods a record builds from its formula. */
type Derived = "grad" | "valueAndGrad" | "hvp";

/**
 * The derivatives of a record, all from the library's autodiff: `f` on tensors is traced once,
 * on first use, and compiled into straight-line JavaScript for the value and gradient, and a
 * second time for the Hessian-vector product (the trace of ∇f(p)·v, whose gradient with respect
 * to (p, v) is (H v, ∇f(p))). Should compiling ever fail, the dynamic autodiff is used instead.
 */
function derivatives(f: (p: Tensor) => Tensor, dim: number, name: string) {
  type VG = (x: ArrayLike<number>) => [number, number[]];
  let vg: VG | undefined,
    hv: ((p: readonly number[], v: readonly number[]) => number[]) | undefined;
  const example = new Array<number>(dim).fill(0.5);
  const compiledVG = (): VG => {
    if (vg) return vg;
    try {
      vg = compileValueAndGrad(f, example);
    } catch {
      const dynamic = autodiffValueAndGrad(f);
      vg = (x) => {
        const [v, g] = dynamic(Array.from(x));
        return [v, g];
      };
    }
    return vg;
  };
  const compiledHvp = () => {
    if (hv) return hv;
    try {
      const g = grad(f);
      // w = (p, v): the gradient of ∇f(p)·v with respect to w is (H(p) v, ∇f(p)).
      const dot = (w: Tensor) => g(w.slice(0, dim, 0)).mul(w.slice(dim, 2 * dim, 0)).sum();
      const c = compileValueAndGrad(dot, new Array<number>(2 * dim).fill(0.5));
      const w = new Array<number>(2 * dim);
      const out = new Array<number>(2 * dim);
      hv = (p, v) => {
        for (let i = 0; i < dim; i++) {
          w[i] = p[i];
          w[dim + i] = v[i];
        }
        c.into(w, out);
        return out.slice(0, dim);
      };
    } catch {
      const dynamic = autodiffHvp(f);
      hv = (p, v) => dynamic([...p], [...v]);
    }
    return hv;
  };
  return {
    valueAndGrad: (p: readonly number[]): [number, number[]] => {
      checkPoint(p, dim, name);
      return compiledVG()(p);
    },
    grad: (p: readonly number[]): number[] => {
      checkPoint(p, dim, name);
      return compiledVG()(p)[1];
    },
    hvp: (p: readonly number[], v: readonly number[]): number[] => {
      checkPoint(p, dim, name);
      checkPoint(v, dim, `${name} (the vector v of hvp)`);
      return compiledHvp()(p, v);
    },
  };
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
 * // Compiled on first use, so a record can drive an optimizer directly:
 * console.log(bowl.valueAndGrad([1, 2]), bowl.hvp([1, 2], [1, 0])); // [5, [2, 4]] [2, 0]
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
  const d = derivatives((p: Tensor) => f(p), 2, facts.name);
  return {
    ...facts,
    dim: 2,
    f,
    value,
    grad: (p) => {
      const g = d.grad(p);
      return [g[0], g[1]];
    },
    valueAndGrad: d.valueAndGrad,
    hvp: d.hvp,
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
  const d = derivatives((p: Tensor) => f(p), 1, facts.name);
  return {
    ...facts,
    dim: 1,
    f,
    value,
    grad: d.grad,
    valueAndGrad: d.valueAndGrad,
    hvp: d.hvp,
    logScale,
  };
}
