/**
 * Speed of the autodiff engine: `deno bench lib/autodiff/autodiff_bench.ts`, or
 * `deno run lib/autodiff/autodiff_bench.ts` for a short report in µs per Beale gradient and
 * GFLOP/s of a matmul with its backward pass.
 *
 * @module
 */

import process from "node:process";
import { Rng } from "../random.ts";
import { compileValueAndGrad, grad, randn, type Tensor, valueAndGrad } from "./mod.ts";
import { beale } from "./testdata/functions.ts";

const bealeGrad = grad(beale);
const bealeCompiled = compileValueAndGrad(beale, [1, 1.5]);
const out = new Float64Array(2);
const rng = new Rng(0);
const A = randn([32, 64], rng), B = randn([64, 64], rng);
const matmulLoss = valueAndGrad((p: Record<string, Tensor>) => p.A.matmul(p.B).sum());
/** Multiply-adds of the forward product and the two backward products, times 2 flops each. */
const MATMUL_FLOPS = 3 * 2 * 32 * 64 * 64;

Deno.bench(
  "Beale gradient, dynamic tape: grad(beale)([x, y])",
  { group: "beale", baseline: true },
  () => {
    bealeGrad([1, 1.5]);
  },
);
Deno.bench("Beale value and gradient, compiled", { group: "beale" }, () => {
  bealeCompiled([1, 1.5]);
});
Deno.bench("Beale value and gradient, compiled, into a buffer", { group: "beale" }, () => {
  bealeCompiled.into([1, 1.5], out);
});
Deno.bench("matmul 32x64 @ 64x64 with backward", () => {
  matmulLoss({ A, B });
});

/**
 * Median wall-clock and CPU time per call in microseconds over `rounds` rounds of `n` calls. On a
 * shared, loaded machine the CPU time (user + system of this process) is the steadier figure.
 */
function median(fn: () => unknown, n: number, rounds = 9): { wall: number; cpu: number } {
  for (let i = 0; i < n; i++) fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage(), t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    wall.push(((performance.now() - t0) * 1000) / n);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / n);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[rounds >> 1];
  return { wall: mid(wall), cpu: mid(cpu) };
}

if (import.meta.main) {
  // Inputs vary from call to call so that nothing can be hoisted out of the loop.
  const p = [1, 1.5];
  let k = 0;
  const next = () => {
    p[0] = 1 + (k++ & 1023) * 1e-6;
    return p;
  };
  const ns = (t: { wall: number; cpu: number }) =>
    `${(t.wall * 1000).toFixed(0)} ns wall, ${(t.cpu * 1000).toFixed(0)} ns CPU`;
  const us = (t: { wall: number; cpu: number }) =>
    `${t.wall.toFixed(2)} µs wall, ${t.cpu.toFixed(2)} µs CPU`;
  const dyn = median(() => bealeGrad(next()), 20000);
  const comp = median(() => bealeCompiled(next()), 200000);
  const into = median(() => bealeCompiled.into(next(), out), 200000);
  const mm = median(() => matmulLoss({ A, B }), 300);
  const gf = (t: number) => (MATMUL_FLOPS / t / 1000).toFixed(2);
  console.log(`Beale gradient, dynamic tape:         ${us(dyn)}`);
  console.log(`Beale value+gradient, compiled:       ${ns(comp)}`);
  console.log(`Beale value+gradient, compiled, into: ${ns(into)}`);
  console.log(
    `matmul 32x64 @ 64x64 + backward:      ${us(mm)} = ${gf(mm.wall)} GFLOP/s wall, ${
      gf(mm.cpu)
    } GFLOP/s CPU`,
  );
}
