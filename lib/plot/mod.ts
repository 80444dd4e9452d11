/**
 * Plot helpers: Observable Plot figures drawn server-side, shown inline by the Deno kernel.
 *
 * @example A landscape
 * ```ts
 * import { landscape } from "./mod.ts";
 * const bowl = { name: "bowl", domain: [[-1, 1], [-1, 1]] as const, minima: [[0, 0]], value: ([x, y]: [number, number]) => x * x + 3 * y * y };
 * console.log(landscape(bowl).label.startsWith("Contour plot of bowl")); // true
 * ```
 *
 * @module
 */

export * from "./figure.ts";
export * from "./svg_image.ts";
export { palette, runColor, runLegend, type RunStyle, withLegends } from "./options.ts";
export * from "./landscape.ts";
export * from "./trajectories.ts";
export * from "./animated_trajectories.ts";
export * from "./curves.ts";
export * from "./effective_learning_rates.ts";
export * from "./moving_average_weights.ts";
export * from "./function_curve.ts";
export * from "./step_arrows.ts";
export * from "./explore.ts";
