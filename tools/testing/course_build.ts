/**
 * One course build per test process: test files that inspect executed notebooks or handouts share
 * it instead of each executing every notebook again.
 *
 * @module
 */

import { build, type BuildResult } from "../build.ts";

let cached: Promise<BuildResult> | undefined;

/** Runs `deno task build` once (in-process) and returns its result to every caller. */
export function builtCourse(): Promise<BuildResult> {
  cached ??= build();
  return cached;
}
