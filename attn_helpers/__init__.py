"""Shared helpers for the book *Attention for Sequences*.

Import :mod:`attn_helpers.repro` first: it sets the CPU numeric environment before torch loads.
"""
from . import repro  # noqa: F401  (must stay the first import)

__version__ = "0.1.0"
