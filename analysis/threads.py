"""One BLAS thread for the optimisers and small-matrix loops.

numpy and scipy each bring an OpenBLAS pool sized to the machine; in the many small products of an
optimiser the pools' threads spin against each other and against whatever else the laptop runs, so
the same fit runs several times slower under load than on one thread (bench/results/analysis.json).
Large products (X'X over a million rows) keep every thread: only the functions wrapped here are limited.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_inside = threading.local()


def one_blas_thread(function: F) -> F:
    """Run ``function`` with BLAS limited to one thread (threadpoolctl); nested calls pay nothing more."""
    @functools.wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        if getattr(_inside, "active", False):
            return function(*args, **kwargs)
        from threadpoolctl import threadpool_limits

        _inside.active = True
        try:
            with threadpool_limits(limits=1, user_api="blas"):
                return function(*args, **kwargs)
        finally:
            _inside.active = False

    return limited  # type: ignore[return-value]
