"""Compare ember's public namespaces with torch's and write docs/coverage.rst.

Run by the docs build (``conf.py``); torch is only needed here, as the reference.
Without torch installed, the page says so instead of listing names.
"""
import importlib

# torch namespace -> ember namespace
NAMESPACES = [
    "torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.utils",
    "torch.optim", "torch.optim.lr_scheduler", "torch.autograd", "torch.linalg", "torch.fft",
    "torch.special", "torch.sparse", "torch.distributions", "torch.utils.data",
    "torch.utils.checkpoint", "torch.distributed", "torch.multiprocessing", "torch.onnx",
    "torch.jit", "torch.profiler", "torch.cuda", "torch.amp", "torch.func", "torch.hub",
    "torch.testing", "torch.backends",
]


def _public(mod):
    names = getattr(mod, "__all__", None)
    if names is None:
        names = [n for n in dir(mod) if not n.startswith("_")]
    return sorted({n for n in names if not n.startswith("_")})


def _row(tname):
    ename = "ember" + tname[len("torch"):]
    tmod = importlib.import_module(tname)
    tnames = _public(tmod)
    try:
        emod = importlib.import_module(ename)
    except ImportError:
        return ename, tnames, []
    have = [n for n in tnames if hasattr(emod, n)]
    return ename, tnames, have


def write(path):
    lines = ["Coverage of PyTorch's API", "=========================", "",
             "Generated when the documentation is built, by comparing the public names of each",
             "torch namespace (``__all__``, or ``dir()`` without underscores) with ember's.",
             "A name counts as present when ember's namespace has it; behaviour is checked by",
             "the test suite, not by this table.", ""]
    try:
        import torch
    except ImportError:
        lines += ["torch is not installed where the documentation was built, so no table was made."]
    else:
        lines += [f"Reference: torch {torch.__version__}.", ""]
        rows, details = [], []
        for tname in NAMESPACES:
            try:
                ename, tnames, have = _row(tname)
            except ImportError:
                continue
            missing = [n for n in tnames if n not in set(have)]
            pct = 100.0 * len(have) / max(len(tnames), 1)
            rows.append((tname, ename, len(tnames), len(have), pct))
            if missing:
                details += [f"``{ename}``: missing from {tname}", "-" * (len(ename) + 22 + len(tname)), "",
                            ", ".join(f"``{n}``" for n in missing), ""]
        lines += [".. list-table::", "   :header-rows: 1", "",
                  "   * - torch", "     - ember", "     - names", "     - present", "     - %"]
        for tname, ename, n, h, pct in rows:
            lines += [f"   * - ``{tname}``", f"     - ``{ename}``", f"     - {n}", f"     - {h}",
                      f"     - {pct:.0f}"]
        lines += ["", "Missing names", "-------------", ""] + details
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    import os
    write(os.path.join(os.path.dirname(__file__), "coverage.rst"))
