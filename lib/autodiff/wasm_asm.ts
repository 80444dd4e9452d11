/**
 * A few pieces of the WebAssembly binary format (https://webassembly.github.io/spec/core/binary/)
 * for the modules the library writes out itself: the matrix kernels (`wasm_matmul.ts`) and the
 * compiled tape's programs (`wasm_tape.ts`). There is no assembler to depend on: code is written
 * as nested arrays of bytes and flattened.
 *
 * @module
 */

/** Value types: i32, f64 and v128 (two float64 lanes). */
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

/** The empty block type (a block or loop that leaves nothing on the stack). */
export const VOID = 0x40;

/**
 * Opcodes of the instructions the library's kernels use.
 *
 * @example
 * ```ts
 * import { op } from "./wasm_asm.ts";
 * console.log(op.f64Add.toString(16)); // a0
 * ```
 */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  select: 0x1b,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  f64Eq: 0x61,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Or: 0x72,
  i32Shl: 0x74,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Max: 0xa5,
  f64Ceil: 0x9b,
  f64Nearest: 0x9e,
  f64Copysign: 0xa6,
  i32TruncF64S: 0xaa,
  i64ExtendI32S: 0xac,
  f64ConvertI32S: 0xb7,
  f64ReinterpretI64: 0xbf,
  i64Const: 0x42,
  i64Shl: 0x86,
} as const;

/**
 * Bytes as nested arrays (flattened when a module is assembled).
 *
 * @example
 * ```ts
 * import { type Bytes, flat } from "./wasm_asm.ts";
 * const b: Bytes = [1, [2, [3]]];
 * console.log(flat(b)); // [ 1, 2, 3 ]
 * ```
 */
export type Bytes = number | Bytes[];

/**
 * The bytes of nested arrays in order.
 *
 * @example
 * ```ts
 * import { flat } from "./wasm_asm.ts";
 * console.log(flat([[0x20, 0], 0x0b])); // [ 32, 0, 11 ]
 * ```
 */
export function flat(b: Bytes): number[] {
  const out: number[] = [];
  const walk = (x: Bytes): void => {
    if (typeof x === "number") out.push(x);
    else for (let i = 0; i < x.length; i++) walk(x[i]);
  };
  walk(b);
  return out;
}

/**
 * Unsigned LEB128 of a non-negative integer below 2³² (also right for the signed constants below 64).
 *
 * @example
 * ```ts
 * import { leb } from "./wasm_asm.ts";
 * console.log(leb(624485)); // [ 229, 142, 38 ]
 * ```
 */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/**
 * Signed LEB128 of a 32-bit integer.
 *
 * @example
 * ```ts
 * import { sleb } from "./wasm_asm.ts";
 * console.log(sleb(-123456)); // [ 192, 187, 120 ]
 * ```
 */
export function sleb(n: number): number[] {
  const out: number[] = [];
  while (true) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/**
 * A section: its id, its length, its bytes.
 *
 * @example
 * ```ts
 * import { section } from "./wasm_asm.ts";
 * console.log(section(1, [7, 8])); // [ 1, 2, 7, 8 ]
 * ```
 */
export function section(id: number, body: Bytes): number[] {
  const bytes = flat(body);
  return [id, ...leb(bytes.length), ...bytes];
}

/**
 * A vector: the count of items, then the items.
 *
 * @example
 * ```ts
 * import { vec } from "./wasm_asm.ts";
 * console.log(vec([[1, 2], [3]])); // [ 2, 1, 2, 3 ]
 * ```
 */
export function vec(items: Bytes[]): number[] {
  return [...leb(items.length), ...flat(items)];
}

/**
 * A function's code entry: its locals as (count, type) runs, its body, `end`, prefixed by the size.
 *
 * @example
 * ```ts
 * import { code, I32 } from "./wasm_asm.ts";
 * console.log(code([[1, I32]], [])); // [ 4, 1, 1, 127, 11 ]
 * ```
 */
export function code(locals: readonly (readonly [number, number])[], body: Bytes): number[] {
  const fn = [...vec(locals.map(([count, type]) => [...leb(count), type])), ...flat(body), op.end];
  return [...leb(fn.length), ...fn];
}

/**
 * A name (of an import or export): its UTF-8 length and bytes.
 *
 * @example
 * ```ts
 * import { name } from "./wasm_asm.ts";
 * console.log(name("mm")); // [ 2, 109, 109 ]
 * ```
 */
export const name = (s: string): number[] => [...leb(s.length), ...new TextEncoder().encode(s)];

/**
 * A module's bytes: the magic number, version 1, and the sections in order.
 *
 * @example An empty module
 * ```ts
 * import { moduleOf } from "./wasm_asm.ts";
 * console.log(WebAssembly.validate(moduleOf([]))); // true
 * ```
 */
export function moduleOf(sections: Bytes[]): Uint8Array<ArrayBuffer> {
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...flat(sections)]);
}

