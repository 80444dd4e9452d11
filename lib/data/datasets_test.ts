import assert from "node:assert/strict";
import { loadBreastCancer, loadDiabetes, loadDigits } from "./datasets.ts";

function counts(y: Float64Array, k: number): number[] {
  const c = new Array(k).fill(0);
  for (const v of y) c[v]++;
  return c;
}

Deno.test("loadDigits() returns 1,797 images of 64 pixels in 0..16 with labels 0..9", () => {
  const { X, y, featureNames, targetName, classNames, name } = loadDigits();
  assert.equal(name, "digits");
  assert.deepEqual(X.shape, [1797, 64]);
  assert.deepEqual(y.shape, [1797]);
  assert.equal(featureNames.length, 64);
  assert.equal(featureNames[9], "p1_1");
  assert.equal(targetName, "label");
  assert.deepEqual(classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.ok(X.data.every((v) => Number.isInteger(v) && v >= 0 && v <= 16));
  // scikit-learn's class counts for load_digits().
  assert.deepEqual(counts(y.data, 10), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
  // The first image is a 0 (sklearn's digits.images[0] row 0 is 0 0 5 13 9 1 0 0).
  assert.equal(y.data[0], 0);
  assert.deepEqual([...X.data.subarray(0, 8)], [0, 0, 5, 13, 9, 1, 0, 0]);
});

Deno.test("loadDigits({ scale: true }) divides pixels by 16 without touching the cached copy", () => {
  const scaled = loadDigits({ scale: true });
  assert.equal(scaled.X.data[2], 5 / 16);
  assert.ok(scaled.X.data.every((v) => v >= 0 && v <= 1));
  assert.equal(loadDigits().X.data[2], 5);
});

Deno.test("loadDiabetes() returns 442 raw rows with the scikit-learn feature names", () => {
  const { X, y, featureNames, targetName, classNames } = loadDiabetes();
  assert.deepEqual(X.shape, [442, 10]);
  assert.deepEqual(featureNames, ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]);
  assert.equal(targetName, "target");
  assert.equal(classNames, undefined);
  assert.deepEqual([...X.data.subarray(0, 10)], [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87]);
  assert.equal(y.data[0], 151);
  assert.equal(Math.min(...y.data), 25);
  assert.equal(Math.max(...y.data), 346);
});

Deno.test("loadBreastCancer() returns 569 rows, 30 features, 212 malignant (0) and 357 benign (1)", () => {
  const { X, y, featureNames, classNames } = loadBreastCancer();
  assert.deepEqual(X.shape, [569, 30]);
  assert.equal(featureNames[0], "mean_radius");
  assert.equal(featureNames[29], "worst_fractal_dimension");
  assert.deepEqual(classNames, ["malignant", "benign"]);
  assert.deepEqual(counts(y.data, 2), [212, 357]);
  assert.equal(X.data[0], 17.99);
});

Deno.test("loaders find data/ from any working directory", async () => {
  const url = new URL("./datasets.ts", import.meta.url).href;
  const code =
    `import { loadDigits } from "${url}"; console.log(JSON.stringify(loadDigits().X.shape));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-config", code],
    cwd: Deno.makeTempDirSync(),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  assert.equal(new TextDecoder().decode(out.stdout).trim(), "[1797,64]");
});
