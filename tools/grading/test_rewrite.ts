/**
 * Reads and rewrites the TypeScript of notebook cells with the TypeScript compiler's parser (no
 * type checking): which names a cell declares and uses, and the two versions of a graded cell the
 * grader runs:
 *
 * - in the student's kernel ({@link rewriteForKernel}): every use of an answer's name `X` becomes
 *   `REC.get("X", () => X)` (recorded as data), and every check call `checkClose(what, got, …)`
 *   becomes `void (got)`, and comments go: the kernel computes the values the test looks at, and
 *   never sees an expected value, a tolerance or a hint that sits in a check's arguments;
 * - in the trusted replay ({@link rewriteForReplay}): every use of `X` becomes `REC.get("X")`,
 *   served from the kernel's record; the checks run as written.
 *
 * @module
 */

import ts from "typescript";

/** The assert helpers of lib/checks whose calls the kernel's version drops. */
export const CHECKS: ReadonlySet<string> = new Set([
  "checkClose",
  "checkBetween",
  "checkEqual",
  "checkThat",
]);

function parse(source: string): ts.SourceFile {
  return ts.createSourceFile("cell.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function bindingNames(name: ts.BindingName, out: string[] = []): string[] {
  if (ts.isIdentifier(name)) out.push(name.text);
  else {
    for (const el of name.elements) {
      if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
    }
  }
  return out;
}

/** Names declared at the top level of a cell (imports not included). */
export function topLevelNames(source: string): string[] {
  const out: string[] = [];
  for (const st of parse(source).statements) {
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) bindingNames(d.name, out);
    } else if (
      (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) &&
      st.name
    ) {
      out.push(st.name.text);
    }
  }
  return out;
}

/** The import declarations of a cell (their source text) and the names they bind. */
export function importsOf(source: string): { text: string; names: string[] }[] {
  const sf = parse(source);
  return sf.statements.filter(ts.isImportDeclaration).map((d) => {
    const names: string[] = [];
    const clause = d.importClause;
    if (clause?.name) names.push(clause.name.text);
    const nb = clause?.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) names.push(nb.name.text);
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) if (!el.isTypeOnly) names.push(el.name.text);
    }
    return { text: source.slice(d.getStart(sf), d.end), names };
  });
}

/** The cell's source without its import declarations (they are hoisted by the caller). */
export function withoutImports(source: string): string {
  const sf = parse(source);
  let out = source;
  for (const d of [...sf.statements].reverse()) {
    if (ts.isImportDeclaration(d)) out = out.slice(0, d.getStart(sf)) + out.slice(d.end);
  }
  return out;
}

/** True when `id` is a use of a value (not a property name, declaration, label or type). */
function isReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if (ts.isQualifiedName(p)) return false;
  if (
    (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) ||
      ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertySignature(p) ||
      ts.isEnumMember(p)) && p.name === id
  ) return false;
  if (
    (ts.isVariableDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) ||
      ts.isClassDeclaration(p) || ts.isClassExpression(p) || ts.isParameter(p) ||
      ts.isTypeAliasDeclaration(p) || ts.isInterfaceDeclaration(p) || ts.isEnumDeclaration(p) ||
      ts.isTypeParameterDeclaration(p)) && p.name === id
  ) return false;
  if (ts.isBindingElement(p) && (p.name === id || p.propertyName === id)) return false;
  if (
    ts.isImportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p) ||
    ts.isExportSpecifier(p)
  ) return false;
  if (
    ts.isLabeledStatement(p) || ts.isBreakStatement(p) || ts.isContinueStatement(p)
  ) return false;
  return true;
}

/** Every name declared anywhere in the cell (any scope, parameters and catch variables too). */
function allDeclared(sf: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const walk = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) || ts.isParameter(n)) {
      bindingNames(n.name).forEach((x) => out.add(x));
    } else if (
      (ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isFunctionExpression(n) ||
        ts.isClassExpression(n) || ts.isEnumDeclaration(n)) && n.name
    ) out.add(n.name.text);
    else if (ts.isImportDeclaration(n)) return;
    n.forEachChild(walk);
  };
  walk(sf);
  return out;
}

/** The names a cell uses but does not declare (globals such as `Math` included). */
export function freeNames(source: string): string[] {
  const sf = parse(source);
  const declared = allDeclared(sf);
  for (const i of importsOf(source)) i.names.forEach((n) => declared.add(n));
  const used = new Set<string>();
  const walk = (n: ts.Node) => {
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return;
    if (ts.isImportDeclaration(n)) return;
    if (ts.isIdentifier(n) && isReference(n) && !declared.has(n.text)) used.add(n.text);
    n.forEachChild(walk);
  };
  walk(sf);
  return [...used];
}

