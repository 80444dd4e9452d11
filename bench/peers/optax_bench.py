"""The Beale race in JAX + optax (CPU, float64, one thread), a second peer for the course library.

What a JAX user would write: the step (gradient by jax.grad, optax update) under jax.jit, timed
warm (the first, compiling run is excluded), in two forms: a Python loop calling the jitted step
(`optax-step`) and the whole 5,000-step loop jitted as one lax.fori_loop (`optax-loop`, the
fastest JAX can do it). Prints one JSON line per form, in the format of bench/main.ts.

Run through `deno task bench --peers` (which installs jax, jaxlib and optax into .venv from
requirements-jax.txt) or directly: .venv/bin/python bench/peers/optax_bench.py
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")

STEPS = 5000


def beale(p: jnp.ndarray) -> jnp.ndarray:
    # the order of lib/functions/beale.ts ((x y − x) + 1.5), as in torch_bench.py
    x, y = p[0], p[1]
    a = x * y - x + 1.5
    b = x * y**2 - x + 2.25
    c = x * y**3 - x + 2.625
    return a**2 + b**2 + c**2


# The race's eight optimizers with the hyperparameters of bench/workloads.ts (optax's names).
RACE = [
    ("sgd", lambda: optax.sgd(1e-3)),
    ("momentum", lambda: optax.sgd(1e-3, momentum=0.9)),
    ("nesterov", lambda: optax.sgd(1e-3, momentum=0.9, nesterov=True)),
    ("adagrad", lambda: optax.adagrad(0.1, initial_accumulator_value=0.0, eps=1e-10)),
    ("rmsprop", lambda: optax.rmsprop(1e-2, decay=0.9, eps=1e-8)),
    ("adadelta", lambda: optax.adadelta(1.0, rho=0.9, eps=1e-6)),
    ("adam", lambda: optax.adam(1e-2, b1=0.9, b2=0.999, eps=1e-8)),
    ("adamw", lambda: optax.adamw(1e-2, b1=0.9, b2=0.999, eps=1e-8, weight_decay=1e-2)),
]


def emit(record: dict) -> None:
    print(json.dumps({"impl": "optax", **record}), flush=True)


def race(kind: str) -> None:
    runs = []
    for name, make in RACE:
        opt = make()
        grad = jax.grad(beale)

        def step(p, s, opt=opt, grad=grad):
            u, s = opt.update(grad(p), s, p)
            return optax.apply_updates(p, u), s

        if kind == "step":
            jstep = jax.jit(step)

            def run(p, s, jstep=jstep):
                for _ in range(STEPS):
                    p, s = jstep(p, s)
                return p.block_until_ready(), s
        else:
            @jax.jit
            def run(p, s, step=step):
                return jax.lax.fori_loop(0, STEPS, lambda _, ps: step(*ps), (p, s))

        p0 = jnp.array([1.0, 1.5])
        run(p0, opt.init(p0))[0].block_until_ready()  # compile (and warm) before timing
        runs.append((name, run, p0, opt.init(p0)))
    finals = {}
    started, cpu0 = time.perf_counter(), time.process_time()
    for name, run, p0, s0 in runs:
        p, _ = run(p0, s0)
        finals[name] = [float(v) for v in jax.device_get(p)]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
    steps = STEPS * len(RACE)
    emit({"workload": "beale-race", "variant": f"optax-{kind}", "seconds": seconds, "steps": steps,
          "per_step_us": seconds / steps * 1e6, "cpu_seconds": cpu, "final": finals,
          "note": "jax.jit, warm (compilation excluded)"})


if __name__ == "__main__":
    for kind in sys.argv[1:] or ["step", "loop"]:
        race(kind)
