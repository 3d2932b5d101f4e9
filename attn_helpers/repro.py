"""One place for reproducibility: seeds, deterministic kernels, threads and the CPU numeric environment.

Every notebook calls :func:`setup` in its first code cell. The CPU variables below are read by
MKL, oneDNN and ATen when torch first uses them, so this module sets them *before* importing torch.
numpy's own BLAS (OpenBLAS) picks its kernels by CPU and cannot be pinned the same way: its last
bits may differ between machines, which is why the book shows floats at reader precision
(:func:`attn_helpers.results.glue`). Its thread count is pinned with torch's.
"""
import os
import sys

# Read at first use by the libraries under torch. Fixed values make a result independent of
# which x86-64 CPU runs it (AVX2 is the common subset of the machines the book targets):
CPU_NUMERIC_ENV = {
    "MKL_CBWR": "AVX2",  # MKL: the same code path, hence the same rounding, on every AVX2 CPU
    "ATEN_CPU_CAPABILITY": "avx2",  # ATen's own vectorised kernels: AVX2, never AVX-512
    "ONEDNN_MAX_CPU_ISA": "AVX2",  # oneDNN (the CPU LSTM/GRU): AVX2 kernels at most
}
THREADS = 2  # the reference machine's core count; results depend on it, so it is fixed

_torch_was_imported = "torch" in sys.modules
for _name, _value in CPU_NUMERIC_ENV.items():
    os.environ[_name] = _value

import random  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

_blas_limits = None  # kept alive: the limit holds while this object exists


def seed_everything(seed: int) -> None:
    """Seed python's, numpy's and torch's global generators."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def setup(seed: int = 0, threads: int = THREADS, device: str | None = None) -> torch.device:
    """Pin seeds, deterministic algorithms, the thread count and the CPU numeric environment.

    Returns the device to train on: CUDA when available (as on Colab), else the CPU.
    ``device="cpu"`` forces the CPU reference path.
    """
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    if _torch_was_imported:
        print(
            "note: torch was imported before attn_helpers.repro; restart the kernel and import "
            "attn_helpers first so that the CPU numeric settings take effect",
            file=sys.stderr,
        )
    os.environ["CUBLAS_WORKSPACE_CONFIG"] = ":4096:8"  # required by deterministic cuBLAS
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
    torch.set_num_threads(threads)
    global _blas_limits
    _blas_limits = threadpool_limits(limits=threads, user_api="blas")  # numpy's OpenBLAS
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # can only be set once per process, before any parallel work
        pass
    seed_everything(seed)
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def environment() -> dict[str, str]:
    """The settings that the printed numbers depend on, for the setup page and bug reports."""
    return {
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": str(torch.get_num_threads()),
        "blas threads": ",".join(str(p["num_threads"]) for p in threadpool_info() if p["user_api"] == "blas"),
        **{name: os.environ.get(name, "") for name in CPU_NUMERIC_ENV},
    }


def blas_kernels() -> str:
    """The kernel family numpy's OpenBLAS chose for this CPU (e.g. 'Haswell', 'SkylakeX'): machine-dependent."""
    return ",".join(sorted({str(p.get("architecture")) for p in threadpool_info() if p["user_api"] == "blas"}))


def fingerprint(steps: int = 10) -> str:
    """Train a small LSTM and a Transformer layer for ``steps`` Adam steps on fixed data; hash the weights.

    Two processes print the same fingerprint only if every floating-point operation rounded the same way.
    """
    import hashlib

    seed_everything(0)
    lstm, head = torch.nn.LSTM(4, 32, batch_first=True), torch.nn.Linear(32, 1)
    layer = torch.nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True)
    params = [*lstm.parameters(), *head.parameters(), *layer.parameters()]
    opt = torch.optim.Adam(params, lr=1e-2)
    x, y = torch.randn(32, 30, 4), torch.randn(32, 1)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(head(layer(lstm(x)[0])[:, -1]), y)
        loss.backward()
        opt.step()
    digest = hashlib.sha256(b"".join(p.detach().numpy().tobytes() for p in params))
    return digest.hexdigest()[:16]


def fingerprint_in_subprocess(threads: int = THREADS, env: dict[str, str] | None = None,
                              unset: tuple[str, ...] = ()) -> str:
    """:func:`fingerprint` in a fresh Python process after ``setup(threads=threads)``.

    ``env`` sets variables in that process (overriding this module's CPU settings, which the libraries
    read at their first use, after import); ``unset`` removes CPU_NUMERIC_ENV variables so the
    libraries pick their own defaults for the CPU at hand.
    """
    import subprocess

    unknown = set(unset) - set(CPU_NUMERIC_ENV)
    if unknown:
        raise ValueError(f"unset must name variables of CPU_NUMERIC_ENV {sorted(CPU_NUMERIC_ENV)}, "
                         f"got {sorted(unknown)}")
    code = (
        "import os\n"
        "import attn_helpers.repro as r\n"
        f"for k in {list(unset)!r}: os.environ.pop(k)\n"
        f"os.environ.update({dict(env or {})!r})\n"
        f"r.setup(seed=0, threads={threads}, device='cpu')\n"
        "print(r.fingerprint())\n"
    )
    child_env = {k: v for k, v in os.environ.items() if k not in CPU_NUMERIC_ENV}
    out = subprocess.run([sys.executable, "-c", code], env=child_env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]