function declaresIn(statements: readonly ts.Statement[], name: string): boolean {
  return statements.some((st) =>
    (ts.isVariableStatement(st) &&
      st.declarationList.declarations.some((d) => bindingNames(d.name).includes(name))) ||
    ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) &&
      st.name?.text === name)
  );
}

/** True when `id` refers to a declaration inside the cell (a local of that name in scope). */
function isShadowed(id: ts.Identifier): boolean {
  const name = id.text;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) {
      if (n.parameters.some((p) => bindingNames(p.name).includes(name))) return true;
      if (ts.isFunctionExpression(n) && n.name?.text === name) return true;
    }
    if ((ts.isBlock(n) || ts.isSourceFile(n)) && declaresIn(n.statements, name)) return true;
    if (ts.isCaseClause(n) || ts.isDefaultClause(n)) {
      if (declaresIn(n.statements, name)) return true;
    }
    if (
      (ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) &&
      n.initializer && ts.isVariableDeclarationList(n.initializer) &&
      n.initializer.declarations.some((d) => bindingNames(d.name).includes(name))
    ) return true;
    if (
      ts.isCatchClause(n) && n.variableDeclaration &&
      bindingNames(n.variableDeclaration.name).includes(name)
    ) return true;
  }
  return false;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function rewrite(
  source: string,
  answers: ReadonlySet<string>,
  replace: (name: string) => string,
  dropChecks: boolean,
): string {
  const sf = parse(source);
  const names = answers;
  const checks = CHECKS;
  const edits = (n: ts.Node): Edit[] => {
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return [];
    if (ts.isImportDeclaration(n)) return [];
    if (
      ts.isShorthandPropertyAssignment(n) && names.has(n.name.text) && !isShadowed(n.name)
    ) {
      return [{
        start: n.getStart(sf),
        end: n.end,
        text: `${n.name.text}: ${replace(n.name.text)}`,
      }];
    }
    if (ts.isIdentifier(n) && isReference(n) && names.has(n.text) && !isShadowed(n)) {
      return [{ start: n.getStart(sf), end: n.end, text: replace(n.text) }];
    }
    if (
      dropChecks && ts.isCallExpression(n) && ts.isIdentifier(n.expression) &&
      checks.has(n.expression.text) && !isShadowed(n.expression)
    ) {
      const got = n.arguments[1];
      return [{ start: n.getStart(sf), end: n.end, text: got ? `void (${apply(got)})` : "void 0" }];
    }
    const out: Edit[] = [];
    n.forEachChild((c) => {
      out.push(...edits(c));
    });
    return out;
  };
  const apply = (n: ts.Node): string => {
    const start = n.getStart(sf);
    let text = source.slice(start, n.end);
    for (const e of edits(n).sort((a, b) => b.start - a.start)) {
      text = text.slice(0, e.start - start) + e.text + text.slice(e.end - start);
    }
    return text;
  };
  let out = source;
  for (const e of edits(sf).sort((a, b) => b.start - a.start)) {
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}

/** The source without its comments (a comment may say what a hidden test expects). */
export function withoutComments(source: string): string {
  const sf = parse(source);
  const ranges = new Map<number, number>();
  const collect = (pos: number) => {
    for (const r of ts.getLeadingCommentRanges(source, pos) ?? []) ranges.set(r.pos, r.end);
    for (const r of ts.getTrailingCommentRanges(source, pos) ?? []) ranges.set(r.pos, r.end);
  };
  const walk = (n: ts.Node) => {
    collect(n.pos);
    collect(n.end);
    n.forEachChild(walk);
  };
  walk(sf);
  collect(sf.endOfFileToken.pos);
  let out = source;
  for (const [pos, end] of [...ranges].sort((a, b) => b[0] - a[0])) {
    const newlines = source.slice(pos, end).replace(/[^\n]/g, "");
    out = out.slice(0, pos) + (newlines || " ") + out.slice(end); // never glue two tokens
  }
  return out;
}

/**
 * The graded cell as the student's kernel runs it while grading: uses of the answers' names read
 * through `rec` (a tools/grading/kernel_recorder.ts recorder), check calls reduced to the value
 * they check.
 */
export function rewriteForKernel(
  source: string,
  answers: ReadonlySet<string>,
  rec: string,
): string {
  return withoutComments(
    rewrite(source, answers, (n) => `${rec}.get(${JSON.stringify(n)}, () => ${n})`, true),
  );
}

/** The graded cell as the trusted replay runs it: the answers' names served by `rec`. */
export function rewriteForReplay(
  source: string,
  answers: ReadonlySet<string>,
  rec: string,
): string {
  return rewrite(source, answers, (n) => `${rec}.get(${JSON.stringify(n)})`, false);
}