/**
 * `local.get l`.
 *
 * @example
 * ```ts
 * import { get } from "./wasm_asm.ts";
 * console.log(get(3)); // [ 32, [ 3 ] ]
 * ```
 */
export const get = (l: number): Bytes => [op.get, leb(l)];

/**
 * `local.set l`.
 *
 * @example
 * ```ts
 * import { set } from "./wasm_asm.ts";
 * console.log(set(3)); // [ 33, [ 3 ] ]
 * ```
 */
export const set = (l: number): Bytes => [op.set, leb(l)];

/**
 * `i32.const v`.
 *
 * @example
 * ```ts
 * import { i32 } from "./wasm_asm.ts";
 * console.log(i32(-1)); // [ 65, [ 127 ] ]
 * ```
 */
export const i32 = (v: number): Bytes => [op.i32Const, sleb(v)];

/**
 * `f64.const v` (little-endian IEEE 754 bytes).
 *
 * @example
 * ```ts
 * import { f64 } from "./wasm_asm.ts";
 * console.log(f64(1)); // [ 68, [ 0, 0, 0, 0, 0, 0, 240, 63 ] ]
 * ```
 */
export const f64 = (v: number): Bytes => [
  op.f64Const,
  Array.from(new Uint8Array(new Float64Array([v]).buffer)),
];

/**
 * `f64.load` with a constant byte offset added to the address on the stack (8-byte aligned).
 *
 * @example
 * ```ts
 * import { f64Load } from "./wasm_asm.ts";
 * console.log(f64Load(8)); // [ 43, 3, [ 8 ] ]
 * ```
 */
export const f64Load = (offset = 0): Bytes => [op.f64Load, 3, leb(offset)];

/**
 * `f64.store` with a constant byte offset (8-byte aligned).
 *
 * @example
 * ```ts
 * import { f64Store } from "./wasm_asm.ts";
 * console.log(f64Store()); // [ 57, 3, [ 0 ] ]
 * ```
 */
export const f64Store = (offset = 0): Bytes => [op.f64Store, 3, leb(offset)];

/**
 * `i32.load` with a constant byte offset (4-byte aligned).
 *
 * @example
 * ```ts
 * import { i32Load } from "./wasm_asm.ts";
 * console.log(i32Load(4)); // [ 40, 2, [ 4 ] ]
 * ```
 */
export const i32Load = (offset = 0): Bytes => [op.i32Load, 2, leb(offset)];

/**
 * `local += value` for an i32 local.
 *
 * @example
 * ```ts
 * import { addTo, flat, i32 } from "./wasm_asm.ts";
 * console.log(flat(addTo(0, i32(8)))); // [ 32, 0, 65, 8, 106, 33, 0 ]
 * ```
 */
export const addTo = (l: number, ...value: Bytes[]): Bytes => [get(l), value, op.i32Add, set(l)];

/**
 * A loop `while (cond) body` as block { loop { br_if !cond; body; br } }.
 *
 * @example
 * ```ts
 * import { flat, get, whileLoop } from "./wasm_asm.ts";
 * console.log(flat(whileLoop(get(0), [])).length); // 13
 * ```
 */
export const whileLoop = (cond: Bytes, body: Bytes): Bytes => [
  op.block,
  VOID,
  op.loop,
  VOID,
  cond,
  op.i32Eqz,
  op.brIf,
  1,
  body,
  op.br,
  0,
  op.end,
  op.end,
];
