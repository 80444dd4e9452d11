/**
 * From a student's submitted notebook to the notebook the grader executes: read and validate the
 * file, restore every graded and locked cell from the instructor's source by its nbgrader
 * `grade_id` (hidden tests included), and note everything that does not match the release:
 * changed (tampered) cells, deleted cells, duplicated cells and grade_ids, unknown grade_ids.
 *
 * @module
 */

import {
  cellSource,
  isGraded,
  nbgrader,
  type Notebook,
  type NotebookCell,
  studentVersion,
} from "../exercises.ts";

/** Something about a submission's structure the student should hear about. */
export interface Notice {
  /** The grade_id concerned ("" for the notebook as a whole). */
  gradeId: string;
  /** `tampered` · `deleted` · `duplicate` · `unknown-cell`. */
  kind: "tampered" | "deleted" | "duplicate" | "unknown-cell";
  message: string;
}

/** A submission that cannot be graded at all. */
export class InvalidSubmission extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSubmission";
  }
}

/** The largest submission the grader reads (bytes). */
export const MAX_SUBMISSION_BYTES = 20 * 2 ** 20;

/** Parses and checks a submitted .ipynb (bytes), throwing {@link InvalidSubmission} with a clear message. */
export function parseSubmission(bytes: Uint8Array, expectedKernel = "deno"): Notebook {
  if (bytes.length > MAX_SUBMISSION_BYTES) {
    throw new InvalidSubmission(
      `the file is ${(bytes.length / 2 ** 20).toFixed(1)} MiB, more than the ${
        MAX_SUBMISSION_BYTES / 2 ** 20
      } MiB a notebook may have; clear the outputs (Edit > Clear Outputs of All Cells) and save again`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidSubmission("the file is not UTF-8 text, so not a notebook");
  }
  if (text.trim() === "") throw new InvalidSubmission("the file is empty");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    if (/end of (JSON )?input|Unterminated|Unexpected end/i.test(msg)) {
      throw new InvalidSubmission(
        `the file ends in the middle of the notebook (truncated: ${msg}); ` +
          "save the notebook again in JupyterLab and resubmit",
      );
    }
    throw new InvalidSubmission(
      `the file is not valid JSON (${msg}); it was damaged or edited outside JupyterLab`,
    );
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    throw new InvalidSubmission("the file is JSON but not a notebook (no top-level object)");
  }
  const nb = data as Partial<Notebook>;
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) {
    throw new InvalidSubmission(
      `the file is not a Jupyter notebook in format 4 (nbformat ${JSON.stringify(nb.nbformat)}, ${
        Array.isArray(nb.cells) ? "" : "no "
      }cell list)`,
    );
  }
  const meta = (nb.metadata && typeof nb.metadata === "object") ? nb.metadata : {};
  const spec = (meta as { kernelspec?: { name?: unknown } }).kernelspec;
  const kernel = spec && typeof spec === "object" ? spec.name : undefined;
  if (kernel !== expectedKernel) {
    throw new InvalidSubmission(
      `the notebook is for the kernel ${
        kernel === undefined ? "(none)" : JSON.stringify(kernel)
      }, not ${JSON.stringify(expectedKernel)}; ` +
        "open the course's notebook with the Deno kernel (Kernel > Change Kernel) and save",
    );
  }
  nb.cells.forEach((cell, i) => {
    const ok = cell && typeof cell === "object" &&
      ["code", "markdown", "raw"].includes((cell as NotebookCell).cell_type) &&
      (typeof cell.source === "string" ||
        (Array.isArray(cell.source) && cell.source.every((s) => typeof s === "string")));
    if (!ok) {
      throw new InvalidSubmission(
        `cell ${i + 1} is not a valid notebook cell (cell_type or source missing)`,
      );
    }
  });
  return { nbformat: 4, nbformat_minor: nb.nbformat_minor ?? 5, metadata: meta, cells: nb.cells };
}

function gradeIdOf(cell: NotebookCell): string | undefined {
  const meta = cell.metadata && typeof cell.metadata === "object" ? nbgrader(cell) : undefined;
  const id = meta && typeof meta === "object" ? meta.grade_id : undefined;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Normalises a cell source for comparison (line endings, trailing white space). */
export function normalizeSource(source: string): string {
  return source.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trimEnd()).join("\n").trim();
}

/** SHA-256 (hex) of a string. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** True when the cell is a graded or locked cell (restored from the source when grading). */
export function isProtected(cell: NotebookCell): boolean {
  const m = nbgrader(cell);
  return !!m && !m.solution && (m.grade === true || m.locked === true);
}

/** The graded cells of a source notebook, in order. */
export function gradedCells(
  source: Notebook,
): { gradeId: string; points: number; index: number }[] {
  return source.cells.flatMap((cell, index) => {
    const id = gradeIdOf(cell);
    return isGraded(cell) && id
      ? [{ gradeId: id, points: nbgrader(cell)?.points ?? 0, index }]
      : [];
  });
}

function cleanCell(cell: NotebookCell, source: string, nbgraderMeta?: unknown): NotebookCell {
  const metadata: NotebookCell["metadata"] = {};
  if (nbgraderMeta) {
    metadata.nbgrader = structuredClone(nbgraderMeta) as NotebookCell["metadata"]["nbgrader"];
  }
  const out: NotebookCell = { cell_type: cell.cell_type, metadata, source };
  if (cell.cell_type === "code") {
    out.outputs = [];
    out.execution_count = null;
  }
  return out;
}

