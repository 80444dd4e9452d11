/**
 * Which notebook code cells must show something: the test that catches a plot that silently
 * vanished. A cell must display when it calls `console.log`/`display(` or when its last top-level
 * statement is an expression (the kernel shows its value). Cell metadata `tags` can override the
 * guess: `"no-output"` or `"expect-output"`.
 *
 * @module
 */

const DECLARATION =
  /^(const|let|var|import|export|function|async\s+function|class|type|interface|enum|for|while|do|if|switch|try|return|throw|declare|\/\/|\/\*)\b/;
const ASSIGNMENT = /^[\w$.[\]"'`]+\s*(=|\+=|-=|\*=|\/=)(?!=)/;

/** Start of the last top-level statement of some TypeScript source (a light bracket scanner). */
export function lastStatement(source: string): string {
  const lines = source.split("\n");
  let depth = 0;
  let start = -1;
  let prevEnded = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("//")) continue;
    if (depth === 0 && prevEnded && !/^[)\]}.?:]/.test(trimmed)) start = i;
    const code = line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""').replace(/\/\/.*$/, "");
    for (const ch of code) {
      if ("([{".includes(ch)) depth++;
      else if (")]}".includes(ch)) depth--;
    }
    const t = code.trim();
    prevEnded = depth === 0 && (/[;}]$/.test(t) || !/[,(\[{=+\-*/&|?:.]$/.test(t));
  }
  return start < 0 ? "" : lines.slice(start).join("\n").trim();
}

/** True when a code cell is expected to produce at least one output. */
export function shouldDisplay(source: string, tags: string[] = []): boolean {
  if (tags.includes("no-output")) return false;
  if (tags.includes("expect-output")) return true;
  if (/\bconsole\.(log|table|info)\(|\bdisplay\(/.test(source)) return true;
  const last = lastStatement(source);
  if (last === "") return false;
  return !DECLARATION.test(last) && !ASSIGNMENT.test(last);
}
