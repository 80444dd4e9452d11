/**
 * The exercise markup, nbgrader-compatible, shared by the handouts (student edition), `release`
 * and `grade`.
 *
 * - Solution regions in code cells: lines `// BEGIN SOLUTION` … `// END SOLUTION`. In the student
 *   version the region becomes {@link CODE_STUB} at the region's indentation.
 * - Hidden tests in graded cells: `// BEGIN HIDDEN TESTS` … `// END HIDDEN TESTS`, removed from the
 *   student version.
 * - Markdown answers: `=== BEGIN MARK SCHEME ===` is not used; a markdown cell marked as a solution
 *   has its `### BEGIN SOLUTION` … `### END SOLUTION` region replaced by "YOUR ANSWER HERE".
 * - Cell metadata `nbgrader` (schema 3): `{ grade_id, points, solution, grade, locked, schema_version: 3 }`.
 *
 * nbgrader itself needs one setting for these notebooks (its default stubs are Python/R/Java):
 * `c.ClearSolutions.code_stub = {"typescript": "// YOUR CODE HERE\nthrow new Error(\"not implemented yet\");"}`.
 *
 * @module
 */

/** nbgrader's cell metadata (schema 3). */
export interface NbgraderMeta {
  grade_id?: string;
  points?: number;
  solution?: boolean;
  grade?: boolean;
  locked?: boolean;
  task?: boolean;
  schema_version?: number;
}

/** A notebook cell as stored in .ipynb (source normalised to a string by {@link cellSource}). */
export interface NotebookCell {
  id?: string;
  cell_type: "code" | "markdown" | "raw";
  source: string | string[];
  metadata: { nbgrader?: NbgraderMeta; tags?: string[]; [key: string]: unknown };
  outputs?: unknown[];
  execution_count?: number | null;
  [key: string]: unknown;
}

/** A notebook as stored in .ipynb. */
export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
}

/** The two lines a student sees in place of a solution. */
export const CODE_STUB = '// YOUR CODE HERE\nthrow new Error("not implemented yet");';
/** What a student sees in place of a markdown solution. */
export const MARKDOWN_STUB = "YOUR ANSWER HERE";

/** A cell's source as one string. */
export function cellSource(cell: NotebookCell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

function replaceRegions(
  source: string,
  begin: RegExp,
  end: RegExp,
  replacement: ((indent: string) => string[]) | null,
  what: string,
): string {
  const out: string[] = [];
  let inside: { indent: string; line: number } | null = null;
  source.split("\n").forEach((line, i) => {
    if (begin.test(line)) {
      if (inside) {
        throw new Error(
          `${what}: a second BEGIN on line ${i + 1} before the END of line ${inside.line}`,
        );
      }
      inside = { indent: line.match(/^\s*/)![0], line: i + 1 };
      if (replacement) out.push(...replacement(inside.indent));
    } else if (end.test(line)) {
      if (!inside) throw new Error(`${what}: END on line ${i + 1} without a BEGIN`);
      inside = null;
    } else if (!inside) {
      out.push(line);
    }
  });
  if (inside) {
    throw new Error(`${what}: BEGIN on line ${(inside as { line: number }).line} has no END`);
  }
  return out.join("\n");
}

/** Replaces every `// BEGIN SOLUTION` … `// END SOLUTION` region by the stub, keeping indentation. */
export function clearSolutions(source: string, what = "cell"): string {
  return replaceRegions(
    source,
    /^\s*\/\/\s*BEGIN SOLUTION\s*$/,
    /^\s*\/\/\s*END SOLUTION\s*$/,
    (indent) => CODE_STUB.split("\n").map((l) => indent + l),
    what,
  );
}

/** Removes every `// BEGIN HIDDEN TESTS` … `// END HIDDEN TESTS` region. */
export function removeHiddenTests(source: string, what = "cell"): string {
  return replaceRegions(
    source,
    /^\s*\/\/\s*BEGIN HIDDEN TESTS\s*$/,
    /^\s*\/\/\s*END HIDDEN TESTS\s*$/,
    null,
    what,
  );
}

/** Replaces a markdown `### BEGIN SOLUTION` … `### END SOLUTION` region by "YOUR ANSWER HERE". */
export function clearMarkdownSolution(source: string, what = "cell"): string {
  return replaceRegions(
    source,
    /^\s*###\s*BEGIN SOLUTION\s*$/,
    /^\s*###\s*END SOLUTION\s*$/,
    () => [MARKDOWN_STUB],
    what,
  );
}

/** True when the source holds a solution region. */
export function hasSolution(source: string): boolean {
  return /^\s*(\/\/|###)\s*BEGIN SOLUTION\s*$/m.test(source);
}

/** True when the source holds hidden tests. */
export function hasHiddenTests(source: string): boolean {
  return /^\s*\/\/\s*BEGIN HIDDEN TESTS\s*$/m.test(source);
}

/** The cell's nbgrader metadata, if any. */
export function nbgrader(cell: NotebookCell): NbgraderMeta | undefined {
  return cell.metadata?.nbgrader;
}

/** True for a graded test cell (an "autograder tests" cell in nbgrader's terms). */
export function isGraded(cell: NotebookCell): boolean {
  return nbgrader(cell)?.grade === true && cell.cell_type === "code";
}

/**
 * The student version of a notebook: solution regions replaced by stubs, hidden tests removed,
 * outputs of solution and graded cells removed (other outputs, figures included, kept unless
 * `clearOutputs`). The input is not modified.
 */
export function studentVersion(nb: Notebook, { clearOutputs = false } = {}): Notebook {
  const copy = structuredClone(nb) as Notebook;
  copy.cells.forEach((cell, i) => {
    const what = `cell ${i + 1}`;
    let src = cellSource(cell);
    const meta = nbgrader(cell);
    if (cell.cell_type === "code") {
      if (hasSolution(src)) src = clearSolutions(src, what);
      if (hasHiddenTests(src)) src = removeHiddenTests(src, what);
      if (clearOutputs || meta?.solution || meta?.grade || src !== cellSource(cell)) {
        cell.outputs = [];
        cell.execution_count = null;
      }
    } else if (cell.cell_type === "markdown" && hasSolution(src)) {
      src = clearMarkdownSolution(src, what);
    }
    cell.source = src;
  });
  return copy;
}
