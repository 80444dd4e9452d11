"""Reference trajectories for lib/optim: torch.optim in float64, plus AdaBelief and AdaHessian
written out below from their published algorithms (the official code's update rules, see
shared/OPTIMIZERS.md), on Beale and Rosenbrock from two starts each, with and without weight
decay and with a learning-rate schedule.

For every run it records the parameters after each step, the gradient torch fed each step and
the learning rate used (schedule runs), so the TypeScript tests can feed the same gradients to the update rule
alone (1e-13 relative) and also rerun everything with the library's own autodiff (1e-10).
AdaHessian runs also record the Rademacher vectors z and the products Hz.

Run with `deno task refs optim_torch.py` (sets ATEN_CPU_CAPABILITY=default: no fused
multiply-add, so torch's elementwise kernels round like plain JavaScript arithmetic).
Writes lib/optim/testdata/torch_trajectories.json.
"""

import json
import math
import os
import subprocess

import torch

torch.set_default_dtype(torch.float64)  # also makes torch's scalar state (step, mu_product) float64
STEPS = 20
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "lib", "optim", "testdata",
                   "torch_trajectories.json")


# ---------------------------------------------------------------- test functions

def beale(p):
    x, y = p[0], p[1]
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
            + (2.625 - x + x * y ** 3) ** 2)


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


# A 4-D "conv kernel" [out=2, in=2, kh=2, kw=2] with a diagonal Hessian 3 c W² that varies inside
# each 2x2 spatial block, to exercise AdaHessian's spatial averaging.
QUARTIC_C = [0.5 + 0.25 * i for i in range(16)]
QUARTIC_B = [(-1) ** i * (0.3 + 0.1 * i) for i in range(16)]


def quartic4d(w):
    c = torch.tensor(QUARTIC_C).reshape(2, 2, 2, 2)
    b = torch.tensor(QUARTIC_B).reshape(2, 2, 2, 2)
    return (c * w ** 4).sum() / 4 - (b * w).sum()


FUNCTIONS = {
    "beale": (beale, [[1.0, 1.5], [2.0, -0.5]]),
    "rosenbrock": (rosenbrock, [[-1.5, 2.0], [0.5, -0.5]]),
}


# ---------------------------------------------------------------- schedule (mirrors lib/optim)

def warmup_cosine(alpha, warmup=5, steps=20):
    """warmupThen(warmup, cosineDecay(alpha, steps, alpha / 10), alpha / 10) of schedule.ts."""
    floor = alpha / 10

    def cosine(t):
        return floor if t >= steps else floor + (alpha - floor) * (1 + math.cos(math.pi * t / steps)) / 2

    peak = cosine(0)
    return lambda t: floor + (peak - floor) * t / warmup if t < warmup else cosine(t - warmup)


# ---------------------------------------------------------------- AdaBelief, official algorithm

def adabelief_step(p, g, state, lr, b1=0.9, b2=0.999, eps=1e-16, weight_decay=0.0,
                   weight_decouple=True, fixed_decay=False, rectify=True,
                   degenerated_to_sgd=True, eps_in_state=True):
    """One step of AdaBelief as in juntang-zhuang/Adabelief-Optimizer (adabelief-pytorch 0.2.1),
    written out with torch's in-place ops in the same order (eps_in_state=False is the library's
    alternative placement: eps only outside the root)."""
    with torch.no_grad():
        if weight_decouple:
            p.mul_(1.0 - weight_decay if fixed_decay else 1.0 - lr * weight_decay)
        elif weight_decay != 0:
            g = g.add(p, alpha=weight_decay)
        state["step"] += 1
        t = state["step"]
        m, s = state["exp_avg"], state["exp_avg_var"]
        bc1 = 1 - b1 ** t
        bc2 = 1 - b2 ** t
        m.mul_(b1).add_(g, alpha=1 - b1)
        res = g - m
        s.mul_(b2).addcmul_(res, res, value=1 - b2)
        if eps_in_state:
            s.add_(eps)
        if not rectify:
            denom = (s.sqrt() / math.sqrt(bc2)).add_(eps)
            p.addcdiv_(m, denom, value=-(lr / bc1))
            return
        b2t = b2 ** t
        n_max = 2 / (1 - b2) - 1
        n_sma = n_max - 2 * t * b2t / (1 - b2t)
        if n_sma >= 5:
            step_size = math.sqrt((1 - b2t) * (n_sma - 4) / (n_max - 4) * (n_sma - 2) / n_sma
                                  * n_max / (n_max - 2)) / (1 - b1 ** t)
            denom = s.sqrt().add_(eps)
            p.addcdiv_(m, denom, value=-step_size * lr)
        elif degenerated_to_sgd:
            step_size = 1.0 / (1 - b1 ** t)
            p.add_(m, alpha=-step_size * lr)


