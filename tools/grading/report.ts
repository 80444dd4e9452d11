/**
 * The grader's outputs: `grades.csv` (one row per graded cell, plus one per notice) and one
 * self-contained HTML feedback page per student.
 *
 * @module
 */

import type { Notice } from "./assemble.ts";
import type { CellError, CellResult } from "./score.ts";

/** Everything the grader found for one notebook of one student. */
export interface NotebookGrade {
  student: string;
  notebook: string;
  results: CellResult[];
  notices: Notice[];
  /** Errors in cells that are not graded (answers, the student's own cells): feedback page only. */
  cellErrors?: CellError[];
  /** Set when the whole notebook could not be graded (unreadable, wrong kernel, missing). */
  problem?: string;
}

/** One row of grades.csv. */
export interface GradeRow {
  student: string;
  notebook: string;
  grade_id: string;
  points: number;
  max_points: number;
  status: string;
  message: string;
}

/** The header of grades.csv. */
export const CSV_HEADER = [
  "student",
  "notebook",
  "grade_id",
  "points",
  "max_points",
  "status",
  "message",
] as const;

/** The rows of one notebook's grade: graded cells in source order, then the notices. */
export function rows(g: NotebookGrade): GradeRow[] {
  const base = { student: g.student, notebook: g.notebook };
  return [
    ...g.results.map((r) => ({
      ...base,
      grade_id: r.gradeId,
      points: r.points,
      max_points: r.maxPoints,
      status: r.status,
      message: r.message,
    })),
    ...g.notices.map((n) => ({
      ...base,
      grade_id: n.gradeId,
      points: 0,
      max_points: 0,
      status: n.kind,
      message: n.message,
    })),
  ];
}

function csvField(value: string | number): string {
  let s = String(value).replace(/\s+/g, " ").trim();
  // A field a spreadsheet would run as a formula gets a leading apostrophe.
  if (/^[=+\-@\t\r]/.test(s) && typeof value === "string") s = "'" + s;
  if (s.length > 1000) s = s.slice(0, 1000) + "…";
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** grades.csv text for these rows. */
export function toCsv(all: GradeRow[]): string {
  const lines = [CSV_HEADER.join(",")];
  for (const r of all) lines.push(CSV_HEADER.map((k) => csvField(r[k])).join(","));
  return lines.join("\n") + "\n";
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const STATUS_TEXT: Record<string, string> = {
  pass: "passed",
  fail: "failed",
  timeout: "timed out",
  crash: "kernel died",
  "not-run": "not run",
  error: "not graded",
  invalid: "not graded",
  missing: "not submitted",
};

/** A student's feedback page: every notebook, every test, pass or fail, and why. */
export function feedbackPage(student: string, grades: NotebookGrade[]): string {
  const total = grades.reduce((s, g) => s + g.results.reduce((t, r) => t + r.points, 0), 0);
  const max = grades.reduce((s, g) => s + g.results.reduce((t, r) => t + r.maxPoints, 0), 0);
  const parts = grades.map((g) => {
    const got = g.results.reduce((t, r) => t + r.points, 0);
    const of = g.results.reduce((t, r) => t + r.maxPoints, 0);
    const body = g.results.map((r) => {
      const ok = r.status === "pass";
      const detail = [
        r.message ? `<pre class="msg">${esc(r.message)}</pre>` : "",
        r.output?.trim() ? `<pre class="out">${esc(r.output.trim().slice(0, 4000))}</pre>` : "",
      ].join("");
      return `<tr class="${ok ? "pass" : "fail"}"><td><code>${esc(r.gradeId)}</code></td>` +
        `<td>${ok ? "✓" : "✗"} ${esc(STATUS_TEXT[r.status] ?? r.status)}</td>` +
        `<td class="num">${r.points} / ${r.maxPoints}</td><td>${detail}</td></tr>`;
    }).join("\n");
    const notices = g.notices.length
      ? `<h3>Notes on your notebook</h3><ul>${
        g.notices.map((n) => `<li><strong>${esc(n.kind)}</strong>: ${esc(n.message)}</li>`).join(
          "",
        )
      }</ul>`
      : "";
    const errors = g.cellErrors?.length
      ? `<h3>Errors in your cells</h3><p>A test fails when a cell it depends on failed first:</p><ul>${
        g.cellErrors.map((e) =>
          `<li>${e.gradeId ? `<code>${esc(e.gradeId)}</code>, ` : ""}the cell starting <code>${
            esc(e.firstLine)
          }</code>: <pre class="msg">${esc(e.message)}</pre></li>`
        ).join("")
      }</ul>`
      : "";
    const problem = g.problem ? `<p class="problem">${esc(g.problem)}</p>` : "";
    return `<section><h2>${esc(g.notebook)}: ${got} / ${of} points</h2>${problem}
<table><thead><tr><th>test</th><th>result</th><th>points</th><th>details</th></tr></thead>
<tbody>
${body}
</tbody></table>${errors}${notices}</section>`;
  }).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Feedback for ${esc(student)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
tr.pass td:nth-child(2) { color: #166534; } tr.fail td:nth-child(2) { color: #b91c1c; }
td.num { white-space: nowrap; text-align: right; }
pre { white-space: pre-wrap; margin: 0; font-size: 13px; } pre.out { color: #555; margin-top: .3rem; }
.problem { color: #b91c1c; font-weight: 600; }
</style></head>
<body>
<h1>Feedback for ${esc(student)}</h1>
<p>Total: <strong>${total} / ${max}</strong> points.</p>
${parts}
</body></html>
`;
}
