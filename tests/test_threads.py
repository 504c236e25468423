"""The optimisers run on one BLAS thread and give the thread pools back as they found them."""

from __future__ import annotations

import scipy.linalg  # noqa: F401  (both BLAS pools loaded before counting them)
from threadpoolctl import threadpool_info

from axiosphere.analysis.threads import one_blas_thread


def _blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_one_blas_thread_inside_and_the_pools_restored_after():
    before = _blas_threads()

    @one_blas_thread
    def inner() -> list[int]:
        return _blas_threads()

    @one_blas_thread
    def outer() -> list[int]:
        return inner()  # nested: still one thread, nothing restored early

    assert set(outer()) == {1}
    assert _blas_threads() == before


def test_the_fits_are_limited():
    from axiosphere.analysis.cfa import fit_one_factor
    from axiosphere.analysis.invariance import latent_means, measurement_invariance
    from axiosphere.analysis.covariance import covariance
    from axiosphere.analysis.qap import qap_regression
    from axiosphere.analysis.valuemap import mds, value_map

    for function in (fit_one_factor, measurement_invariance, latent_means, mds, value_map, covariance, qap_regression):
        assert hasattr(function, "__wrapped__"), f"{function.__name__} runs on one BLAS thread"