# ---------------------------------------------------------------- AdaHessian, official algorithm

def rademacher_like(p, gen):
    return torch.randint(0, 2, p.shape, generator=gen).to(p.dtype) * 2 - 1


def hutchinson(hz, z, spatial_averaging=True):
    d = (z * hz).abs()
    if spatial_averaging and d.dim() == 4:
        d = d.sum(dim=[2, 3], keepdim=True).abs() / (d.shape[2] * d.shape[3])
        d = d.expand_as(hz)
    return d


def adahessian_step(p, g, d, state, lr, b1=0.9, b2=0.999, eps=1e-4, weight_decay=0.0, k=1.0):
    """One step of AdaHessian as in amirgholami/adahessian (optim_adahessian.py), D = |z * Hz|."""
    with torch.no_grad():
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_hessian_diag_sq"]
        m.mul_(b1).add_(g, alpha=1 - b1)
        v.mul_(b2).addcmul_(d, d, value=1 - b2)
        bc1 = 1 - b1 ** t
        bc2 = 1 - b2 ** t
        denom = (v.sqrt() ** k / math.sqrt(bc2) ** k).add_(eps)
        p.copy_(p - lr * (m / bc1 / denom + weight_decay * p))


# ---------------------------------------------------------------- runs

def as_list(t):
    return [float(x) for x in t.detach().reshape(-1)]


def run(case, f, start, shape=None):
    p = torch.tensor(start).reshape(shape) if shape else torch.tensor(start)
    p.requires_grad_(True)
    kind, torch_cls, torch_kwargs = case["kind"], case.get("torch_cls"), case.get("torch_kwargs", {})
    alpha = case["alpha"]
    schedule = warmup_cosine(alpha) if case.get("schedule") else (lambda t: alpha)
    opt = torch_cls([p], lr=alpha, **torch_kwargs) if kind == "torch" else None
    state = {"step": 0, "exp_avg": torch.zeros_like(p), "exp_avg_var": torch.zeros_like(p),
             "exp_hessian_diag_sq": torch.zeros_like(p)}
    gen = torch.Generator().manual_seed(1234)
    rec = {"params": [as_list(p)], "grads": [], "lr": []}
    if kind == "adahessian":
        rec["z"], rec["hz"] = [], []
    for t in range(STEPS):
        lr = schedule(t)
        rec["lr"].append(lr)
        loss = f(p)
        if kind == "adahessian":
            (g,) = torch.autograd.grad(loss, p, create_graph=True)
            z = rademacher_like(p, gen)
            (hz,) = torch.autograd.grad(g, p, grad_outputs=z)
            g = g.detach()
            rec["z"].append(as_list(z))
            rec["hz"].append(as_list(hz))
            adahessian_step(p, g, hutchinson(hz, z, case.get("spatial", True)), state, lr,
                            **case.get("kwargs", {}))
        else:
            (g,) = torch.autograd.grad(loss, p)
            if kind == "torch":
                for group in opt.param_groups:
                    group["lr"] = lr
                p.grad = g.clone()
                opt.step()
            else:
                adabelief_step(p, g, state, lr, **case.get("kwargs", {}))
        rec["grads"].append(as_list(g))
        rec["params"].append(as_list(p))
        if not all(math.isfinite(x) for x in rec["params"][-1]):
            raise SystemExit(f"{case['id']} diverged at step {t + 1}")
    return rec


