"""One BLAS thread for the optimisers and small-matrix loops.

numpy and scipy each bring an OpenBLAS pool sized to the machine; in the many small products of an
optimiser the pools' threads spin against each other and against whatever else the laptop runs, so
the same fit runs several times slower under load than on one thread (bench/results/analysis.json).
The covariances of a reliability analysis too: their products (21 x 21 from 16k-row blocks) are too small
for BLAS to share well, and a second BLAS thread halved their speed beside two busy processes. Only the
functions wrapped here are limited.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_inside = threading.local()


@functools.cache
def _controller(with_scipy: bool) -> Any:
    """The BLAS pools loaded so far, found once (a search of the loaded libraries takes milliseconds, a limit on
    them microseconds); searched again once scipy.linalg has brought its own pool. scipy is not imported here:
    a reliability analysis without it starts 0.2 s sooner."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread(function: F) -> F:
    """Run ``function`` with BLAS limited to one thread (threadpoolctl); nested calls pay nothing more."""
    @functools.wraps(function)
    def limited(*args: Any, **kwargs: Any) -> Any:
        if getattr(_inside, "active", False):
            return function(*args, **kwargs)
        _inside.active = True
        try:
            with _controller("scipy.linalg" in sys.modules).limit(limits=1, user_api="blas"):
                return function(*args, **kwargs)
        finally:
            _inside.active = False

    return limited  # type: ignore[return-value]
