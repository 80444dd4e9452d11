import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { scalarFormulas } from "./ops.ts";
import { compileTape } from "./tape.ts";
import { Tensor, tensor } from "./tensor.ts";
import { wasmMatmul } from "./wasm_matmul.ts";
import { WASM_FORMULAS, type WasmOp, wasmTape } from "./wasm_tape.ts";

/** Numbers that find the corners: signed zeros, NaN, infinities, tiny, huge, ordinary. */
function awkward(rng: Rng, n: number): Float64Array {
  const special = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -2, 1e-300, -1e-300, 5e-324, 1e300];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = i < special.length ? special[i] : i % 3 === 0 ? rng.normal() * 30 : rng.normal();
  }
  return out;
}

/** The JavaScript formula of an op as a function (the oracle: what the JS kernels compute). */
function jsFormula(f: string, p?: number): (a: number, b: number) => number {
  if (f === "copy") return (a) => a;
  if (f === "powScalar") return p === 2 ? (a) => a * a : (a) => Math.pow(a, p!);
  return new Function("a", "b", `return ${scalarFormulas[f]("a", "b")};`) as (
    a: number,
    b: number,
  ) => number;
}

const same = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

Deno.test("wasmTape() computes every elementwise op but tanh bit for bit as the JavaScript formula, for each way of reading an input", () => {
  const n = 64, rng = new Rng(3);
  const k = wasmMatmul(8 * (5 * n) + 4 * n);
  const f = new Float64Array(k.memory.buffer);
  const A = 0, B = 8 * n, S = 16 * n, O = 24 * n, MAP = 40 * n; // byte offsets; S: a scalar
  const map = new Int32Array(k.memory.buffer, MAP, n);
  for (let i = 0; i < n; i++) map[i] = (i * 7) % 13; // reads the first 13 elements, as broadcasting
  const ops: [string, number | undefined][] = [
    ...[...WASM_FORMULAS].filter((x) => x !== "tanh").map((x) =>
      [x, undefined] as [string, undefined]
    ),
    ["powScalar", 2],
    ["powScalar", 3],
    ["powScalar", 0.5],
  ];
  let checked = 0;
  for (const [op, p] of ops) {
    const binary = !["copy", "powScalar"].includes(op) &&
      scalarFormulas[op]("a", "b").includes("b");
    const oracle = jsFormula(op, p);
    for (const pa of ["v", "s", "m"] as const) {
      for (const pb of binary ? (["v", "s", "m"] as const) : (["v"] as const)) {
        f.set(awkward(rng, n), A / 8);
        f.set(awkward(rng, n).reverse(), B / 8);
        f[S / 8] = rng.normal();
        const a = { kind: pa, at: pa === "s" ? S : A, map: MAP };
        const b = { kind: pb, at: B, map: MAP };
        const [run] = wasmTape(k, [[{
          kind: "map",
          f: op,
          p,
          out: O,
          n,
          a,
          b: binary ? b : undefined,
        }]]);
        f.fill(12345, O / 8, O / 8 + n);
        run();
        for (let i = 0; i < n; i++) {
          const read = (kind: string, at: number) =>
            kind === "v" ? f[at / 8 + i] : kind === "s" ? f[at / 8] : f[at / 8 + map[i]];
          const want = oracle(read(pa, a.at), read(pb, B));
          const got = f[O / 8 + i];
          assert.ok(
            same(got, want),
            `${op}(${pa}${binary ? `, ${pb}` : ""}) at ${i}: ${got} vs ${want}`,
          );
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 2000);
});

Deno.test("wasmTape() sums and maxima through an index map equal the plain loops", () => {
  const n = 50, outN = 7, rng = new Rng(4);
  const k = wasmMatmul(8 * (n + 2 * outN) + 4 * n);
  const f = new Float64Array(k.memory.buffer);
  const A = 0, O = 8 * n, MAP = 8 * (n + 2 * outN);
  const map = new Int32Array(k.memory.buffer, MAP, n);
  for (let i = 0; i < n; i++) map[i] = Math.floor(rng.uniform() * outN);
  f.set(awkward(rng, n).map((x) => (Number.isNaN(x) ? 1 : x)), 0);
  f[20] = -0;
  for (const kind of ["sum", "max"] as const) {
    const want = new Float64Array(outN).fill(kind === "sum" ? 0 : -Infinity);
    for (let i = 0; i < n; i++) {
      const x = f[i], j = map[i];
      if (kind === "sum") want[j] += x;
      else if (!(x <= want[j])) want[j] = x;
    }
    const step: WasmOp = { kind, out: O, outN, a: A, map: MAP, n };
    f.fill(99, O / 8, O / 8 + outN);
    wasmTape(k, [[step]])[0]();
    assert.deepEqual(Array.from(f.subarray(O / 8, O / 8 + outN)), Array.from(want), kind);
  }
});

Deno.test("wasmTape()'s tanh is within 4 units in the last place of Math.tanh, signs and NaN kept", () => {
  const n = 1 << 20, rng = new Rng(5);
  const k = wasmMatmul(16 * n);
  const f = new Float64Array(k.memory.buffer, 0, 2 * n);
  for (let i = 0; i < n; i++) {
    f[i] = i % 3 === 0
      ? rng.normal() * 10
      : i % 3 === 1
      ? (rng.uniform() - 0.5) * 2 ** (-40 * rng.uniform())
      : rng.normal();
  }
  const special = [0, -0, NaN, Infinity, -Infinity, 22, -22, 21.99, 1e-300, -5e-324, 0.5493, 710];
  f.set(special);
  wasmTape(k, [[{ kind: "map", f: "tanh", out: 8 * n, n, a: { kind: "v", at: 0 } }]])[0]();
  const ulp = (x: number) => {
    const e = Math.floor(Math.log2(Math.abs(x)));
    return x === 0 ? 5e-324 : 2 ** Math.max(e - 52, -1074);
  };
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const want = Math.tanh(f[i]), got = f[n + i];
    if (Number.isNaN(want)) {
      assert.ok(Number.isNaN(got), `tanh(${f[i]}) = ${got}`);
      continue;
    }
    assert.equal(Object.is(got, -0), Object.is(want, -0), `tanh(${f[i]}) = ${got}`);
    worst = Math.max(worst, Math.abs(got - want) / ulp(want));
  }
  assert.ok(worst <= 4, `worst error ${worst} units in the last place`);
  assert.ok(worst > 0, "a written-out tanh equal to Math.tanh everywhere would be news");
});

Deno.test("compileTape() gives the same numbers with engine wasm and js: bit for bit without tanh, 1e-14 with it", () => {
  const rng = new Rng(6);
  const rand = (...shape: number[]) =>
    new Tensor(
      Float64Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()),
      shape,
    );
  const example = { W: rand(5, 4), b: rand(4), c: rand(1), X: rand(6, 5), Y: rand(6, 4) };
  const losses: [string, (x: Record<string, Tensor>) => Tensor, boolean][] = [
    ["no tanh", (x) => {
      const z = x.X.matmul(x.W).add(x.b).sigmoid().mul(x.Y).sub(x.c.exp());
      const m = z.max(1).reshape([6, 1]);
      return z.sub(m).exp().sum(1).log().add(z.abs().sqrt().mean()).mean()
        .add(x.X.matmul(x.W).relu().square().sum().mul(1e-3))
        .add(x.W.softplus().pow(tensor(1.5)).sum().mul(0.1));
    }, true],
    ["tanh", (x) => x.X.matmul(x.W).add(x.b).tanh().mul(x.Y).sum().mul(x.c).sin(), false],
  ];
  for (const [what, loss, exact] of losses) {
    const params = ["W", "b", "c"];
    const js = compileTape(loss, example, params, { hvp: true, engine: "js" });
    const wa = compileTape(loss, example, params, { hvp: true, engine: "wasm" });
    for (const t of [js, wa]) {
      for (const k of params) t.direction(k).set(example[k as "W"].data.map((v) => v / 3));
    }
    const vj = js.valueAndGrad(), vw = wa.valueAndGrad();
    js.hvp();
    wa.hvp();
    const close = (x: number, y: number, msg: string) =>
      exact ? assert.ok(same(x, y), `${msg}: ${x} vs ${y}`) : assert.ok(
        Math.abs(x - y) <= 1e-14 * Math.max(1, Math.abs(y)),
        `${msg}: ${x} vs ${y}`,
      );
    close(vw, vj, `${what} loss`);
    for (const k of params) {
      js.grad(k).forEach((g, i) => close(wa.grad(k)[i], g, `${what} ∂/∂${k}[${i}]`));
      js.hv(k).forEach((h, i) => close(wa.hv(k)[i], h, `${what} (Hv)_${k}[${i}]`));
    }
  }
});

Deno.test("compileTape() names the engines when given another", () => {
  const f = (x: Record<string, Tensor>) => x.w.square().sum();
  assert.throws(
    () => compileTape(f, { w: tensor([1]) }, ["w"], { engine: "gpu" as "js" }),
    /engine must be "wasm" or "js", got "gpu"/,
  );
});

Deno.test("WASM_FORMULAS has every op of scalarFormulas (a new op needs its WebAssembly too)", () => {
  const missing = Object.keys(scalarFormulas).filter((op) => !WASM_FORMULAS.has(op));
  assert.deepEqual(missing, [], `write these in FORMULAS of wasm_tape.ts: ${missing.join(", ")}`);
});
