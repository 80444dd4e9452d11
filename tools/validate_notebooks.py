"""Checks that course notebooks are committed clean: valid nbformat 4.5, kernelspec `deno`,
no outputs and no execution counts. Prints one line per problem; exit status 1 if any.

Usage: python tools/validate_notebooks.py NOTEBOOK...
"""

import sys

import nbformat


def problems(path: str) -> list[str]:
    try:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    except Exception as e:
        return [f"{path}: not a readable notebook ({type(e).__name__}: {e})"]
    found = []
    if (nb.nbformat, nb.nbformat_minor) != (4, 5):
        found.append(f"{path}: nbformat {nb.nbformat}.{nb.nbformat_minor}, expected 4.5")
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as e:
        found.append(f"{path}: invalid nbformat: {e.message}")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "deno":
        found.append(f"{path}: kernelspec {kernel!r}, expected 'deno'")
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"{path}: cell {i} has outputs; clear them before committing "
                         "(Edit > Clear Outputs of All Cells)")
        if cell.get("execution_count") is not None:
            found.append(f"{path}: cell {i} has an execution count; clear outputs before committing")
    return found


if __name__ == "__main__":
    all_problems = [p for path in sys.argv[1:] for p in problems(path)]
    for p in all_problems:
        print(p)
    sys.exit(1 if all_problems else 0)
