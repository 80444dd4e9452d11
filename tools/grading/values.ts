/**
 * Values as data: how the student's kernel reports what its code returned, and how the trusted
 * replay turns that report back into values. Only plain data survives: numbers (NaN, ±Infinity
 * and −0 included), strings, booleans, null, undefined, bigints, arrays, typed arrays and objects
 * (their own enumerable string-keyed properties, read once; prototypes, getters and methods are
 * not kept). A function becomes a marker. Decoding builds fresh arrays, typed arrays and plain
 * objects with `Object.fromEntries` (own data properties only), so no report can install a getter,
 * a Proxy, a `toJSON`/`valueOf` that runs code, or a `__proto__`; a function inside a value comes
 * back as one that throws.
 *
 * Imported by the recorder inside the sandbox (tools/grading/kernel_recorder.ts) and by the
 * replay outside it (tools/grading/replay_runtime.ts).
 *
 * @module
 */

/** An encoded value: JSON. */
export type Encoded =
  | string
  | number
  | boolean
  | null
  | Encoded[]
  | { $: string; v?: unknown };

/** How deep an encoded value may nest (deeper parts become a marker). */
export const MAX_DEPTH = 32;
/** How many elements an encoded value may hold in all (the rest are cut). */
export const MAX_ELEMENTS = 1_000_000;

const TYPED: Record<string, new (values: number[]) => ArrayLike<number>> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Int16Array,
  Int8Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
  Uint8ClampedArray,
};

function encodeNumber(x: number): Encoded {
  if (Number.isNaN(x)) return { $: "num", v: "NaN" };
  if (x === Infinity) return { $: "num", v: "Infinity" };
  if (x === -Infinity) return { $: "num", v: "-Infinity" };
  if (x === 0 && 1 / x < 0) return { $: "num", v: "-0" };
  return x;
}

/**
 * Encodes a value as JSON-able data (see the module comment). Never throws for an ordinary value;
 * a property that throws when read is encoded as `{ $: "threw" }`.
 */
export function encode(value: unknown): Encoded {
  let budget = MAX_ELEMENTS;
  const walk = (x: unknown, depth: number): Encoded => {
    if (budget-- <= 0) return { $: "cut" };
    switch (typeof x) {
      case "number":
        return encodeNumber(x);
      case "string":
      case "boolean":
        return x;
      case "undefined":
        return { $: "undef" };
      case "bigint":
        return { $: "bigint", v: x.toString() };
      case "function":
        return { $: "fn" };
      case "symbol":
        return { $: "symbol" };
    }
    if (x === null) return null;
    if (depth >= MAX_DEPTH) return { $: "deep" };
    if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
      const name = Object.prototype.toString.call(x).slice(8, -1);
      if (name in TYPED) {
        return { $: name, v: Array.from(x as unknown as ArrayLike<number>, encodeNumber) };
      }
    }
    if (Array.isArray(x)) {
      const out: Encoded[] = [];
      const n = Math.min(x.length, MAX_ELEMENTS);
      for (let i = 0; i < n; i++) out.push(read(x, i, depth));
      return out;
    }
    const entries: [string, Encoded][] = [];
    for (const key of Object.keys(x as object)) entries.push([key, read(x, key, depth)]);
    return { $: "obj", v: entries };
  };
  const read = (x: unknown, key: PropertyKey, depth: number): Encoded => {
    let v: unknown;
    try {
      v = (x as Record<PropertyKey, unknown>)[key];
    } catch {
      return { $: "threw" };
    }
    return walk(v, depth + 1);
  };
  try {
    return walk(value, 0);
  } catch {
    return { $: "threw" };
  }
}

/** A value the replay cannot give back (a function inside a value, a cut or unreadable part). */
export class UnreplayableValue extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreplayableValue";
  }
}

/**
 * The value an {@link encode}d report stands for, built from plain data only. Functions inside a
 * value come back as functions that throw {@link UnreplayableValue}: the grader cannot run the
 * student's code. Malformed input throws {@link UnreplayableValue}.
 */
export function decode(data: unknown): unknown {
  let budget = MAX_ELEMENTS;
  const walk = (x: unknown, depth: number): unknown => {
    if (budget-- <= 0 || depth > MAX_DEPTH + 1) {
      throw new UnreplayableValue("the reported value is too large or too deep");
    }
    if (x === null || typeof x === "string" || typeof x === "boolean") return x;
    if (typeof x === "number") return x;
    if (Array.isArray(x)) return x.map((e) => walk(e, depth + 1));
    if (typeof x !== "object") throw new UnreplayableValue("the reported value is malformed");
    const tag = (x as { $?: unknown }).$;
    const v = (x as { v?: unknown }).v;
    switch (tag) {
      case "num":
        if (v === "NaN") return NaN;
        if (v === "Infinity") return Infinity;
        if (v === "-Infinity") return -Infinity;
        if (v === "-0") return -0;
        break;
      case "undef":
        return undefined;
      case "bigint":
        if (typeof v === "string" && /^-?\d{1,400}$/.test(v)) return BigInt(v);
        break;
      case "fn":
        return () => {
          throw new UnreplayableValue(
            "a function inside a returned value cannot be replayed by the grader",
          );
        };
      case "obj":
        if (Array.isArray(v)) {
          return Object.fromEntries(v.map((e) => {
            if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== "string") {
              throw new UnreplayableValue("the reported value is malformed");
            }
            return [e[0], walk(e[1], depth + 1)];
          }));
        }
        break;
      default:
        if (typeof tag === "string" && Object.hasOwn(TYPED, tag) && Array.isArray(v)) {
          return new TYPED[tag](v.map((e) => {
            const n = walk(e, depth + 1);
            if (typeof n !== "number") {
              throw new UnreplayableValue("a typed array holds a non-number");
            }
            return n;
          }));
        }
        if (tag === "symbol" || tag === "cut" || tag === "deep" || tag === "threw") {
          throw new UnreplayableValue(
            `the returned value holds something the grader cannot replay (${tag})`,
          );
        }
    }
    throw new UnreplayableValue("the reported value is malformed");
  };
  return walk(data, 0);
}

/** Canonical text of an encoded value, for comparing two encodings. */
export function canonical(data: unknown): string {
  return JSON.stringify(data);
}
