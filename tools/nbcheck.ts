/**
 * Type-checks and lints the code cells of notebooks (the Deno kernel itself does neither).
 *
 * The code cells of each notebook are joined, in order, into a scratch file beside it
 * (`notebooks/.typecheck-NN_name.ts`, ignored by git and removed afterwards) so relative imports
 * resolve as they do in the kernel; `deno check` and `deno lint` then run on those files, and each
 * diagnostic is mapped back to its notebook cell.
 *
 * It also checks that every notebook is `deno fmt`-formatted. `deno fmt --check` cannot be used
 * for that: on a cold cache (a fresh machine, CI) Deno 2.9 reports every non-empty `.ipynb` as
 * unformatted with an empty diff, although `deno fmt` leaves the file byte for byte the same. So
 * each notebook is formatted as a copy and compared with the original.
 *
 * Usage: deno run -A tools/nbcheck.ts [notebook.ipynb ...]   (default: every notebook in the project)
 *
 * @module
 */

import { basename, dirname, join, relative } from "node:path";
import { ROOT } from "./setup.ts";

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

const SKIP = new Set(["node_modules", "build", "handouts", "release", "grading"]);

/** Every `.ipynb` in the project, outside generated, hidden and dependency folders. */
export function projectNotebooks(dir: string = ROOT): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    const generated = dir === ROOT && SKIP.has(entry.name); // only the top-level output folders
    if (
      entry.isDirectory && !generated && !entry.name.startsWith(".") &&
      entry.name !== "node_modules"
    ) {
      found.push(...projectNotebooks(path));
    } else if (entry.isFile && entry.name.endsWith(".ipynb")) found.push(path);
  }
  return found.sort();
}

/** Notebooks that `deno fmt` would change (it formats copies; the originals are not touched). */
export async function unformatted(notebooks: string[]): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "nbfmt-" });
  try {
    const copies = notebooks.map((nb, i) => {
      const copy = join(dir, `${i}.ipynb`);
      Deno.copyFileSync(nb, copy);
      return copy;
    });
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "-q", "--config", join(ROOT, "deno.json"), ...copies],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
    return notebooks.filter((nb, i) =>
      Deno.readTextFileSync(nb) !== Deno.readTextFileSync(copies[i])
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const all = Deno.args.length ? Deno.args : projectNotebooks();
  // Type check and lint the course (fixtures may hold deliberately broken code); format everything.
  const course = Deno.args.length
    ? all
    : all.filter((nb) => /\/notebooks\/\d\d_[^/]*\.ipynb$/.test(nb));
  const failures = await checkNotebooks(course);
  const bad = await unformatted(all);
  for (const nb of bad) {
    console.error(
      `${relative(ROOT, nb)} is not formatted: run \`deno fmt "${relative(ROOT, nb)}"\``,
    );
  }
  if (failures === 0 && bad.length === 0) {
    console.error(
      `nbcheck: ${course.length} notebooks type-check and lint clean; ${all.length} notebooks formatted`,
    );
  }
  Deno.exit(failures || bad.length ? 1 : 0);
}
