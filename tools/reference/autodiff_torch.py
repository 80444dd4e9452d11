"""Reference values for lib/autodiff: forward value, gradient and Hessian-vector product of a set
of composite expressions, computed by PyTorch in float64 (torch.autograd.grad with
create_graph=True for the Hessian-vector products).

Run through `deno task refs autodiff_torch.py`; writes lib/autodiff/testdata/torch_reference.json.
Inputs come from a seeded torch.Generator and are stored in the JSON, so the TypeScript test
reads exactly the same numbers. lib/autodiff/torch_reference_test.ts rebuilds every expression
with the course library (same names) and compares to 1e-12 relative.
"""

import json
import pathlib
import shutil
import subprocess

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "lib" / "autodiff" / "testdata" / "torch_reference.json"

gen = torch.Generator().manual_seed(20261129)


def randn(*shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, torch.Size)):
        shape = tuple(shape[0])
    return torch.randn(size=shape, generator=gen, dtype=torch.float64)


def labels(n, c):
    return torch.randint(0, c, (n,), generator=gen).tolist()


def mlp_tanh_ce(p, k):
    h = torch.tanh(k["X"] @ p["W1"] + p["b1"])
    return F.cross_entropy(h @ p["W2"] + p["b2"], torch.tensor(k["labels"]))


def logistic_regression(p, k):
    return F.binary_cross_entropy_with_logits(k["X"] @ p["w"] + p["b"], k["y"])


def broadcasting(p, k):
    a, b, c = p["a"], p["b"], p["c"]
    return (torch.exp(a * b - c) * torch.sigmoid(a + b) / (1 + c * c)).sum() + (a - b).pow(2).mean()


def reductions(p, k):
    A = p["A"]
    lse = torch.logsumexp(A, dim=1)
    return (
        (A - A.amax(dim=1, keepdim=True)).exp().sum(dim=1).log().sum()
        + A.mean(dim=0).pow(2).sum()
        + A.amin(dim=0).sum()
        + (lse * A.sum(dim=1, keepdim=True).squeeze(1)).mean()
        + A.amax() * A.sum(dim=(0, 1))
    )


def beale(p, k):
    x, y = p["p"][0], p["p"][1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def rosenbrock(p, k):
    x, y = p["p"][0], p["p"][1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def ridge_mse(p, k):
    return F.mse_loss(k["X"] @ p["w"], k["Y"]) + 0.1 * (p["w"] ** 2).sum()


def huge_logits_ce(p, k):
    return F.cross_entropy(p["z"] * 50, torch.tensor(k["labels"])) + F.log_softmax(p["z"] * 1e3, dim=1).exp().sum()


def elementwise_zoo(p, k):
    A, B = p["A"], p["B"]
    M = A @ B
    return (
        (torch.sqrt(torch.abs(M) + 1) * torch.sin(M)).sum()
        + torch.cos(A).pow(3).sum()
        + torch.log(1 + A * A).sum() / torch.exp(B).sum()
        + torch.pow(torch.abs(B) + 0.5, B).sum()
        + F.softplus(3 * M).mean()
    )


def structural(p, k):
    x = p["x"]
    y = torch.cat([x[1:4], x[[0, 0, 4]]], dim=0)  # [6, 3]
    z = torch.stack([y, y * y], dim=1)  # [6, 2, 3]
    t = z.permute(2, 0, 1).reshape(3, -1)  # [3, 12]
    return (torch.tanh(t) @ t.T).sum() + x[:, 1:].pow(2).sum() * x[2, 0]


def piecewise(p, k):
    x, y = p["x"], p["y"]
    return (
        torch.where(x > 0, x**2, -x * y).sum()
        + torch.maximum(x, y).pow(2).sum()
        + torch.minimum(x * 2, y).sum()
        + torch.relu(x - y).pow(3).sum()
    )


def batched_matmul(p, k):
    A, B = p["A"], p["B"]
    C = torch.tanh(A @ B)  # [2, 3, 2] @ [2, 2, 4]
    return torch.log_softmax(C, dim=-1).sum() + (C @ C.transpose(-1, -2)).pow(2).mean()


CASES = [
    ("mlp_tanh_ce", lambda: ({"W1": randn(5, 6) * 0.5, "b1": randn(6) * 0.1, "W2": randn(6, 3) * 0.5, "b2": randn(3) * 0.1},
                             {"X": randn(8, 5), "labels": labels(8, 3)}), mlp_tanh_ce),
    ("logistic_regression", lambda: ({"w": randn(4), "b": randn(())},
                                     {"X": randn(10, 4), "y": (randn(10) > 0).double()}), logistic_regression),
    ("broadcasting", lambda: ({"a": randn(3, 1, 4), "b": randn(2, 4), "c": randn(4)}, {}), broadcasting),
    ("reductions", lambda: ({"A": randn(4, 5)}, {}), reductions),
    ("beale", lambda: ({"p": torch.tensor([1.0, 1.5])}, {}), beale),
    ("beale_random", lambda: ({"p": randn(2)}, {}), beale),
    ("rosenbrock", lambda: ({"p": torch.tensor([-1.2, 1.0])}, {}), rosenbrock),
    ("ridge_mse", lambda: ({"w": randn(3, 2)}, {"X": randn(6, 3), "Y": randn(6, 2)}), ridge_mse),
    ("huge_logits_ce", lambda: ({"z": randn(4, 5)}, {"labels": labels(4, 5)}), huge_logits_ce),
    ("elementwise_zoo", lambda: ({"A": randn(3, 4), "B": randn(4, 2)}, {}), elementwise_zoo),
    ("structural", lambda: ({"x": randn(5, 3)}, {}), structural),
    ("piecewise", lambda: ({"x": randn(6), "y": randn(6)}, {}), piecewise),
    ("batched_matmul", lambda: ({"A": randn(2, 3, 2), "B": randn(2, 2, 4)}, {}), batched_matmul),
]


def enc(t):
    if isinstance(t, list):
        return t
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def main():
    cases = []
    for name, make, f in CASES:
        params, consts = make()
        params = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
        v = {k: randn(tuple(t.shape)) for k, t in params.items()}
        value = f(params, consts)
        keys = list(params)
        grads = torch.autograd.grad(value, [params[k] for k in keys], create_graph=True)
        dot = sum((g * v[k]).sum() for g, k in zip(grads, keys))
        hv = torch.autograd.grad(dot, [params[k] for k in keys], allow_unused=True)
        hv = [torch.zeros_like(params[k]) if h is None else h for h, k in zip(hv, keys)]
        cases.append({
            "name": name,
            "params": {k: enc(params[k]) for k in keys},
            "consts": {k: enc(c) for k, c in consts.items()},
            "v": {k: enc(v[k]) for k in keys},
            "value": value.item(),
            "grad": {k: g.detach().reshape(-1).tolist() for k, g in zip(keys, grads)},
            "hvp": {k: h.detach().reshape(-1).tolist() for k, h in zip(keys, hv)},
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "generator": "tools/reference/autodiff_torch.py",
        "torch": torch.__version__,
        "dtype": "float64",
        "cases": cases,
    }
    OUT.write_text(json.dumps(doc, indent=2) + "\n")
    # Keep `deno fmt --check` green: let deno lay out the JSON the way it wants.
    if shutil.which("deno"):
        subprocess.run(["deno", "fmt", "-q", str(OUT)], check=True)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(cases)} cases")


if __name__ == "__main__":
    main()
