"""The benchmark workloads in PyTorch (eager, CPU, one thread, float64): the peer that the course
library is measured against. Prints one JSON object per line, in the same format as bench/main.ts.

Run through `deno task bench --peers` (which installs torch into the project's .venv from
requirements-reference.txt) or directly: .venv/bin/python bench/peers/torch_bench.py [workload ...]
"""

from __future__ import annotations

import csv
import json
import math
import resource
import sys
import time
from pathlib import Path

import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)
ROOT = Path(__file__).resolve().parents[2]


def emit(record: dict) -> None:
    record = {"impl": "torch", **record}
    print(json.dumps(record), flush=True)


def beale(p: torch.Tensor) -> torch.Tensor:
    # Written in the order of lib/functions/beale.ts ((x y − x) + 1.5, not (1.5 − x) + x y): RMSProp
    # and AdaDelta on Beale amplify last-bit differences of the gradient into different final points
    # (0.01 and 0.09 apart after 5,000 steps), so both sides must round the same way to agree to 1e-8.
    x, y = p[0], p[1]
    a = x * y - x + 1.5
    b = x * y**2 - x + 2.25
    c = x * y**3 - x + 2.625
    return a**2 + b**2 + c**2


RACE = [
    ("sgd", lambda p: torch.optim.SGD([p], lr=1e-3)),
    ("momentum", lambda p: torch.optim.SGD([p], lr=1e-3, momentum=0.9)),
    ("nesterov", lambda p: torch.optim.SGD([p], lr=1e-3, momentum=0.9, nesterov=True)),
    ("adagrad", lambda p: torch.optim.Adagrad([p], lr=0.1, eps=1e-10)),
    ("rmsprop", lambda p: torch.optim.RMSprop([p], lr=1e-2, alpha=0.9, eps=1e-8)),
    ("adadelta", lambda p: torch.optim.Adadelta([p], lr=1.0, rho=0.9, eps=1e-6)),
    ("adam", lambda p: torch.optim.Adam([p], lr=1e-2, betas=(0.9, 0.999), eps=1e-8)),
    ("adamw", lambda p: torch.optim.AdamW([p], lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)),
]
RACE_STEPS = 5000


def beale_race(workload: str = "beale-race", report: bool = True) -> None:
    finals = {}
    started, cpu0 = time.perf_counter(), time.process_time()
    for name, make in RACE:
        p = torch.tensor([1.0, 1.5], requires_grad=True)
        opt = make(p)
        for _ in range(RACE_STEPS):
            opt.zero_grad()
            beale(p).backward()
            opt.step()
        finals[name] = p.detach().tolist()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
    steps = RACE_STEPS * len(RACE)
    if not report:
        return
    emit({"workload": workload, "seconds": seconds, "steps": steps,
          "per_step_us": seconds / steps * 1e6, "cpu_seconds": cpu, "final": finals,
          "note": "torch's nesterov iterate is the look-ahead point"})


def load_digits() -> tuple[torch.Tensor, torch.Tensor]:
    with open(ROOT / "data" / "digits.csv") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    label = header.index("label") if "label" in header else len(header) - 1
    X = torch.tensor([[float(v) for i, v in enumerate(r) if i != label] for r in body]) / 16.0
    y = torch.tensor([int(float(r[label])) for r in body])
    return X, y


SIZES = [64, 64, 10]
WIDE = [64, 256, 256, 10]