def cases():
    """(id, factory and options of lib/optim, how torch or the script computes it)."""
    out = []

    def add(cid, factory, options, kind, alpha, *, torch_cls=None, torch_kwargs=None,
            kwargs=None, schedule=False, functions=("beale", "rosenbrock")):
        out.append({"id": cid, "factory": factory, "options": options, "kind": kind,
                    "alpha": alpha, "torch_cls": torch_cls, "torch_kwargs": torch_kwargs or {},
                    "kwargs": kwargs or {}, "schedule": schedule, "functions": functions})

    O = torch.optim
    # Plain and momentum SGD need a small rate on these functions; the adaptive methods do not.
    for fn, lr in (("beale", 1e-3), ("rosenbrock", 5e-4)):
        fns = (fn,)
        add(f"sgd/{fn}", "sgd", {}, "torch", lr, torch_cls=O.SGD, functions=fns)
        add(f"sgd-wd/{fn}", "sgd", {"lambda": 0.1}, "torch", lr, torch_cls=O.SGD,
            torch_kwargs={"weight_decay": 0.1}, functions=fns)
        add(f"sgd-schedule/{fn}", "sgd", {}, "torch", lr, torch_cls=O.SGD, schedule=True,
            functions=fns)
        add(f"torchSgd-momentum/{fn}", "torchSgd", {"momentum": 0.9}, "torch", lr,
            torch_cls=O.SGD, torch_kwargs={"momentum": 0.9}, functions=fns)
        add(f"torchSgd-momentum-dampening-wd/{fn}", "torchSgd",
            {"momentum": 0.9, "dampening": 0.3, "lambda": 0.1}, "torch", lr, torch_cls=O.SGD,
            torch_kwargs={"momentum": 0.9, "dampening": 0.3, "weight_decay": 0.1}, functions=fns)
        add(f"torchSgd-momentum-schedule/{fn}", "torchSgd", {"momentum": 0.9}, "torch", lr,
            torch_cls=O.SGD, torch_kwargs={"momentum": 0.9}, schedule=True, functions=fns)
        add(f"torchSgd-nesterov/{fn}", "torchSgd", {"momentum": 0.9, "nesterov": True}, "torch",
            lr, torch_cls=O.SGD, torch_kwargs={"momentum": 0.9, "nesterov": True}, functions=fns)
        add(f"torchSgd-nesterov-wd/{fn}", "torchSgd",
            {"momentum": 0.9, "nesterov": True, "lambda": 0.1}, "torch", lr, torch_cls=O.SGD,
            torch_kwargs={"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}, functions=fns)

    a = 0.05
    add("adagrad", "adagrad", {}, "torch", a, torch_cls=O.Adagrad)
    add("adagrad-options", "adagrad", {"decay": 0.1, "r0": 0.5, "delta": 1e-6}, "torch", a,
        torch_cls=O.Adagrad,
        torch_kwargs={"lr_decay": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6})
    add("adagrad-wd", "adagrad", {"lambda": 0.1}, "torch", a, torch_cls=O.Adagrad,
        torch_kwargs={"weight_decay": 0.1})
    add("adagrad-schedule", "adagrad", {}, "torch", a, torch_cls=O.Adagrad, schedule=True)

    add("rmsprop", "rmsprop", {}, "torch", a, torch_cls=O.RMSprop)
    add("rmsprop-rho", "rmsprop", {"rho": 0.9, "delta": 1e-6}, "torch", a, torch_cls=O.RMSprop,
        torch_kwargs={"alpha": 0.9, "eps": 1e-6})
    add("rmsprop-centered", "rmsprop", {"centered": True}, "torch", a, torch_cls=O.RMSprop,
        torch_kwargs={"centered": True})
    add("rmsprop-momentum", "rmsprop", {"momentum": 0.5}, "torch", a / 5, torch_cls=O.RMSprop,
        torch_kwargs={"momentum": 0.5})
    add("rmsprop-centered-momentum-wd", "rmsprop",
        {"centered": True, "momentum": 0.5, "lambda": 0.1}, "torch", a / 5, torch_cls=O.RMSprop,
        torch_kwargs={"centered": True, "momentum": 0.5, "weight_decay": 0.1})
    add("rmsprop-schedule", "rmsprop", {}, "torch", a, torch_cls=O.RMSprop, schedule=True)

    add("adadelta", "adadelta", {}, "torch", 1.0, torch_cls=O.Adadelta)
    add("adadelta-options-wd", "adadelta", {"rho": 0.95, "delta": 1e-4, "lambda": 0.1}, "torch",
        0.5, torch_cls=O.Adadelta, torch_kwargs={"rho": 0.95, "eps": 1e-4, "weight_decay": 0.1})
    add("adadelta-schedule", "adadelta", {}, "torch", 1.0, torch_cls=O.Adadelta, schedule=True)

    add("adam", "adam", {}, "torch", a, torch_cls=O.Adam)
    add("adam-amsgrad", "adam", {"amsgrad": True}, "torch", a, torch_cls=O.Adam,
        torch_kwargs={"amsgrad": True})
    add("adam-betas", "adam", {"rho1": 0.8, "rho2": 0.9, "delta": 1e-6}, "torch", a,
        torch_cls=O.Adam, torch_kwargs={"betas": (0.8, 0.9), "eps": 1e-6})
    add("adam-schedule", "adam", {}, "torch", a, torch_cls=O.Adam, schedule=True)
    add("adamL2", "adamL2", {"lambda": 0.1}, "torch", a, torch_cls=O.Adam,
        torch_kwargs={"weight_decay": 0.1})
    add("adamL2-amsgrad-schedule", "adamL2", {"lambda": 0.1, "amsgrad": True}, "torch", a,
        torch_cls=O.Adam, torch_kwargs={"weight_decay": 0.1, "amsgrad": True}, schedule=True)
    add("adamw", "adamw", {"lambda": 0.1}, "torch", a, torch_cls=O.AdamW,
        torch_kwargs={"weight_decay": 0.1})
    add("adamw-amsgrad", "adamw", {"lambda": 0.1, "amsgrad": True}, "torch", a,
        torch_cls=O.AdamW, torch_kwargs={"weight_decay": 0.1, "amsgrad": True})
    add("adamw-schedule", "adamw", {"lambda": 0.1}, "torch", a, torch_cls=O.AdamW,
        torch_kwargs={"weight_decay": 0.1}, schedule=True)

    add("nadam", "nadam", {}, "torch", a, torch_cls=O.NAdam)
    add("nadam-wd", "nadam", {"lambda": 0.1, "psi": 0.01}, "torch", a, torch_cls=O.NAdam,
        torch_kwargs={"weight_decay": 0.1, "momentum_decay": 0.01})
    add("nadam-decoupled-schedule", "nadam", {"lambda": 0.1, "decoupled": True}, "torch", a,
        torch_cls=O.NAdam, torch_kwargs={"weight_decay": 0.1, "decoupled_weight_decay": True},
        schedule=True)

    # RAdam and rectified AdaBelief take plain momentum-SGD steps for their first few steps
    # (until rho_t reaches 5), so they need a rate that SGD survives on these functions.
    a = 1e-3
    add("radam", "radam", {}, "torch", a, torch_cls=O.RAdam)
    add("radam-wd", "radam", {"lambda": 0.1}, "torch", a, torch_cls=O.RAdam,
        torch_kwargs={"weight_decay": 0.1})
    add("radam-decoupled-schedule", "radam", {"lambda": 0.1, "decoupled": True}, "torch", a,
        torch_cls=O.RAdam, torch_kwargs={"weight_decay": 0.1, "decoupled_weight_decay": True},
        schedule=True)

    add("adabelief", "adabelief", {}, "adabelief", a)
    add("adabelief-no-rectify", "adabelief", {"rectify": False}, "adabelief", 0.05,
        kwargs={"rectify": False})
    add("adabelief-no-sgd", "adabelief", {"degeneratedToSgd": False}, "adabelief", a,
        kwargs={"degenerated_to_sgd": False})
    add("adabelief-decoupled-wd", "adabelief", {"lambda": 0.1}, "adabelief", a,
        kwargs={"weight_decay": 0.1})
    add("adabelief-fixed-decay", "adabelief", {"lambda": 0.01, "fixedDecay": True}, "adabelief",
        a, kwargs={"weight_decay": 0.01, "fixed_decay": True})
    add("adabelief-l2", "adabelief", {"lambda": 0.1, "decoupled": False}, "adabelief", a,
        kwargs={"weight_decay": 0.1, "weight_decouple": False})
    add("adabelief-delta-outside", "adabelief",
        {"delta": 1e-8, "deltaInState": False, "rectify": False}, "adabelief", 0.05,
        kwargs={"eps": 1e-8, "eps_in_state": False, "rectify": False})
    add("adabelief-schedule", "adabelief", {}, "adabelief", a, schedule=True)

    add("adahessian", "adahessian", {}, "adahessian", 0.15)
    add("adahessian-k-wd", "adahessian", {"k": 0.5, "lambda": 0.01}, "adahessian", 0.01,
        kwargs={"k": 0.5, "weight_decay": 0.01})
    add("adahessian-schedule", "adahessian", {}, "adahessian", 0.15, schedule=True)
    add("adahessian-conv4d", "adahessian", {}, "adahessian", 0.15, functions=("quartic4d",))
    add("adahessian-conv4d-no-averaging", "adahessian", {"spatialAveraging": False},
        "adahessian", 0.15, functions=("quartic4d",))
    for c in out:
        if c["id"] == "adahessian-conv4d-no-averaging":
            c["spatial"] = False
    return out


def main():
    records = []
    seen = set()
    for case in cases():
        for fname in case["functions"]:
            if fname == "quartic4d":
                start = [0.5 + 0.1 * i * (-1) ** i for i in range(16)]
                runs = [(quartic4d, start, [2, 2, 2, 2], 0)]
            else:
                f, starts = FUNCTIONS[fname]
                # Each optimizer's first (plain) configuration runs from both starts on both
                # functions; its variants run from start 0 on Beale and start 1 on Rosenbrock,
                # which keeps every option on both functions and the file small.
                first = (case["factory"], fname) not in seen
                seen.add((case["factory"], fname))
                runs = [(f, s, None, i) for i, s in enumerate(starts)
                        if first or i == (0 if fname == "beale" else 1)]
            for f, start, shape, i in runs:
                rec = run(case, f, start, shape)
                options = dict(case["options"])
                if not case["schedule"]:
                    options["alpha"] = case["alpha"]
                records.append({
                    "id": f"{case['id'].split('/')[0]}/{fname}/{i}",
                    "factory": case["factory"],
                    "options": options,
                    "schedule": ({"kind": "warmupCosine", "alpha": case["alpha"], "warmup": 5,
                                  "steps": 20} if case["schedule"] else None),
                    "fn": fname,
                    "shape": shape or [2],
                    **rec,
                })
                if not case["schedule"]:
                    del records[-1]["lr"]  # constant: options.alpha
    meta = {
        "torch": torch.__version__,
        "dtype": "float64",
        "steps": STEPS,
        "ATEN_CPU_CAPABILITY": os.environ.get("ATEN_CPU_CAPABILITY"),
        "generated_by": "tools/reference/optim_torch.py",
        "quartic4d": {"c": QUARTIC_C, "b": QUARTIC_B},
    }
    with open(OUT, "w") as fh:
        json.dump({"meta": meta, "cases": records}, fh, separators=(",", ":"))
        fh.write("\n")
    # Format as `deno fmt` would, so the committed file passes `deno fmt --check`.
    subprocess.run(["deno", "fmt", "-q", OUT], check=True)
    print(f"optim_torch: {len(records)} runs -> {os.path.relpath(OUT)} "
          f"({os.path.getsize(OUT) // 1024} KB)")


if __name__ == "__main__":
    main()
