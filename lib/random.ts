/**
 * The course's seeded random number generator. Every random draw in the library and the notebooks
 * goes through an {@link Rng}, so a notebook run twice draws the same numbers.
 *
 * The generator is xoshiro128** (Blackman and Vigna, 2018): four 32-bit words of state, fast in
 * JavaScript's 32-bit integer arithmetic, seeded from one number through splitmix32.
 *
 * @module
 */

/**
 * A seeded pseudo-random number generator (xoshiro128**). The same seed gives the same sequence
 * on every machine and every run.
 *
 * @example Reproducible draws
 * ```ts
 * import { Rng } from "./random.ts";
 * const a = new Rng(42), b = new Rng(42);
 * console.log(a.uniform() === b.uniform()); // true
 * console.log(a.int(10) < 10); // true
 * ```
 */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare = NaN;

  /**
   * A generator whose whole stream is fixed by `seed`.
   *
   * @param seed Any finite number; its integer part and fraction both change the stream.
   */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`invalid seed: ${seed} (expected a finite number)`);
    }
    // splitmix32 spreads the seed over the four state words (never all zero).
    let z = (Math.trunc(seed) ^ Math.round((seed % 1) * 0x7fffffff) * 0x9e3779b1) | 0;
    const next = () => {
      z = (z + 0x9e3779b9) | 0;
      let t = z ^ (z >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
  }

  /**
   * The next raw 32-bit unsigned integer of the stream.
   *
   * @example Usage
   * ```ts
   * import { Rng } from "./random.ts";
   * const u = new Rng(1).nextUint32();
   * console.log(Number.isInteger(u) && u >= 0 && u < 2 ** 32); // true
   * ```
   */
  nextUint32(): number {
    const s0 = this.#s0, s1 = this.#s1, s2 = this.#s2, s3 = this.#s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    let n2 = s2 ^ s0, n3 = s3 ^ s1;
    const n1 = s1 ^ n2, n0 = s0 ^ n3;
    n2 ^= t;
    n3 = rotl(n3, 11);
    this.#s0 = n0;
    this.#s1 = n1;
    this.#s2 = n2;
    this.#s3 = n3;
    return r;
  }

  /**
   * A uniform draw from [0, 1) with 53 random bits.
   *
   * @example Usage
   * ```ts
   * import { Rng } from "./random.ts";
   * const u = new Rng(7).uniform();
   * console.log(u >= 0 && u < 1); // true
   * ```
   */
  uniform(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * A standard normal draw (mean 0, variance 1), by the Box–Muller transform.
   *
   * @example Usage
   * ```ts
   * import { Rng } from "./random.ts";
   * const rng = new Rng(3);
   * let s = 0;
   * for (let i = 0; i < 10000; i++) s += rng.normal();
   * console.log(Math.abs(s / 10000) < 0.05); // true
   * ```
   */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const z = this.#spare;
      this.#spare = NaN;
      return z;
    }
    const u = 1 - this.uniform(); // in (0, 1]: log(u) is finite
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * A uniform integer in [0, n).
   *
   * @example Usage
   * ```ts
   * import { Rng } from "./random.ts";
   * const k = new Rng(5).int(6);
   * console.log(Number.isInteger(k) && k >= 0 && k < 6); // true
   * ```
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`invalid n: ${n} (expected a whole number ≥ 1)`);
    }
    return Math.floor(this.uniform() * n);
  }

  /**
   * A random sign, +1 or -1 with equal probability (the probe vectors of Hutchinson's estimator).
   *
   * @example Usage
   * ```ts
   * import { Rng } from "./random.ts";
   * console.log(Math.abs(new Rng(0).rademacher())); // 1
   * ```
   */
  rademacher(): number {
    return (this.nextUint32() & 1) === 0 ? -1 : 1;
  }

  /**
   * Fills `out` with random signs: the same draws as `out.length` calls of
   * {@link Rng.rademacher}, in order, with the generator's state kept in local variables (about
   * five times faster for the thousands of entries of AdaHessian's probe vector).
   *
   * @example The same stream as rademacher()
   * ```ts
   * import { Rng } from "./random.ts";
   * const out = new Float64Array(4);
   * new Rng(3).fillRademacher(out);
   * const one = new Rng(3);
   * console.log(Array.from(out).every((x) => x === one.rademacher())); // true
   * ```
   */
  fillRademacher(out: { length: number; [i: number]: number }): void {
    let s0 = this.#s0, s1 = this.#s1, s2 = this.#s2, s3 = this.#s3;
    for (let i = 0; i < out.length; i++) {
      // nextUint32, inlined
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      out[i] = (r & 1) === 0 ? -1 : 1;
    }
    this.#s0 = s0;
    this.#s1 = s1;
    this.#s2 = s2;
    this.#s3 = s3;
  }

  /**
   * A shuffled copy of an array (Fisher–Yates); the input is left unchanged.
   *
   * @example Usage
   * ```ts
   * import { Rng } from "./random.ts";
   * const xs = new Rng(9).shuffle([1, 2, 3, 4]);
   * console.log(xs.toSorted((a, b) => a - b)); // [1, 2, 3, 4]
   * ```
   */
  shuffle<T>(array: readonly T[]): T[] {
    const out = array.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }

  /**
   * A random permutation of 0, 1, ..., n - 1 (the order of a shuffled epoch).
   *
   * @example Usage
   * ```ts
   * import { Rng } from "./random.ts";
   * const p = new Rng(2).permutation(5);
   * console.log(p.toSorted((a, b) => a - b)); // [0, 1, 2, 3, 4]
   * ```
   */
  permutation(n: number): number[] {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`invalid n: ${n} (expected a whole number ≥ 0)`);
    }
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
