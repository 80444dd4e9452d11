/**
 * Reverse-mode automatic differentiation on float64 tensors, written to be read next to the
 * lecture. The API in one screen:
 *
 * - **Tensors** (`tensor.ts`): `tensor(nested)`, `fromData(Float64Array, shape)`, `zeros`, `ones`,
 *   `full`, `eye`, `arange`, `linspace`, `randn(shape, rng)`, `rand(shape, rng)`; a `Tensor` has
 *   `data`, `shape`, `size`, `ndim`, `item()`, `toArray()` and every op as a method.
 * - **Ops** (`ops.ts`, each primitive's forward next to its backward rule), NumPy broadcasting,
 *   numbers accepted wherever a tensor is: `add sub mul div pow neg square exp log sqrt abs sin
 *   cos tanh sigmoid relu softplus maximum minimum where`, `matmul` (2-D, vectors, batched),
 *   `sum mean max min` over axes with `keepdims`, `reshape transpose slice gather at unbind concat
 *   stack broadcastTo sumTo detach`, and the losses `mse logisticLoss logSoftmax softmax logSumExp
 *   softmaxCrossEntropy`.
 * - **Gradients** (`grad.ts`): `grad(f)(x)`, `valueAndGrad(f)(x)`, `hvp(f)(x, v)`, `hessian(f)(x)`,
 *   `jacobian(f)(x)`, where `x` is a number, a `number[]`, a `Tensor` or a record of Tensors and
 *   the gradient mirrors it. Nested calls differentiate the backward pass (`grad(grad(f))`).
 * - **Compiled gradients** (`compile.ts`): `compileValueAndGrad(f, example)` traces a small
 *   function once and generates straight-line JavaScript for its value and gradient (the fast
 *   path for the 2-D test functions).
 * - **Compiled tapes** (`tape.ts`): `compileTape(f, example, params, { hvp })` traces a
 *   fixed-shape loss of named tensors (a model's parameters and a batch) once, with its backward
 *   pass and optionally the double backward, and replays every step on preallocated buffers:
 *   `tape.set(name, values)`, `tape.valueAndGrad()`, `tape.grad(name)`, v into
 *   `tape.direction(name)`, `tape.hvp()`, `tape.hv(name)` (the fast path for training a small
 *   network; no branching on tensor values, unsupported ops throw).
 * - **Debugging**: `setDebugNans(true)` throws at the first op that makes a NaN or ±Infinity;
 *   `noGrad(fn)` runs without recording a graph.
 *
 * @example A gradient step on a least-squares loss
 * ```ts
 * import { grad, noGrad, tensor, type Tensor } from "./mod.ts";
 * const X = tensor([[1, 0], [0, 1], [1, 1]]), y = tensor([1, 2, 3]);
 * const loss = (w: Tensor) => X.matmul(w).sub(y).square().mean();
 * let w = tensor([0, 0]);
 * for (let t = 0; t < 200; t++) w = noGrad(() => w.sub(grad(loss)(w).mul(0.5)));
 * console.log(Array.from(w.data, (v) => v.toFixed(3))); // ["1.000", "2.000"]
 * ```
 *
 * @module
 */

export * from "./tensor.ts";
export * from "./ops.ts";
export * from "./grad.ts";
export * from "./compile.ts";
export * from "./tape.ts";
