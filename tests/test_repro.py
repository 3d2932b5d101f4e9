import os
import subprocess
import sys

import pytest
import torch

from attn_helpers import repro


def test_setup_pins_threads_determinism_and_environment():
    device = repro.setup(seed=5, device="cpu")
    assert device == torch.device("cpu")
    assert torch.get_num_threads() == repro.THREADS
    assert torch.are_deterministic_algorithms_enabled()
    for name, value in repro.CPU_NUMERIC_ENV.items():
        assert os.environ[name] == value
    assert repro.environment()["threads"] == str(repro.THREADS)
    from threadpoolctl import threadpool_info

    blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and set(blas) == {repro.THREADS}  # numpy's BLAS is pinned with torch
    assert repro.blas_kernels()


def test_seed_everything_makes_draws_repeat():
    repro.seed_everything(7)
    a = torch.randn(3)
    repro.seed_everything(7)
    assert torch.equal(a, torch.randn(3))
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        repro.seed_everything(-1)
    with pytest.raises(ValueError, match="threads must be >= 1"):
        repro.setup(threads=0)


def test_environment_is_set_before_torch_loads_in_a_fresh_process():
    code = ("import os, sys; from attn_helpers import repro; assert 'torch' in sys.modules; "
            "print(os.environ['MKL_CBWR'], os.environ['ONEDNN_MAX_CPU_ISA'], os.environ['ATEN_CPU_CAPABILITY'])")
    env = {k: v for k, v in os.environ.items() if k not in repro.CPU_NUMERIC_ENV}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["AVX2", "AVX2", "avx2"]
