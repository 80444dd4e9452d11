/**
 * Runs INSIDE the student's kernel while grading (mounted read-only into the sandbox): records what
 * a graded cell reads from the student's answers, as data. The grader rewrites each graded cell so
 * that every use of an answer's name `X` becomes `rec.get("X", () => X)` and every check call keeps
 * only the value it checks (see tools/grading/test_rewrite.ts); this module prints one line per
 * event on the cell's stdout:
 *
 * - `get`: the name was read; its value (encoded by tools/grading/values.ts), a function marker,
 *   or the error reading it threw (a ReferenceError when the answer cell failed);
 * - `call` / `ret`: a function answer was called with these arguments / returned this value or
 *   threw this error.
 *
 * Nothing here is trusted: the student's code shares this kernel and may change, drop or invent
 * any of these lines. The grader only takes them as the student's claims about their values and
 * decides every verdict elsewhere (tools/grading/replay_runtime.ts).
 *
 * @module
 */

import { encode } from "./values.ts";

/** The prefix of a record line on the cell's stdout. */
export const RECORD_MARK = "\u241egrade-record\u241e";

/** What a thrown value looked like: its name and message. */
export interface ThrownInfo {
  name: string;
  message: string;
}

/** One recorded event (one line). */
export type RecordEvent =
  | { k: "get"; n: string; v?: unknown; threw?: ThrownInfo }
  | { k: "call"; n: string; id: number; a: unknown }
  | { k: "ret"; id: number; v?: unknown; threw?: ThrownInfo };

function thrownInfo(e: unknown): ThrownInfo {
  try {
    if (e instanceof Error) return { name: String(e.name), message: String(e.message) };
    return { name: "Error", message: String(e) };
  } catch {
    return { name: "Error", message: "(an error that cannot be shown)" };
  }
}

/** The recorder of one graded cell. */
export interface Recorder {
  /** Reads the answer `name` through `read` and records it; functions come back wrapped. */
  get(name: string, read: () => unknown): unknown;
}

/** A recorder that prints its events with `console.log` (the kernel's stdout for this cell). */
export function recorder(): Recorder {
  let nextId = 0;
  const emit = (event: RecordEvent) => console.log(RECORD_MARK + JSON.stringify(event));
  return {
    get(name, read) {
      let value: unknown;
      try {
        value = read();
      } catch (e) {
        emit({ k: "get", n: name, threw: thrownInfo(e) });
        throw e;
      }
      if (typeof value !== "function") {
        emit({ k: "get", n: name, v: encode(value) });
        return value;
      }
      emit({ k: "get", n: name, v: { $: "fn" } });
      const f = value as (...args: unknown[]) => unknown;
      return function (this: unknown, ...args: unknown[]) {
        const id = nextId++;
        emit({ k: "call", n: name, id, a: encode(args) });
        let result: unknown;
        try {
          result = f.apply(this, args);
        } catch (e) {
          emit({ k: "ret", id, threw: thrownInfo(e) });
          throw e;
        }
        emit({ k: "ret", id, v: encode(result) });
        return result;
      };
    },
  };
}
