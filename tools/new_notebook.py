"""Write a course notebook from a list of (kind, source) pairs: used by authors, not by the build.

    from new_notebook import write
    write("notebooks/01_gradient_descent.ipynb", [("md", "# Title"), ("code", "1 + 1")])

Produces nbformat 4.5 with the `deno` kernelspec, stable cell ids and no outputs.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

import nbformat

KERNELSPEC = {"name": "deno", "display_name": "Deno", "language": "typescript"}
LANGUAGE_INFO = {
    "name": "typescript",
    "file_extension": ".ts",
    "mimetype": "text/x.typescript",
    "codemirror_mode": "typescript",
    "pygments_lexer": "typescript",
}


def write(path: str, cells: Iterable[tuple[str, str] | tuple[str, str, dict[str, Any]]]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    stem = path.rsplit("/", 1)[-1].split(".")[0]
    for i, item in enumerate(cells):
        kind, source = item[0], item[1].strip("\n")
        meta = item[2] if len(item) > 2 else {}
        cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
        cell.id = hashlib.sha1(f"{stem}-{i}".encode()).hexdigest()[:12]
        cell.metadata = meta
        nb.cells.append(cell)
    nbformat.validate(nb)
    nbformat.write(nb, path)
