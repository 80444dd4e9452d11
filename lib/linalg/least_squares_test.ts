import assert from "node:assert/strict";
import { grad, tensor } from "../autodiff/mod.ts";
import { linearRegression } from "../models/mod.ts";
import { Rng } from "../random.ts";
import { leastSquares } from "./least_squares.ts";

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

Deno.test("leastSquares() fits simple regression's closed form slope = cov/var", () => {
  const rng = new Rng(4);
  const xs = Array.from({ length: 40 }, () => rng.normal());
  const ys = xs.map((x) => 3 * x - 2 + 0.5 * rng.normal());
  const mx = xs.reduce((a, b) => a + b) / 40, my = ys.reduce((a, b) => a + b) / 40;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) /
    xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const fit = leastSquares(tensor(xs.map((x) => [x])), tensor(ys));
  close(fit.w[0], slope, 1e-12, "slope");
  close(fit.b, my - slope * mx, 1e-12, "intercept");
});

Deno.test("leastSquares() zeroes linearRegression's gradient; its Hessian is 2/M ZᵀZ", () => {
  const rng = new Rng(2);
  const X = tensor(Array.from({ length: 30 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const y = tensor(Array.from({ length: 30 }, () => rng.normal()));
  const fit = leastSquares(X, y);
  const model = linearRegression({ inputs: 3 });
  const params = { w: tensor(fit.w), b: tensor(fit.b) };
  close(model.loss(params, X, y).item(), fit.loss, 1e-12, "J*");
  const g = grad((p: typeof params) => model.loss(p, X, y))(params);
  for (const v of [...g.w.data, g.b.item()]) close(v, 0, 1e-12, "gradient at the minimum");
  // H[b][b] = (2/M) Σ 1 = 2, and H is symmetric
  close(fit.hessian[3][3], 2, 1e-12, "H[b][b]");
  fit.hessian.forEach((row, i) =>
    row.forEach((h, j) => close(h, fit.hessian[j][i], 0, "symmetry"))
  );
});
