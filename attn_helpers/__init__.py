"""Shared helpers for the book *Attention for Sequences*.

The top level is the core every chapter shares: ``repro``, ``training``, ``results``, ``plots``,
``widgets``, ``data``, ``baselines``, ``attention`` and ``metrics``. Each chapter has a subpackage
(``forecasting``, ``anomaly``, ``reversal``, ``distributions``); the core never imports a chapter.
Import :mod:`attn_helpers.repro` first: it sets the CPU numeric environment before torch loads.
"""
from . import repro  # noqa: F401  (must stay the first import)

__version__ = "0.2.0"
