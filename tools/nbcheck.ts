/**
 * Type-checks and lints the code cells of notebooks (the Deno kernel itself does neither).
 *
 * The code cells of each notebook are joined, in order, into a scratch file beside it
 * (`notebooks/.typecheck-NN_name.ts`, ignored by git and removed afterwards) so relative imports
 * resolve as they do in the kernel; `deno check` and `deno lint` then run on those files, and each
 * diagnostic is mapped back to its notebook cell.
 *
 * Usage: deno run -A tools/nbcheck.ts [notebook.ipynb ...]   (default: every course notebook)
 *
 * @module
 */

import { basename, dirname, join } from "node:path";
import { listNotebooks } from "./course.ts";

interface Cell {
  cell_type: string;
  source: string | string[];
}

/** Writes the scratch file for one notebook; returns its path and a line → cell map. */
export function extract(notebook: string): { file: string; cellOfLine: number[] } {
  const nb = JSON.parse(Deno.readTextFileSync(notebook)) as { cells: Cell[] };
  const lines: string[] = [];
  const cellOfLine: number[] = [0];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const src = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    for (const line of [`// cell ${i + 1}`, ...src.split("\n"), ""]) {
      lines.push(line);
      cellOfLine.push(i + 1);
    }
  });
  const file = join(
    dirname(notebook),
    `.typecheck-${basename(notebook).replace(/\.ipynb$/, "")}.ts`,
  );
  Deno.writeTextFileSync(file, lines.join("\n"));
  return { file, cellOfLine };
}

/** Checks notebooks; returns the number of notebooks with problems (and prints them). */
export async function checkNotebooks(notebooks: string[]): Promise<number> {
  const extracted = notebooks.map((nb) => ({ nb, ...extract(nb) }));
  let failures = 0;
  try {
    for (const [tool, args] of [["check", ["check", "-q"]], ["lint", ["lint"]]] as const) {
      for (const { nb, file, cellOfLine } of extracted) {
        const out = await new Deno.Command(Deno.execPath(), {
          args: [...args, file],
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        if (out.success) continue;
        failures++;
        const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
        const mapped = text.replaceAll(
          new RegExp(
            `(?:file://)?${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+):(\\d+)`,
            "g",
          ),
          (_m, line) => `${basename(nb)} cell ${cellOfLine[Number(line)] ?? "?"}`,
        );
        console.error(`deno ${tool} found problems in ${basename(nb)}:\n${mapped}`);
      }
    }
  } finally {
    for (const { file } of extracted) Deno.removeSync(file);
  }
  return failures;
}

if (import.meta.main) {
  const notebooks = Deno.args.length ? Deno.args : listNotebooks();
  const failures = await checkNotebooks(notebooks);
  if (failures === 0) {
    console.error(`nbcheck: ${notebooks.length} notebooks type-check and lint clean`);
  }
  Deno.exit(failures ? 1 : 0);
}
