"""Execute one notebook on a fresh Deno kernel through nbclient, losing no output.

Deno's kernel (since 2.8.2) can publish a cell's outputs after it reports the cell idle, and
nbclient stops listening at idle. After every cell this executor runs a tiny *barrier* cell that
displays a unique token; the kernel's iopub messages arrive in order, so once the token is seen
every output the previous cell queued has arrived too, and each late one is put back into the
cell it belongs to.

(A second token printed on stdout does the same for printed text, which travels separately.)

A cell that runs longer than the per-cell timeout is interrupted (the kernelspec uses
``interrupt_mode: message``, so the kernel and its state survive) and reported as failed; the
run goes on with the next cell.

Usage:
    python tools/execute_notebook.py NOTEBOOK [--out EXECUTED.ipynb] [--timeout SECONDS]
                                     [--report REPORT.json] [--stop-on-error]

Prints one line per failing cell (notebook, cell number, first line, error name and message) and
a JSON report when ``--report`` is given. Exit status: 0 all cells ran, 1 some cell failed,
2 the notebook could not be read, 3 the kernel died.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, DeadKernelError
from nbclient.util import ensure_async

BARRIER_TIMEOUT = 30.0

# Use the project's own kernelspec and keep Jupyter's files inside the project, also when this
# script is run by hand (tools/setup.ts writes the kernelspec into .jupyter/).
_JUPYTER = Path(__file__).resolve().parent.parent / ".jupyter"
os.environ.setdefault("JUPYTER_PATH", str(_JUPYTER))
for _var, _sub in (("JUPYTER_DATA_DIR", "data"), ("JUPYTER_CONFIG_DIR", "config"),
                   ("JUPYTER_RUNTIME_DIR", "runtime")):
    os.environ.setdefault(_var, str(_JUPYTER / _sub))
os.environ.setdefault("NO_COLOR", "1")


class BarrierClient(NotebookClient):
    """A NotebookClient that waits after each cell until all of its outputs have arrived."""

    def __init__(self, nb: Any, **kw: Any) -> None:
        super().__init__(nb, **kw)
        self.on_cell_executed = self._barrier
        self.late_outputs = 0
        self.barrier_failures: list[int] = []
        self._timed_out: set[int] = set()

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
        if cell is not None:
            self._timed_out.add(id(cell))
        return await super()._async_handle_timeout(timeout, cell)

    async def _barrier(self, cell: Any, cell_index: int, execute_reply: Any) -> None:
        if execute_reply is None or self.kc is None:
            return
        content = execute_reply.get("content", {})
        if (content.get("status") == "error" and id(cell) not in self._timed_out
                and not any(o.get("output_type") == "error" for o in cell.outputs)):
            # The kernel reports some failures (a syntax error) only in the reply, with no message.
            ename = content.get("ename") or "Error"
            evalue = content.get("evalue") or "Execution failed"
            if evalue == "Execution failed":
                evalue += (" (the kernel gives no message for a syntax error: "
                           "check this cell's syntax)")
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]))
        if id(cell) in self._timed_out:
            # nbclient interrupts the cell but records nothing in it: say what happened there.
            err = self.error_on_timeout or {}
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename=err.get("ename", "CellTimeoutError"),
                evalue=err.get("evalue", "cell timed out"),
                traceback=[f"{err.get('ename', 'CellTimeoutError')}: {err.get('evalue', '')}"]))
        parent = execute_reply.get("parent_header", {}).get("msg_id")
        token = f"barrier-{uuid.uuid4().hex}"
        # Two proofs, one per channel the kernel publishes on: a display (display_data) and a line
        # on stdout (stream). Printed text travels separately from displays, so each needs its own.
        code = (f'console.log("{token}");\n'
                f'await Deno.jupyter.display({{"text/plain": "{token}"}}, {{ raw: true }});')
        barrier_id = await ensure_async(self.kc.execute(code, store_history=False, allow_stdin=False))
        seen_display = seen_stream = seen_idle = False
        deadline = time.monotonic() + BARRIER_TIMEOUT
        while not (seen_display and seen_stream and seen_idle):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.barrier_failures.append(cell_index)
                return
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=remaining)
            except Empty:
                continue
            owner = msg["parent_header"].get("msg_id")
            kind = msg["msg_type"]
            if owner == barrier_id:
                if kind == "display_data" and msg["content"].get("data", {}).get("text/plain") == token:
                    seen_display = True
                elif kind == "stream":
                    # Text the previous cell printed late may be flushed under the barrier's id:
                    # keep it for that cell, drop only the token.
                    text = msg["content"].get("text", "")
                    if token in text:
                        seen_stream = True
                    rest = "".join(line for line in text.splitlines(keepends=True) if token not in line)
                    if rest:
                        self.late_outputs += 1
                        self.process_message({**msg, "content": {**msg["content"], "text": rest},
                                              "parent_header": {"msg_id": parent}}, cell, cell_index)
                elif kind == "status" and msg["content"].get("execution_state") == "idle":
                    seen_idle = True
            elif owner == parent and kind not in ("status", "execute_input"):
                self.late_outputs += 1
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass
        # Drain the barrier's execute_reply so the shell channel holds nothing stale.
        try:
            while True:
                reply = await self.kc.shell_channel.get_msg(timeout=5)
                if reply["parent_header"].get("msg_id") == barrier_id:
                    break
        except Empty:
            pass


def first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def cell_errors(nb: Any, path: str) -> list[dict[str, Any]]:
    """The failing cells of an executed notebook, numbered from 1 over all cells."""
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append({
                    "notebook": path,
                    "cell": index + 1,
                    "first_line": first_line(cell.source),
                    "ename": output.get("ename", "Error"),
                    "evalue": output.get("evalue", ""),
                })
                break
    return errors


def execute(path: Path, timeout: float, stop_on_error: bool) -> tuple[Any, dict[str, Any]]:
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise SystemExit(f"{path}: no such notebook; check the path")
    except Exception as e:  # malformed JSON or not a notebook at all
        raise InputError(f"{path}: not a readable notebook ({type(e).__name__}: {e}); "
                         "open it in JupyterLab or restore it from version control") from e
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "deno":
        raise InputError(f"{path}: kernelspec is {kernel!r}, expected 'deno'; "
                         "choose the Deno kernel in JupyterLab (Kernel > Change Kernel) and save")
    timeout_error = {
        "ename": "CellTimeoutError",
        "evalue": f"cell ran longer than {timeout:g} s and was interrupted; "
                  "look for an endless loop or reduce the work in this cell",
    }
    client = BarrierClient(
        nb,
        kernel_name="deno",
        timeout=timeout,
        interrupt_on_timeout=True,
        error_on_timeout=timeout_error,
        allow_errors=not stop_on_error,
        record_timing=False,
        coalesce_streams=True,
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    started = time.monotonic()
    died = None
    try:
        client.execute()
    except DeadKernelError as e:
        died = str(e) or "the kernel died"
    except Exception as e:  # CellExecutionError with --stop-on-error
        if not stop_on_error:
            raise
        del e
    seconds = time.monotonic() - started
    # Execution counts: the barrier cells take numbers too, so number the real cells 1, 2, ...
    count = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            if cell.get("execution_count") is not None or cell.get("outputs"):
                count += 1
                cell.execution_count = count
                for output in cell.get("outputs", []):
                    if "execution_count" in output:
                        output["execution_count"] = count
    errors = cell_errors(nb, str(path))
    report = {
        "notebook": str(path),
        "ok": not errors and died is None,
        "seconds": round(seconds, 3),
        "code_cells": sum(1 for c in nb.cells if c.cell_type == "code"),
        "outputs": sum(len(c.get("outputs", [])) for c in nb.cells if c.cell_type == "code"),
        "late_outputs_recovered": client.late_outputs,
        "barrier_failures": client.barrier_failures,
        "errors": errors,
        "kernel_died": died,
    }
    return nb, report


class InputError(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, help="write the executed notebook here")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-cell timeout in seconds")
    parser.add_argument("--report", type=Path, help="write a JSON report here")
    parser.add_argument("--stop-on-error", action="store_true", help="stop at the first failing cell")
    args = parser.parse_args()
    try:
        nb, report = execute(args.notebook, args.timeout, args.stop_on_error)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        if args.report:
            args.report.write_text(json.dumps({"notebook": str(args.notebook), "ok": False,
                                               "input_error": str(e)}, indent=1) + "\n")
        return 2
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, args.out)
    if args.report:
        args.report.write_text(json.dumps(report, indent=1) + "\n")
    for err in report["errors"]:
        print(f"{err['notebook']}: cell {err['cell']} ({err['first_line'][:60]}): "
              f"{err['ename']}: {err['evalue']}", file=sys.stderr)
    if report["kernel_died"]:
        print(f"{args.notebook}: kernel died: {report['kernel_died']}", file=sys.stderr)
        return 3
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
