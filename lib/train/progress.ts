/**
 * A progress line that updates in place in a Jupyter notebook (Deno kernel) and is silent
 * everywhere else.
 *
 * @module
 */

/** Receives display updates: the kernel's `Deno.jupyter.display`, or a test double. */
export type ProgressSink = (
  bundle: Record<string, string>,
  options: { raw: true; display_id: string; update?: boolean },
) => Promise<void> | void;

/**
 * The kernel's display function when running under `deno jupyter`, else undefined. (Outside the
 * kernel even reading `Deno.jupyter` throws, hence the try.)
 *
 * @example
 * ```ts
 * import { jupyterDisplay } from "./progress.ts";
 * console.log(jupyterDisplay()); // undefined outside a notebook
 * ```
 */
export function jupyterDisplay(): ProgressSink | undefined {
  try {
    const jupyter = (Deno as unknown as { jupyter?: { display?: unknown } }).jupyter;
    if (typeof jupyter?.display === "function") {
      const display = jupyter.display as ProgressSink;
      return (bundle, options) => display(bundle, options);
    }
  } catch {
    // Not in the kernel.
  }
  return undefined;
}

let nextId = 0;

/** A line of text shown once and then replaced in place. */
export interface ProgressLine {
  /** Shows `text`, replacing the previous text (await it: updates are sent in order). */
  update(text: string): Promise<void>;
}

/**
 * A progress line on `sink` (default: the Jupyter kernel when there is one). Returns undefined
 * when there is nowhere to show it, so callers write `await line?.update(...)`.
 *
 * @example A test double collecting the updates
 * ```ts
 * import { progressLine } from "./progress.ts";
 * const seen: string[] = [];
 * const line = progressLine((bundle) => { seen.push(bundle["text/plain"]); });
 * await line!.update("epoch 1/2");
 * await line!.update("epoch 2/2");
 * console.log(seen); // ["epoch 1/2", "epoch 2/2"]
 * ```
 */
export function progressLine(sink: ProgressSink | undefined = jupyterDisplay()):
  | ProgressLine
  | undefined {
  if (!sink) return undefined;
  const display_id = `course-progress-${Date.now().toString(36)}-${++nextId}`;
  let shown = false;
  return {
    async update(text: string) {
      const bundle = { "text/plain": text };
      await sink(
        bundle,
        shown ? { raw: true, display_id, update: true } : { raw: true, display_id },
      );
      shown = true;
    },
  };
}

/**
 * A text progress bar: `▕██████░░░░▏` for a fraction done.
 *
 * @example
 * ```ts
 * import { bar } from "./progress.ts";
 * console.log(bar(0.5, 10)); // "▕█████░░░░░▏"
 * ```
 */
export function bar(fraction: number, width = 20): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `▕${"█".repeat(full)}${"░".repeat(width - full)}▏`;
}
