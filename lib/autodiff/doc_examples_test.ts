/**
 * The doc examples tell the truth: every `console.log(...); // expected` line in a JSDoc example
 * of the autodiff and random modules prints what its comment says. (`deno test --doc` only checks
 * that examples run.)
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl, pathToFileURL as toFileUrl } from "node:url";

const here = dirname(fromFileUrl(import.meta.url));
const files = [
  "tensor.ts",
  "ops.ts",
  "grad.ts",
  "compile.ts",
  "wasm_asm.ts",
  "wasm_tape.ts",
  "memory.ts",
  "mod.ts",
  "testdata/functions.ts",
  "../random.ts",
].map((f) => join(here, f));

interface Example {
  file: string;
  line: number;
  code: string;
  expected: string[];
}

function examples(file: string): Example[] {
  const src = Deno.readTextFileSync(file);
  const out: Example[] = [];
  for (const m of src.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const lines = m[1].split("\n").map((l) => l.replace(/^\s*\* ?/, "").replace(/^\s*\*$/, ""));
    const expected: string[] = [];
    const code = lines.map((l) => {
      const c = l.match(/^(\s*console\.log\(.*\);)\s*\/\/ (.*)$/);
      if (c === null) return l;
      expected.push(c[2]);
      return c[1];
    }).join("\n").replace(
      /from "(\.\.?\/[^"]+)"/g,
      (_, rel: string) => `from "${toFileUrl(join(dirname(file), rel)).href}"`,
    );
    const line = src.slice(0, m.index).split("\n").length;
    if (expected.length > 0) out.push({ file, line, code, expected });
  }
  return out;
}

const normalize = (s: string) => s.replace(/\s+/g, "").replaceAll('"', "'");

Deno.test("doc examples print what their comments say", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "doc_examples_" });
  const original = console.log;
  const failures: string[] = [];
  let count = 0;
  try {
    for (const file of files) {
      for (const ex of examples(file)) {
        const path = join(tmp, `ex${count++}.ts`);
        await Deno.writeTextFile(path, ex.code);
        const printed: string[] = [];
        console.log = (...args: unknown[]) => {
          printed.push(args.map((a) => (typeof a === "string" ? a : Deno.inspect(a))).join(" "));
        };
        try {
          await import(toFileUrl(path).href);
        } finally {
          console.log = original;
        }
        const ok = printed.length === ex.expected.length &&
          printed.every((p, i) => normalize(p) === normalize(ex.expected[i]));
        if (!ok) {
          failures.push(
            `${ex.file}:${ex.line}\n  comments say ${JSON.stringify(ex.expected)}\n  printed      ${
              JSON.stringify(printed)
            }`,
          );
        }
      }
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  assert.ok(count > 50, `only ${count} examples found`);
  assert.deepEqual(failures, []);
});
