/**
 * Loaders for the real data sets in `data/` (see `data/README.md` for sources and licences).
 * Each returns the features as an n × d tensor and the targets as a length-n tensor.
 *
 * @module
 */

import { fromData, type Tensor } from "../autodiff/mod.ts";
import { type NumericTable, readCsv } from "./csv.ts";

/** A data set with its features, targets and what they mean. */
export interface Dataset {
  /** Short name for titles and legends. */
  name: string;
  /** Features, shape [n, d]. */
  X: Tensor;
  /** Targets, shape [n]: class indices 0..k-1 for classification, real values for regression. */
  y: Tensor;
  /** Names of the d feature columns. */
  featureNames: string[];
  /** Name of the target column. */
  targetName: string;
  /** For classification: the name of each class, indexed by label. Absent for regression. */
  classNames?: string[];
}

const REGENERATE = "`deno task refs make_data.py` (see data/README.md)";
const cache = new Map<string, NumericTable>();

/** Reads data/<file> (once per process) and splits off the last column as the target. */
function load(
  file: string,
  columns: number,
  name: string,
  classNames?: string[],
): Dataset {
  let table = cache.get(file);
  if (!table) {
    table = readCsv(new URL(`../../data/${file}`, import.meta.url), {
      columns,
      regenerate: REGENERATE,
    });
    cache.set(file, table);
  }
  const { header, values, rows } = table;
  const d = columns - 1;
  const X = new Float64Array(rows * d), y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    X.set(values.subarray(i * columns, i * columns + d), i * d);
    y[i] = values[i * columns + d];
  }
  if (classNames) {
    for (let i = 0; i < rows; i++) {
      if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= classNames.length) {
        throw new Error(
          `data/${file} line ${i + 2}: expected a class label 0..${classNames.length - 1} in ` +
            `column ${header[d]}, got ${y[i]}: regenerate the file with ${REGENERATE}`,
        );
      }
    }
  }
  return {
    name,
    X: fromData(X, [rows, d]),
    y: fromData(y, [rows]),
    featureNames: header.slice(0, d),
    targetName: header[d],
    ...(classNames ? { classNames } : {}),
  };
}

/**
 * The UCI 8×8 handwritten digits: 1,797 images, 64 pixel features (row-major, `p{row}_{col}`),
 * labels 0..9. Pixels are counts 0..16; with `scale: true` they are divided by 16 into [0, 1].
 *
 * @example Load the digits and look at one image's size
 * ```ts
 * import { loadDigits } from "./datasets.ts";
 * const { X, y, classNames } = loadDigits({ scale: true });
 * console.log(X.shape, y.shape, classNames!.length); // [1797, 64] [1797] 10
 * console.log(X.max().item()); // 1
 * ```
 */
export function loadDigits({ scale = false }: { scale?: boolean } = {}): Dataset {
  const ds = load("digits.csv", 65, "digits", Array.from({ length: 10 }, (_, i) => String(i)));
  if (scale) {
    const data = ds.X.data;
    for (let i = 0; i < data.length; i++) data[i] /= 16;
  }
  return ds;
}

/**
 * The diabetes progression data (Efron et al. 2004): 442 patients, 10 raw baseline features
 * (age, sex, bmi, bp, s1..s6), target a disease-progression score one year later (25..346).
 * The features have very different scales: standardize them before gradient descent.
 *
 * @example Load the diabetes data
 * ```ts
 * import { loadDiabetes } from "./datasets.ts";
 * const { X, y, featureNames } = loadDiabetes();
 * console.log(X.shape, y.shape); // [442, 10] [442]
 * console.log(featureNames.slice(0, 3)); // ["age", "sex", "bmi"]
 * ```
 */
export function loadDiabetes(): Dataset {
  return load("diabetes.csv", 11, "diabetes");
}

/**
 * The Wisconsin diagnostic breast cancer data: 569 tumours, 30 real-valued nucleus features
 * (`mean_*`, `*_error`, `worst_*`), target 0 = malignant, 1 = benign.
 *
 * @example Load the breast cancer data
 * ```ts
 * import { loadBreastCancer } from "./datasets.ts";
 * const { X, y, classNames } = loadBreastCancer();
 * console.log(X.shape, classNames); // [569, 30] ["malignant", "benign"]
 * console.log(y.sum().item()); // 357 (the benign count)
 * ```
 */
export function loadBreastCancer(): Dataset {
  return load("breast_cancer.csv", 31, "breast cancer", ["malignant", "benign"]);
}
