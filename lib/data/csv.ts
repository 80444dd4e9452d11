/**
 * A strict reader for the numeric CSV files in `data/`: a header row, then rows of numbers.
 * Every error names the file, the line and what was expected.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** A numeric table read from a CSV file, stored row major. */
export interface NumericTable {
  /** Column names from the header row. */
  header: string[];
  /** All values, row after row: `values[i * header.length + j]` is row i, column j. */
  values: Float64Array;
  /** Number of data rows (the header not counted). */
  rows: number;
}

/** Options for {@link parseCsv} and {@link readCsv}. */
export interface CsvOptions {
  /** The exact number of columns every row must have; by default the header's count. */
  columns?: number;
  /** How to regenerate the file, appended to the "not found" error of {@link readCsv}. */
  regenerate?: string;
}

/**
 * Parses numeric CSV text: a header row of names, then rows of numbers separated by commas.
 * Blank lines at the end are ignored; anything else that is not a number is an error naming the
 * file (`name`), the 1-based line and what was expected.
 *
 * @example Parse a small table
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * const t = parseCsv("a,b\n1,2\n3,4.5\n", "inline.csv");
 * console.log(t.header, t.rows, [...t.values]); // ["a", "b"] 2 [1, 2, 3, 4.5]
 * ```
 *
 * @example A short row names the line
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * try {
 *   parseCsv("a,b\n1,2\n3\n", "inline.csv");
 * } catch (e) {
 *   console.log((e as Error).message); // inline.csv line 3: expected 2 numeric fields, got 1
 * }
 * ```
 */
export function parseCsv(text: string, name: string, options: CsvOptions = {}): NumericTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) {
    throw new Error(`${name} line 1: expected a header row of column names, got an empty file`);
  }
  const header = lines[0].split(",").map((s) => s.trim());
  const columns = options.columns ?? header.length;
  if (header.length !== columns || header.some((h) => h === "")) {
    throw new Error(
      `${name} line 1: expected a header of ${columns} non-empty column names, got ${
        JSON.stringify(lines[0].slice(0, 80))
      }`,
    );
  }
  const rows = lines.length - 1;
  const values = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    const line = lines[i + 1];
    const fields = line.split(",");
    if (fields.length !== columns) {
      throw new Error(
        `${name} line ${i + 2}: expected ${columns} numeric fields, got ${
          line.trim() === "" ? "an empty line" : fields.length
        }`,
      );
    }
    for (let j = 0; j < columns; j++) {
      const field = fields[j].trim();
      const v = Number(field);
      // Number("") is 0: an empty field must not pass as a zero.
      if (field === "" || !Number.isFinite(v)) {
        throw new Error(
          `${name} line ${i + 2}: field ${j + 1} (${header[j]}) is ${
            JSON.stringify(fields[j])
          }, expected a finite number`,
        );
      }
      values[i * columns + j] = v;
    }
  }
  return { header, values, rows };
}

/**
 * Reads and parses a numeric CSV file with {@link parseCsv}. A missing file gives an error that
 * names it and, if `options.regenerate` is set, says how to make it again.
 *
 * @example Read one of the course's data files
 * ```ts
 * import { readCsv } from "./csv.ts";
 * const t = readCsv(new URL("../../data/diabetes.csv", import.meta.url));
 * console.log(t.rows, t.header.length); // 442 11
 * ```
 */
export function readCsv(file: string | URL, options: CsvOptions = {}): NumericTable {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  const name = displayName(path);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      const hint = options.regenerate ? `: regenerate it with ${options.regenerate}` : "";
      throw new Error(`Data file ${name} not found (looked for ${path})${hint}`);
    }
    throw e;
  }
  return parseCsv(text, name, options);
}

/** "data/x.csv" for files under the project's data folder, the path as given otherwise. */
function displayName(path: string): string {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  return path.startsWith(root) ? path.slice(root.length) : path;
}
