"""Writes the course's small real data sets to data/*.csv from scikit-learn's bundled copies.

No downloads: load_digits, load_diabetes and load_breast_cancer read files that ship inside the
scikit-learn wheel. Output is deterministic: integral values are written as integers, the others
with Python's shortest round-trip float repr, rows in scikit-learn's order, "\n" line ends.

Run with `deno task refs make_data.py` (installs requirements-reference.txt into .venv first).
"""

from pathlib import Path

import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data"


def snake(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def fmt(value) -> str:
    """Integral values as integers ("101", not "101.0"), others as the shortest round-trip float."""
    v = float(value)
    return str(int(v)) if v.is_integer() else repr(v)


def write_csv(name, header, columns):
    rows = len(columns[0])
    lines = [",".join(header)]
    for i in range(rows):
        lines.append(",".join(fmt(col[i]) for col in columns))
    path = OUT / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    print(f"make_data: wrote {path.relative_to(ROOT)} ({rows} rows, {len(header)} columns)")


def main():
    OUT.mkdir(exist_ok=True)
    print(f"make_data: scikit-learn {sklearn.__version__}")

    digits = load_digits()
    assert digits.data.shape == (1797, 64)
    header = [f"p{r}_{c}" for r in range(8) for c in range(8)] + ["label"]
    columns = [digits.data[:, j] for j in range(64)] + [digits.target]
    write_csv("digits.csv", header, columns)

    # scaled=False gives the raw measurements (age in years, sex coded 1/2, ...), not the
    # mean-centred, unit-norm columns scikit-learn returns by default.
    diabetes = load_diabetes(scaled=False)
    assert diabetes.data.shape == (442, 10)
    header = list(diabetes.feature_names) + ["target"]
    columns = [diabetes.data[:, j] for j in range(10)] + [diabetes.target]
    write_csv("diabetes.csv", header, columns)

    cancer = load_breast_cancer()
    assert cancer.data.shape == (569, 30)
    assert list(cancer.target_names) == ["malignant", "benign"]
    header = [snake(n) for n in cancer.feature_names] + ["target"]
    columns = [cancer.data[:, j] for j in range(30)] + [cancer.target]
    write_csv("breast_cancer.csv", header, columns)


if __name__ == "__main__":
    main()
