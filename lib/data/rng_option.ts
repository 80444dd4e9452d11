/**
 * The shared `seed`/`rng` option of the data helpers.
 *
 * @module
 */

import { Rng } from "../random.ts";

/** Where a helper gets its randomness: a generator to draw from, or a seed for a fresh one. */
export interface RandomOptions {
  /** Seed of a fresh generator (default 0); ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from (advances it); takes precedence over `seed`. */
  rng?: Rng;
}

/**
 * The generator an options record asks for: its `rng`, else a new `Rng(seed ?? 0)`.
 *
 * @example The same seed, the same stream
 * ```ts
 * import { rngFrom } from "./rng_option.ts";
 * console.log(rngFrom({ seed: 3 }).uniform() === rngFrom({ seed: 3 }).uniform()); // true
 * ```
 */
export function rngFrom(options: RandomOptions): Rng {
  return options.rng ?? new Rng(options.seed ?? 0);
}