def mlp_params(gen: torch.Generator, sizes: list[int] = SIZES) -> list[torch.Tensor]:
    def glorot(fan_in: int, fan_out: int) -> torch.Tensor:
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return ((torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * bound).requires_grad_()
    out = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        out += [glorot(fan_in, fan_out), torch.zeros(fan_out, requires_grad=True)]
    return out


def mlp_logits(params: list[torch.Tensor], X: torch.Tensor) -> torch.Tensor:
    h = X
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = torch.tanh(h)
    return h


def mlp_loss(params: list[torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(mlp_logits(params, X), y)


def digits_mlp(sizes: list[int] = SIZES, workload: str = "digits-mlp", report: bool = True) -> None:
    X, y = load_digits()
    gen = torch.Generator().manual_seed(0)
    params = mlp_params(gen, sizes)
    opt = torch.optim.Adam(params, lr=1e-3)
    n, batch, epochs = X.shape[0], 32, 10
    steps = 0
    started, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            mlp_loss(params, X[idx], y[idx]).backward()
            opt.step()
            steps += 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
    with torch.no_grad():
        acc = mlp_logits(params, X).argmax(1).eq(y).double().mean().item()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not report:
        return
    emit({"workload": workload, "seconds": seconds, "steps": steps,
          "per_step_us": seconds / steps * 1e6, "cpu_seconds": cpu, "train_accuracy": acc,
          "peak_rss_mb": peak_mb})


def adahessian_step() -> None:
    """One AdaHessian step (Hutchinson by double backward) over one Adam step, same net and batch."""
    X, y = load_digits()
    gen = torch.Generator().manual_seed(0)
    params = mlp_params(gen)
    Xb, yb = X[:32], y[:32]
    adam = torch.optim.Adam(params, lr=1e-3)
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    b1, b2, lr, eps = 0.9, 0.999, 0.15, 1e-4

    def adam_step() -> None:
        adam.zero_grad()
        mlp_loss(params, Xb, yb).backward()
        adam.step()

    def adahessian(t: int) -> None:
        loss = mlp_loss(params, Xb, yb)
        grads = torch.autograd.grad(loss, params, create_graph=True)
        zs = [torch.randint(0, 2, p.shape, generator=gen).double() * 2 - 1 for p in params]
        hzs = torch.autograd.grad(grads, params, grad_outputs=zs)
        with torch.no_grad():
            for p, g, z, hz, mi, vi in zip(params, grads, zs, hzs, m, v):
                d = (z * hz).abs()
                mi.mul_(b1).add_(g, alpha=1 - b1)
                vi.mul_(b2).addcmul_(d, d, value=1 - b2)
                den = vi.sqrt() / math.sqrt(1 - b2**t) + eps
                p.sub_(lr * (mi / (1 - b1**t)) / den)

    reps, warmup = 300, 200  # warmup: as WARMUP in bench/workloads.ts
    for i in range(warmup):
        adam_step()
        adahessian(i + 1)
    # alternate single steps so that a burst of load on a shared machine hits both alike
    wall_a = wall_h = cpu_a = cpu_h = 0.0
    for i in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        adam_step()
        t1, c1 = time.perf_counter(), time.process_time()
        adahessian(warmup + 1 + i)
        t2, c2 = time.perf_counter(), time.process_time()
        wall_a += t1 - t0
        cpu_a += c1 - c0
        wall_h += t2 - t1
        cpu_h += c2 - c1
    adam_s, adam_cpu = wall_a / reps, cpu_a / reps
    ada_s, ada_cpu = wall_h / reps, cpu_h / reps
    emit({"workload": "adahessian-step", "seconds": (adam_s + ada_s) * reps, "steps": 2 * reps,
          "per_step_us": ada_s * 1e6, "adam_step_us": adam_s * 1e6, "adahessian_step_us": ada_s * 1e6,
          "ratio": ada_s / adam_s, "cpu_seconds": (adam_cpu + ada_cpu) * reps,
          "cpu_ratio": ada_cpu / adam_cpu})


def matmul_flops() -> None:
    """GFLOP/s of one float64 product at the wide network's hidden layer (32×256 · 256×256), one
    thread: torch as configured here, and NumPy's OpenBLAS with its own CPU dispatch (AVX2 and FMA
    where the machine has them) on the same shape and on 1024³, the machine's figure."""
    import numpy as np
    n, k, m = 32, 256, 256
    a = torch.rand(n, k, generator=torch.Generator().manual_seed(0))
    b = torch.rand(k, m, generator=torch.Generator().manual_seed(1))

    def rate(f, flops: float) -> float:
        f()
        reps, started = 0, time.process_time()
        while time.process_time() - started < 0.5:
            f()
            reps += 1
        return flops * reps / (time.process_time() - started) / 1e9

    an, bn = a.numpy(), b.numpy()
    big = np.random.default_rng(0).random((1024, 1024))
    emit({"workload": "matmul-flops", "seconds": 0, "steps": 1, "per_step_us": 0,
          "shape": [n, k, m],
          "torch_gflops": rate(lambda: a @ b, 2 * n * k * m),
          "numpy_gflops": rate(lambda: an @ bn, 2 * n * k * m),
          "numpy_1024_gflops": rate(lambda: big @ big, 2 * 1024**3)})


def beale_race_warm() -> None:
    """beale-race twice in one process, reporting the second run (the course's twin does the same)."""
    beale_race(report=False)
    beale_race("beale-race-warm")


def digits_mlp_warm() -> None:
    """digits-mlp twice in one process, reporting the second run (the course's twin does the same)."""
    digits_mlp(report=False)
    digits_mlp(workload="digits-mlp-warm")


WORKLOADS = {
    "beale-race": beale_race,
    "digits-mlp": digits_mlp,
    "digits-mlp-wide": lambda: digits_mlp(WIDE, "digits-mlp-wide"),
    "digits-mlp-warm": digits_mlp_warm,
    "beale-race-warm": beale_race_warm,
    "adahessian-step": adahessian_step,
    "matmul-flops": matmul_flops,
}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(WORKLOADS):
        WORKLOADS[name]()
