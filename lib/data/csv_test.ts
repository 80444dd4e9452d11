import assert from "node:assert/strict";
import { parseCsv, readCsv } from "./csv.ts";

Deno.test("parseCsv() reads a header and row-major values", () => {
  const t = parseCsv("x,y,label\n1,2.5,0\n-3,4e-2,1\n\n", "t.csv");
  assert.deepEqual(t.header, ["x", "y", "label"]);
  assert.equal(t.rows, 2);
  assert.deepEqual([...t.values], [1, 2.5, 0, -3, 0.04, 1]);
});

Deno.test("parseCsv() accepts CRLF line ends", () => {
  const t = parseCsv("a,b\r\n1,2\r\n", "t.csv");
  assert.deepEqual([...t.values], [1, 2]);
});

Deno.test("parseCsv() names file, line and expected count for a short row", () => {
  assert.throws(
    () => parseCsv("a,b,c\n1,2,3\n4,5,6\n7,8\n", "data/x.csv"),
    { message: "data/x.csv line 4: expected 3 numeric fields, got 2" },
  );
});

Deno.test("parseCsv() names the field of a non-numeric or empty value", () => {
  assert.throws(
    () => parseCsv("a,b\n1,oops\n", "x.csv"),
    { message: 'x.csv line 2: field 2 (b) is "oops", expected a finite number' },
  );
  assert.throws(() => parseCsv("a,b\n1,\n", "x.csv"), /x.csv line 2: field 2 \(b\) is ""/);
  assert.throws(() => parseCsv("a,b\n1,2\n\n3,4\n", "x.csv"), /x.csv line 3: .*an empty line/);
});

Deno.test("parseCsv() checks the header against the expected column count", () => {
  assert.throws(
    () => parseCsv("a,b\n1,2\n", "x.csv", { columns: 3 }),
    /x.csv line 1: expected a header of 3 non-empty column names/,
  );
  assert.throws(() => parseCsv("", "x.csv"), /x.csv line 1: expected a header row/);
});

Deno.test("readCsv() names a missing file and says how to regenerate it", () => {
  const url = new URL("../../data/no_such_file.csv", import.meta.url);
  assert.throws(
    () => readCsv(url, { regenerate: "`deno task refs make_data.py`" }),
    (e: Error) =>
      e.message.startsWith("Data file data/no_such_file.csv not found") &&
      e.message.endsWith("regenerate it with `deno task refs make_data.py`"),
  );
});

Deno.test("readCsv() names a malformed file by its path", () => {
  const dir = Deno.makeTempDirSync();
  const file = `${dir}/bad.csv`;
  Deno.writeTextFileSync(file, "a,b\n1,2\n3,4\n5\n");
  try {
    assert.throws(() => readCsv(file), {
      message: `${file} line 4: expected 2 numeric fields, got 1`,
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
