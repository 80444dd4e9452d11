/**
 * Storage for tensor data. Creating a typed array costs a few hundred nanoseconds in V8 here
 * (each gets its own backing store), more than the arithmetic of a small op, so small arrays are
 * carved out of shared slabs instead (a view costs about 30 ns).
 *
 * NOTE: a view keeps its whole slab alive. Slabs are small (32 KiB) so a handful of long-lived
 * scalars cost little, but a program that keeps thousands of small tensors alive should copy
 * their values out (`t.item()`, `Array.from(t.data)`).
 *
 * @module
 */

const SLAB = 4096; // float64 entries per slab
const SMALL = 64; // arrays up to this length come from a slab

let slab = new ArrayBuffer(SLAB * 8);
let used = 0;

/**
 * A zero-filled Float64Array of length `n`, from a slab when small.
 *
 * @example Usage
 * ```ts
 * import { alloc } from "./memory.ts";
 * const a = alloc(3);
 * console.log(a.length, a[0]); // 3 0
 * ```
 */
export function alloc(n: number): Float64Array {
  if (n > SMALL) return new Float64Array(n);
  if (used + n > SLAB) {
    slab = new ArrayBuffer(SLAB * 8);
    used = 0;
  }
  const out = new Float64Array(slab, used * 8, n);
  used += n;
  return out;
}

/**
 * A one-element Float64Array holding `v`.
 *
 * @example Usage
 * ```ts
 * import { scalarData } from "./memory.ts";
 * console.log(scalarData(2.5)[0]); // 2.5
 * ```
 */
export function scalarData(v: number): Float64Array {
  const out = alloc(1);
  out[0] = v;
  return out;
}
