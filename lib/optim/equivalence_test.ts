/**
 * Exact equivalences between formulations, as tests (algebraically equal updates; they round
 * differently, so trajectories are compared to 1e-13 of the vector's size, ‖a − b‖∞ / ‖b‖∞):
 * - the lecture's momentum against torch's (v = −lr·b);
 * - the lecture's Nesterov against torch's (torch's iterate is the look-ahead point θ + ρv);
 * - Adam with L2 against AdamW: they differ exactly by the decoupled term.
 */

import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { adam } from "./adam.ts";
import { adamL2 } from "./adam_l2.ts";
import { adamw, adamwSlide } from "./adamw.ts";
import { momentum } from "./momentum.ts";
import { nesterov } from "./nesterov.ts";
import { torchSgd } from "./torch_sgd.ts";
import { maxRel, normRel, reference } from "./testdata/reference.ts";
import { flatten } from "./tree.ts";

const runs = (prefix: string) =>
  reference.cases.filter((c) => c.id.startsWith(prefix + "/") && !c.schedule);

Deno.test("momentum() is torch's SGD momentum with v = −lr·b (on torch's recorded runs)", () => {
  const cases = runs("torchSgd-momentum");
  assert.ok(cases.length >= 4);
  for (const c of cases) {
    const alpha = c.options.alpha as number;
    const lecture = momentum({ alpha, rho: 0.9 });
    const torch = torchSgd({ alpha, momentum: 0.9 });
    let p = c.params[0].slice(), q = c.params[0].slice();
    let s = lecture.init(p), u = torch.init(q);
    for (let t = 0; t < c.grads.length; t++) {
      ({ params: p, state: s } = lecture.step(p, c.grads[t], s));
      ({ params: q, state: u } = torch.step(q, c.grads[t], u));
      assert.ok(normRel(p, c.params[t + 1]) <= 1e-13, `${c.id} θ at step ${t + 1}`);
      assert.ok(normRel(s.v, u.b.map((b) => -alpha * b)) <= 1e-13, `${c.id} v = −lr·b`);
    }
  }
});

Deno.test("momentum() and torch's momentum differ under a schedule (torch rescales b)", () => {
  const c = reference.cases.find((c) => c.id === "torchSgd-momentum-schedule/beale/0")!;
  const lr = c.lr!;
  const lecture = momentum({ alpha: (t) => lr[t], rho: 0.9 });
  let p = c.params[0].slice(), s = lecture.init(p);
  for (let t = 0; t < c.grads.length; t++) {
    ({ params: p, state: s } = lecture.step(p, c.grads[t], s));
  }
  assert.ok(maxRel(p, c.params.at(-1)!) > 1e-6);
});

Deno.test("nesterov(): torch's iterate is the lecture's look-ahead point θ + ρv", () => {
  const cases = [...runs("torchSgd-nesterov"), ...runs("torchSgd-nesterov-wd")];
  assert.ok(cases.length >= 4);
  for (const c of cases) {
    const alpha = c.options.alpha as number, lambda = (c.options.lambda as number) ?? 0;
    const lecture = nesterov({ alpha, rho: 0.9, lambda });
    const torch = torchSgd({ alpha, momentum: 0.9, nesterov: true, lambda });
    let theta = c.params[0].slice(), phi = c.params[0].slice();
    let s = lecture.init(theta), u = torch.init(phi);
    for (let t = 0; t < c.grads.length; t++) {
      // torch fed the gradient at its iterate φ_t; the lecture needs it at θ̃ = θ_t + ρ v_t.
      const ahead = lecture.lookahead!(theta, s);
      const e = normRel(ahead, c.params[t]);
      assert.ok(e <= 1e-13, `${c.id}: θ̃ = torch's θ at step ${t} (${e}, ${ahead}, ${c.params[t]})`);
      ({ params: theta, state: s } = lecture.step(theta, c.grads[t], s));
      ({ params: phi, state: u } = torch.step(phi, c.grads[t], u));
      // Converting back: lecture θ = torch θ + ρ·lr·b.
      const back = phi.map((x, i) => x + 0.9 * alpha * u.b[i]);
      assert.ok(normRel(theta, back) <= 1e-13, `${c.id}: θ = φ + ρ lr b at step ${t + 1}`);
    }
  }
});

Deno.test("adamL2() is adam() fed ĝ + λθ, bit for bit", () => {
  const rng = new Rng(5);
  const theta = Array.from({ length: 7 }, () => rng.normal());
  const lambda = 0.3, alpha = 0.01;
  const l2 = adamL2({ alpha, lambda }), plain = adam({ alpha });
  let a = theta.slice(), b = theta.slice(), sa = l2.init(a), sb = plain.init(b);
  for (let t = 0; t < 20; t++) {
    const g = a.map(() => rng.normal());
    const next = l2.step(a, g, sa);
    const ref = plain.step(b, g.map((gi, i) => gi + lambda * b[i]), sb);
    assert.deepEqual(next.params, ref.params);
    assert.deepEqual(next.state, ref.state);
    ({ params: a, state: sa } = next);
    ({ params: b, state: sb } = ref);
  }
});

Deno.test("adamw() differs from adam() exactly by the decoupled term −αλθ", () => {
  const rng = new Rng(6);
  const lambda = 0.3, alpha = 0.01;
  const w = adamw({ alpha, lambda }), plain = adam({ alpha });
  let theta = Array.from({ length: 7 }, () => rng.normal());
  let s = w.init(theta);
  for (let t = 0; t < 20; t++) {
    const g = theta.map(() => rng.normal());
    const next = w.step(theta, g, s);
    const ref = plain.step(theta, g, s); // same state, same gradient: moments identical
    assert.deepEqual(next.state, ref.state);
    const diff = next.params.map((x, i) => x - ref.params[i]);
    const expected = theta.map((x) => -alpha * lambda * x);
    for (let i = 0; i < diff.length; i++) assert.ok(Math.abs(diff[i] - expected[i]) < 1e-15);
    ({ params: theta, state: s } = next);
  }
});

Deno.test("adamwSlide() is adamL2() minus λθ: the slide regularises twice", () => {
  const rng = new Rng(7);
  const lambda = 0.1, alpha = 0.01;
  const slide = adamwSlide({ alpha, lambda }), l2 = adamL2({ alpha, lambda });
  const theta = Array.from({ length: 5 }, () => rng.normal()), g = theta.map(() => rng.normal());
  const a = slide.step(theta, g, slide.init(theta)), b = l2.step(theta, g, l2.init(theta));
  assert.deepEqual(a.state, b.state);
  a.params.forEach((x, i) => assert.equal(x, b.params[i] - lambda * theta[i]));
  assert.deepEqual(flatten(a.state.s), flatten(b.state.s));
});
