"""Runs INSIDE the grading sandbox: executes one notebook with tools/execute_notebook.py and sends
the executed notebook and its report back to the grader on a private channel.

The channel: the grader writes a one-line secret token on stdin, this script reads it, makes itself
non-dumpable (so the kernel, which lacks CAP_SYS_PTRACE in the sandbox, cannot read its memory or
its /proc/PID/fd), keeps a private copy of the stdout pipe (not inherited by the kernel) and points
fd 1 and 2 at a log file before the kernel starts. At the end it writes
``token\\n{json}\\ntoken\\n`` on the private copy. Anything the student's code prints on a stdout it
can reach cannot carry the token, so it cannot forge a result.

Usage (inside the sandbox): python sandbox_exec.py NOTEBOOK --timeout SECONDS
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--log", type=Path, default=Path("/tmp/executor.log"))
    args = parser.parse_args()

    token = sys.stdin.readline().strip()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 0
    except Exception:  # noqa: BLE001 - best effort, not fatal
        pass
    private = os.fdopen(os.dup(1), "w", encoding="utf-8")  # os.dup: not inheritable
    log = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)

    sys.path.insert(0, str(TOOLS))
    import execute_notebook as ex  # noqa: E402

    class TrackingClient(ex.BarrierClient):
        """Records which cells started and finished, to name the cell the kernel died in."""

        def __init__(self, nb: Any, **kw: Any) -> None:
            super().__init__(nb, **kw)
            self.started: list[int] = []
            self.finished: list[int] = []
            self.on_cell_start = self._start
            barrier = self.on_cell_executed

            async def executed(cell: Any, cell_index: int, execute_reply: Any) -> None:
                await barrier(cell=cell, cell_index=cell_index, execute_reply=execute_reply)
                self.finished.append(cell_index)

            self.on_cell_executed = executed

        def _start(self, cell: Any, cell_index: int) -> None:
            self.started.append(cell_index)

    clients: list[TrackingClient] = []

    class Client(TrackingClient):
        def __init__(self, nb: Any, **kw: Any) -> None:
            super().__init__(nb, **kw)
            clients.append(self)

    ex.BarrierClient = Client
    result: dict[str, Any]
    try:
        nb, report = ex.execute(args.notebook, args.timeout, False)
        client = clients[-1] if clients else None
        report["started"] = client.started if client else []
        report["finished"] = client.finished if client else []
        try:
            log_tail = args.log.read_text(errors="replace")[-20000:]
        except OSError:
            log_tail = ""
        report["memory_exhausted"] = bool(re.search(r"out of memory|heap limit", log_tail, re.I))
        result = {"report": report, "notebook": nb}
    except ex.InputError as e:
        result = {"report": {"ok": False, "input_error": str(e)}}
    except BaseException as e:  # noqa: BLE001 - report whatever happened
        result = {"report": {"ok": False, "executor_error": f"{type(e).__name__}: {e}"}}
    private.write(f"\n{token}\n{json.dumps(result)}\n{token}\n")
    private.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
