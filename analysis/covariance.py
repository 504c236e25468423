"""Covariance matrices of data with gaps, listwise or pairwise, in one pass over the rows.

The rows are taken in blocks of at most ``_CHUNK``; each block's cross-products are BLAS products on buffers that
are reused, so no block allocates much and no copy of the whole data is made. One thread does it: a second one
(threads of our own taking blocks in turn) saved 17 ms of 87 on an idle laptop for 1M x 21 pairwise and lost
more than that beside two busy processes, where the threads wait on each other for the interpreter.
"""

from __future__ import annotations

import numpy as np

from axiosphere.analysis.threads import one_blas_thread

_CHUNK = 1 << 14  # rows a block: products stay BLAS-sized, the reused buffers stay in cache
_CELLS = 1 << 19  # at most this many values a block, so wide data keep their buffers in cache too


@one_blas_thread
def covariance(values: np.ndarray, missing: str = "listwise") -> tuple[np.ndarray, int, int]:
    """Covariance matrix of the columns of ``values`` (NaN = missing), listwise or pairwise (pandas'
    ``DataFrame.cov``), with the n it rests on and the number of rows with any answer.

    Computed from cross-products: under pairwise deletion the counts, sums and products of each pair come from
    products of the zero-filled data ``X`` and its missing mask ``Q`` (``P = X'X``; with ``S = X'1 - X'Q`` the
    sums and ``N = n - q_i - q_j + Q'Q`` the counts). One product of ``[X; 1]`` with itself gives ``P`` and
    ``X'1``; column j of ``X'Q`` is the sum of the rows missing item j, and ``Q'Q`` off its diagonal comes from
    the few rows with several gaps, so no pair of items is visited on its own. Listwise, one gather puts a
    block's complete rows first. n is the smallest pairwise count.

    Parameters
    ----------
    values : numpy.ndarray
        Respondents x items, NaN where an answer is missing; either memory layout (pandas hands over columns).
    missing : {"listwise", "pairwise"}
        Listwise: the rows with every item answered. Pairwise: for each pair, the rows with both answered.

    Returns
    -------
    tuple
        The k x k covariance matrix (NaN for a pair with fewer than two rows), n, and the rows with any answer.

    Examples
    --------
    >>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [4.0, 4.0]])
    >>> cov, n, answered = covariance(x, "pairwise")
    >>> bool(np.allclose(cov, [[5 / 3, 11 / 6], [11 / 6, 7 / 3]])), n, answered
    (True, 3, 4)
    """
    rows, k = values.shape
    chunk = max(1, min(_CHUNK, rows, _CELLS // max(k, 1)))
    n_blocks = -(-rows // chunk)
    # The products of [X; 1; Q]: X'X, the column sums and rows, X'Q and the holes per item in the upper blocks;
    # Q'Q of the rows with several gaps.
    products, answered = np.zeros((2 * k + 1, 2 * k + 1)), 0
    blocks = _BlockSums(values, chunk, missing, _shift(values[:chunk]))
    for index in range(n_blocks):
        answered += blocks.add(index, products)
    totals, xq, holes_per_item = products[:k, k], products[:k, k + 1:], products[k, k + 1:]
    if missing == "listwise":  # only the complete rows were added
        sums, counts = np.broadcast_to(totals[:, None], (k, k)), np.full((k, k), products[k, k])
    else:
        both_missing = products[k + 1:, k + 1:].copy()
        np.fill_diagonal(both_missing, holes_per_item)
        sums = totals[:, None] - xq
        counts = rows - holes_per_item[:, None] - holes_per_item[None, :] + both_missing
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (products[:k, :k] - sums * sums.T / counts) / (counts - 1)
    cov[counts < 2] = np.nan
    return cov, int(counts.min()) if k else 0, answered


def _shift(head: np.ndarray) -> np.ndarray:
    """Each column's mean over the first rows, taken off every value before the products: a covariance does not
    change, and sums of squares far from zero would cancel (a column around 1e7 with SD 1 lost two digits)."""
    observed = ~np.isnan(head)
    count = observed.sum(axis=0)
    return np.divide(np.where(observed, head, 0.0).sum(axis=0), count, out=np.zeros(head.shape[1]), where=count > 0)


class _BlockSums:
    """The buffers of a pass over the blocks, reused block after block."""

    def __init__(self, values: np.ndarray, chunk: int, missing: str, shift: np.ndarray) -> None:
        k = values.shape[1]
        self.values, self.chunk, self.pairwise, self.shift = values, chunk, missing == "pairwise", shift[:, None]
        self.small = np.min_scalar_type(k + 1)  # a row's count of gaps
        self.rows = np.empty((k + 1, chunk))  # the block's items and ones
        self.rows[k] = 1.0
        self.nan, self.square = np.empty((k, chunk), dtype=bool), np.empty((k + 1, k + 1))

    def add(self, index: int, total: np.ndarray) -> int:
        """Add block ``index``'s products to ``total``; return its rows with any answer."""
        k = self.values.shape[1]
        # Items x rows: the layout pandas hands over (columns are contiguous) is used as it is.
        block = self.values[index * self.chunk:(index + 1) * self.chunk].T
        size = block.shape[1]
        nan = np.isnan(block, out=self.nan[:, :size])
        holes = np.add.reduce(nan, axis=0, dtype=self.small)
        rows = self.rows[:, :size]
        if self.pairwise:
            np.subtract(block, self.shift, out=rows[:k])
            # The gaps item by item (a flat index of a boolean array is found fast; its rows and columns are not).
            item, row = np.divmod(np.flatnonzero(nan), size)
            rows[item, row] = 0.0
            self._missing_products(rows, nan, holes, item, row, total)
        else:
            # One gather puts the complete rows first (a stable sort of booleans is a counting sort).
            np.take(block, np.argsort(holes > 0, kind="stable"), axis=1, out=rows[:k], mode="clip")
            rows = rows[:, :size - int(np.count_nonzero(holes))]
            rows[:k] -= self.shift
        total[:k + 1, :k + 1] += np.matmul(rows, rows.T, out=self.square)
        return size - int(np.count_nonzero(holes == k))

    @staticmethod
    def _missing_products(rows: np.ndarray, nan: np.ndarray, holes: np.ndarray, item: np.ndarray, row: np.ndarray,
                          total: np.ndarray) -> None:
        """``X'Q`` and ``1'Q`` (the zero-filled rows summed for each item they miss; the gaps come item by item,
        so these are sums of consecutive columns) and ``Q'Q`` off its diagonal (from the rows with several gaps)."""
        k = nan.shape[0]
        if not len(item):
            return
        starts = np.flatnonzero(np.diff(item, prepend=-1))
        total[:k + 1, k + 1 + item[starts]] += np.add.reduceat(np.take(rows, row, axis=1), starts, axis=1)
        several = np.flatnonzero(holes > 1)
        if len(several):
            both = nan[:, several].astype(float)
            total[k + 1:, k + 1:] += both @ both.T
