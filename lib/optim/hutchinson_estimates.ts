/**
 * Hutchinson's estimator of a Hessian diagonal as a running mean: diag(H) ≈ (1/k) Σ z ⊙ Hz over
 * k Rademacher vectors z, reported after chosen numbers of samples so its convergence can be
 * plotted. (AdaHessian's own per-step estimate is `hutchinsonDiagonal`, which takes |z ⊙ Hz|.)
 *
 * @module
 */

import type { Rng } from "../random.ts";
import { rademacherLike } from "./adahessian.ts";
import { flatten, type Params } from "./tree.ts";

/** One checkpoint of {@link hutchinsonEstimates}. */
export interface HutchinsonEstimate {
  /** Samples averaged so far (k). */
  samples: number;
  /** The running mean of z ⊙ Hz after k samples, flattened. */
  estimate: number[];
}

/**
 * The running mean of z ⊙ H z over Rademacher vectors z drawn from `rng` (shaped like `like`),
 * reported at each count in `checkpoints` (ascending). One Hessian-vector product per sample;
 * `hvpAt(z)` returns H z with the structure of `like`.
 *
 * @example A diagonal Hessian is recovered exactly by one sample
 * ```ts
 * import { Rng } from "../random.ts";
 * import { hutchinsonEstimates } from "./hutchinson_estimates.ts";
 * const Hz = (z: number[]) => [3 * z[0], -2 * z[1]];
 * const [one] = hutchinsonEstimates(Hz, [0, 0], [1], new Rng(0));
 * console.log(one); // { samples: 1, estimate: [3, -2] }
 * ```
 */
export function hutchinsonEstimates<P extends Params>(
  hvpAt: (z: P) => Params,
  like: P,
  checkpoints: readonly number[],
  rng: Rng,
): HutchinsonEstimate[] {
  if (
    !Array.isArray(checkpoints) || checkpoints.length === 0 ||
    !checkpoints.every((k, i) =>
      Number.isInteger(k) && k >= 1 && (i === 0 || k > checkpoints[i - 1])
    )
  ) {
    throw new RangeError(
      `invalid checkpoints: ${JSON.stringify(checkpoints)} (expected ascending whole numbers ≥ 1)`,
    );
  }
  const n = flatten(like).length;
  const sum = new Array<number>(n).fill(0);
  const out: HutchinsonEstimate[] = [];
  let next = 0;
  for (let k = 1; k <= checkpoints[checkpoints.length - 1]; k++) {
    const z = rademacherLike(like, rng);
    const zf = flatten(z), hz = flatten(hvpAt(z));
    if (hz.length !== n) {
      throw new RangeError(`invalid hvpAt: returned ${hz.length} numbers (expected ${n})`);
    }
    for (let j = 0; j < n; j++) sum[j] += zf[j] * hz[j];
    if (k === checkpoints[next]) {
      out.push({ samples: k, estimate: sum.map((s) => s / k) });
      next++;
    }
  }
  return out;
}
