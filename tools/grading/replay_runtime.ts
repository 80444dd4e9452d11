/**
 * The trusted side of grading: runs in a fresh Deno process that loads the library, the
 * instructor's context cells and the graded cells, and never any code of the student's. Each use
 * of an answer's name in a graded cell is served from the kernel's record (see
 * tools/grading/kernel_recorder.ts), in order:
 *
 * - reading the name gives the recorded value (as plain data) or throws the recorded error;
 * - calling a recorded function must match the next recorded call: same name and the same
 *   arguments (compared as encoded data) as this process computed them; it gives the recorded
 *   result (plain data) or throws the recorded error. A call that does not match, or a record
 *   that runs out, fails the test.
 *
 * The checks are lib/checks as loaded in this process: no value the student's kernel sent can run
 * code here, so the verdict depends only on whether the recorded values are right for the inputs
 * this process gave. Writes `{ gradeId: { status, ename?, evalue?, output } }` as JSON after
 * {@link RESULT_MARK} on stdout.
 *
 * @module
 */

import { canonical, decode, encode } from "./values.ts";
import type { RecordEvent, ThrownInfo } from "./kernel_recorder.ts";

/** Prefix of the result line on stdout. */
export const RESULT_MARK = "\u241egrade-verdicts\u241e";

/** A graded cell's verdict from the replay. */
export interface ReplayVerdict {
  status: "pass" | "fail";
  ename?: string;
  evalue?: string;
  /** What the cell printed here (the checks' ✓ lines and the test's own output). */
  output: string;
}

/** The record does not fit the test: the student's kernel reported something else. */
export class RecordMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordMismatch";
  }
}

function rethrow(t: ThrownInfo): never {
  const name = typeof t?.name === "string" ? t.name.slice(0, 200) : "Error";
  const message = typeof t?.message === "string" ? t.message.slice(0, 4000) : "";
  const Ctor = ({
    ReferenceError,
    TypeError,
    RangeError,
    SyntaxError,
  } as Record<string, ErrorConstructor>)[name] ?? Error;
  const e = new Ctor(message);
  if (e.name !== name) Object.defineProperty(e, "name", { value: name });
  throw e;
}

function describeArgs(encoded: unknown): string {
  const text = canonical(encoded);
  return text.length > 120 ? text.slice(0, 120) + "…" : text;
}

/** Serves one graded cell's uses of the answers from its record. */
export class Replay {
  #events: RecordEvent[];
  #pos = 0;
  #used = new Set<number>();
  constructor(events: unknown) {
    this.#events = Array.isArray(events)
      ? events.filter((e): e is RecordEvent => !!e && typeof e === "object")
      : [];
  }

  #next(what: string): RecordEvent {
    while (this.#used.has(this.#pos)) this.#pos++;
    const e = this.#events[this.#pos];
    if (!e) {
      throw new RecordMismatch(
        `the grader has no record of ${what} from your notebook's run ` +
          "(did the cell run to this point?)",
      );
    }
    this.#used.add(this.#pos++);
    return e;
  }

  /** The answer `name` as the kernel recorded it. */
  get(name: string): unknown {
    const e = this.#next(`reading ${name}`);
    if (e.k !== "get" || e.n !== name) {
      throw new RecordMismatch(
        `the record of your notebook's run does not match the test at ${name}`,
      );
    }
    if (e.threw) rethrow(e.threw);
    const v = e.v as { $?: unknown } | undefined;
    if (v && typeof v === "object" && !Array.isArray(v) && v.$ === "fn") return this.#fn(name);
    return decode(e.v);
  }

  #fn(name: string): (...args: unknown[]) => unknown {
    return (...args: unknown[]) => {
      const e = this.#next(`a call of ${name}`);
      const mine = encode(args);
      if (e.k !== "call" || e.n !== name || canonical(e.a) !== canonical(mine)) {
        throw new RecordMismatch(
          `the record of your notebook's run does not match the test: expected a call of ` +
            `${name} with ${describeArgs(mine)}`,
        );
      }
      const id = e.id;
      const at = this.#events.findIndex((r, i) =>
        !this.#used.has(i) && r.k === "ret" && r.id === id
      );
      if (at < 0) throw new RecordMismatch(`the record has no result of this call of ${name}`);
      this.#used.add(at);
      const ret = this.#events[at] as Extract<RecordEvent, { k: "ret" }>;
      if (ret.threw) rethrow(ret.threw);
      return decode(ret.v);
    };
  }
}

function format(args: unknown[]): string {
  return args.map((a) => typeof a === "string" ? a : Deno.inspect(a, { colors: false })).join(" ");
}

/**
 * Runs the graded cells named in the input (JSON on stdin: `{ cells: { gradeId: events[] } }`)
 * and prints their verdicts. Called by the generated replay module.
 */
export async function runReplay(
  tests: Record<string, (rec: Replay) => Promise<void>>,
): Promise<void> {
  const input = JSON.parse(await new Response(Deno.stdin.readable).text()) as {
    cells?: Record<string, unknown>;
  };
  const verdicts: Record<string, ReplayVerdict> = {};
  const original = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
  };
  for (const [gradeId, events] of Object.entries(input.cells ?? {})) {
    const test = Object.hasOwn(tests, gradeId) ? tests[gradeId] : undefined;
    if (!test) continue;
    const lines: string[] = [];
    const capture = (...args: unknown[]) => void lines.push(format(args));
    Object.assign(console, { log: capture, info: capture, warn: capture, error: capture });
    try {
      await test(new Replay(events));
      verdicts[gradeId] = { status: "pass", output: "" };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      verdicts[gradeId] = { status: "fail", ename: err.name, evalue: err.message, output: "" };
    } finally {
      Object.assign(console, original);
    }
    verdicts[gradeId].output = lines.length ? lines.join("\n") + "\n" : "";
  }
  await Deno.stdout.write(
    new TextEncoder().encode(`\n${RESULT_MARK}${JSON.stringify(verdicts)}\n`),
  );
}