/** SHA-256 of every cell's source (for comparing with release/checksums.json). */
export function cellHashesOf(nb: Notebook): Promise<string[]> {
  return Promise.all(nb.cells.map((c) => sha256Hex(cellSource(c))));
}

/** The notebook to execute, the notices, and where each graded cell ended up. */
export interface Assembled {
  notebook: Notebook;
  notices: Notice[];
  /** grade_id of a graded cell → its index in `notebook.cells`. */
  gradedAt: Map<string, number>;
}

/**
 * Builds the notebook to grade: the student's cells in the student's order, each graded or locked
 * cell replaced by the instructor's version (hidden tests back in), missing graded/locked cells
 * put back after the cell that precedes them in the source, duplicates of graded/locked cells
 * dropped. Solution cells and the student's own cells are kept as written.
 */
export function assemble(
  source: Notebook,
  submission: Notebook,
  { releasedSums = {}, cellHashes = [] }: {
    /** grade_id → SHA-256 of the cell as released (release/checksums.json), if known. */
    releasedSums?: Record<string, string>;
    /** SHA-256 of each submitted cell's source, index-aligned with `submission.cells`. */
    cellHashes?: (string | undefined)[];
  } = {},
): Assembled {
  const student = studentVersion(source, { clearOutputs: true });
  const byId = new Map<string, { index: number; cell: NotebookCell; released: string }>();
  source.cells.forEach((cell, index) => {
    const id = gradeIdOf(cell);
    if (id && !byId.has(id)) {
      byId.set(id, { index, cell, released: cellSource(student.cells[index]) });
    }
  });
  const notices: Notice[] = [];
  const out: { cell: NotebookCell; gradeId?: string }[] = [];
  const firstAt = new Map<string, number>();
  submission.cells.forEach((cell, i) => {
    const text = cellSource(cell);
    const id = gradeIdOf(cell);
    const src = id ? byId.get(id) : undefined;
    if (!id) {
      out.push({ cell: cleanCell(cell, text) });
      return;
    }
    if (!src) {
      notices.push({
        gradeId: id,
        kind: "unknown-cell",
        message: `cell ${i + 1} has grade_id "${id}", which the course notebook does not have; ` +
          "it was run as an ordinary cell",
      });
      out.push({ cell: cleanCell(cell, text) });
      return;
    }
    const protectedCell = isProtected(src.cell);
    if (firstAt.has(id)) {
      notices.push({
        gradeId: id,
        kind: "duplicate",
        message: `cell ${i + 1} repeats grade_id "${id}" of cell ${firstAt.get(id)! + 1}; ` +
          (protectedCell
            ? "this copy of a read-only cell was removed"
            : "the first one is the answer, this copy was run as an ordinary cell after it"),
      });
      if (!protectedCell) out.push({ cell: cleanCell(cell, text) });
      return;
    }
    firstAt.set(id, i);
    if (protectedCell) {
      // Unchanged: as released (the recorded checksum, so that an instructor's later edit of the
      // source is not blamed on the student), or as the source's student version now.
      const asReleased = releasedSums[id] !== undefined && cellHashes[i] === releasedSums[id];
      const changed = cell.cell_type !== src.cell.cell_type ||
        (!asReleased && normalizeSource(text) !== normalizeSource(src.released));
      if (changed) {
        notices.push({
          gradeId: id,
          kind: "tampered",
          message: `cell ${i + 1} ("${id}") is read-only but was changed` +
            (cell.cell_type !== src.cell.cell_type
              ? ` (turned into a ${cell.cell_type} cell)`
              : "") +
            "; it was graded as released",
        });
      }
      out.push({
        cell: cleanCell(src.cell, cellSource(src.cell), nbgrader(src.cell)),
        gradeId: id,
      });
    } else {
      out.push({ cell: cleanCell(cell, text, nbgrader(src.cell)), gradeId: id });
    }
  });
  // Put back what was deleted, right after the cell that precedes it in the source.
  for (const [id, src] of byId) {
    if (firstAt.has(id)) continue;
    if (!isProtected(src.cell)) {
      notices.push({
        gradeId: id,
        kind: "deleted",
        message: `the answer cell "${id}" is missing (deleted, or its metadata changed); ` +
          "tests that need it can only pass if the answer is in another cell",
      });
      continue;
    }
    notices.push({
      gradeId: id,
      kind: "deleted",
      message: `the read-only cell "${id}" is missing; it was put back as released`,
    });
    let at = 0;
    for (let j = src.index - 1; j >= 0; j--) {
      const prev = gradeIdOf(source.cells[j]);
      const k = prev ? out.findIndex((o) => o.gradeId === prev) : -1;
      if (k >= 0) {
        at = k + 1;
        break;
      }
    }
    out.splice(at, 0, {
      cell: cleanCell(src.cell, cellSource(src.cell), nbgrader(src.cell)),
      gradeId: id,
    });
  }
  const gradedAt = new Map<string, number>();
  out.forEach((o, index) => {
    o.cell.id = `cell-${index}`;
    if (o.gradeId && isGraded(o.cell)) gradedAt.set(o.gradeId, index);
  });
  const notebook: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: structuredClone(source.metadata),
    cells: out.map((o) => o.cell),
  };
  return { notebook, notices, gradedAt };
}
