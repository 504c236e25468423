"""Multi-group confirmatory factor analysis by maximum likelihood, with equality constraints.

semopy fits each group separately (configural only) and cannot hold parameters equal
across groups, which metric and scalar invariance need; so the stacked multi-group ML
fit is written here with numpy/scipy. Conventions are lavaan's (Rosseel 2012):

- marker identification: each factor's first indicator loads 1 in every group; factor
  variances and covariances are free in every group;
- a mean structure: item intercepts free, latent means 0, except where intercepts are
  held equal, where latent means are free in every group but the first;
- fit function ``F = sum_g N_g [log|Sigma_g| + tr(S_g Sigma_g^-1) - log|S_g| - p
  + (m_g - mu_g)' Sigma_g^-1 (m_g - mu_g)]`` with ``S_g`` the divide-by-N covariance;
  chi-square is ``F`` at the minimum.

Equality constraints are shared parameter slots: a parameter "held equal" has one slot
used by every group. The expected information gives standard errors and score tests.

Example
-------
>>> model = parse_model("visual =~ x1 + x2 + x3")
>>> model.factors
{'visual': ('x1', 'x2', 'x3')}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from axiosphere.instruments.errors import InputError

KINDS = ("loading", "intercept", "residual")
BROKEN = 1e15  # the discrepancy where an implied covariance is not positive definite: a fit that broke down


@dataclass(frozen=True)
class Model:
    """Factors and their indicators, in order (the first indicator is the marker)."""

    factors: Mapping[str, tuple[str, ...]]

    @property
    def items(self) -> list[str]:
        out: list[str] = []
        for indicators in self.factors.values():
            out.extend(i for i in indicators if i not in out)
        return out


def parse_model(text: str) -> Model:
    """lavaan-style measurement syntax: one ``factor =~ item + item + ...`` per line or ``;``."""
    factors: dict[str, tuple[str, ...]] = {}
    for part in re.split(r"[;\n]", text):
        part = part.split("#", 1)[0].strip()
        if not part:
            continue
        if "=~" not in part:
            raise InputError(f"cannot read '{part}' in the model: expected 'factor =~ item1 + item2 + ...'")
        name, rhs = (s.strip() for s in part.split("=~", 1))
        indicators = tuple(s.strip() for s in rhs.split("+") if s.strip())
        if not re.fullmatch(r"[A-Za-z_][\w.]*", name) or not all(re.fullmatch(r"[A-Za-z_][\w.]*", i) for i in indicators):
            raise InputError(f"cannot read '{part}': names are letters, digits, '_' and '.'")
        if name in factors:
            raise InputError(f"factor '{name}' is defined twice in the model")
        factors[name] = indicators
    if not factors:
        raise InputError("the model defines no factor")
    for name, indicators in factors.items():
        if len(indicators) < 2 or (len(factors) == 1 and len(indicators) < 3):
            raise InputError(f"factor '{name}' has {len(indicators)} item(s): a factor needs at least 3 items "
                             "(2 when it correlates with other factors) to be identified")
    return Model(factors)


@dataclass
class Slots:
    """Which parameter slot each group's free parameter uses (shared slots are equality constraints)."""

    index: list[dict[tuple[str, int, int], int]]
    size: int
    labels: list[tuple[str, int, int, tuple[int, ...]]] = field(default_factory=list)
    _plans: dict[int, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]] = field(default_factory=dict, repr=False)

    def plan(self, g: int) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per matrix kind: rows, columns and slot numbers of group ``g``'s free parameters (built once)."""
        if g not in self._plans:
            grouped: dict[str, list[tuple[int, int, int]]] = {k: [] for k in "LPTna"}
            for (kind, i, j), k in self.index[g].items():
                grouped[kind].append((i, j, k))
            self._plans[g] = {kind: tuple(np.array(col, dtype=int) for col in zip(*rows)) if rows
                              else (np.zeros(0, int), np.zeros(0, int), np.zeros(0, int))
                              for kind, rows in grouped.items()}
        return self._plans[g]


@dataclass(frozen=True)
class Fit:
    """A fitted multi-group model."""

    chisq: float
    df: int
    npar: int
    loglik: float
    theta: np.ndarray
    slots: Slots
    matrices: list[dict[str, np.ndarray]]
    converged: bool
    message: str


class GroupData:
    """Sample moments of one group (divide-by-N covariance)."""

    def __init__(self, values: np.ndarray):
        self.n = values.shape[0]
        self.mean = values.mean(axis=0)
        centred = values - self.mean
        self.cov = centred.T @ centred / self.n
        sign, self.logdet = np.linalg.slogdet(self.cov)
        if sign <= 0:
            raise InputError("the items' covariance matrix is singular in a group (an item is constant, or too few respondents)")


def build_slots(model: Model, groups: int, *, equal: Sequence[str] = (), free: Sequence[tuple[str, str, int]] = (),
                latent_means: bool = False) -> Slots:
    """Assign parameter slots: ``equal`` kinds share slots across groups except the ``free`` (kind, item, group)."""
    items = model.items
    p, names = len(items), list(model.factors)
    m = len(names)
    released = {(k, items.index(i), g) for k, i, g in free}
    index: list[dict[tuple[str, int, int], int]] = [{} for _ in range(groups)]
    shared: dict[tuple[str, int, int], int] = {}
    size = 0
    labels = []

    def slot(g: int, key: tuple[str, int, int], kind: str, row: int) -> None:
        nonlocal size
        if kind in equal and (kind, row, g) not in released:
            if key not in shared:
                shared[key] = size
                labels.append((key[0], key[1], key[2], ()))
                size += 1
            index[g][key] = shared[key]
        else:
            index[g][key] = size
            labels.append((key[0], key[1], key[2], (g,)))
            size += 1

    for g in range(groups):
        for j, name in enumerate(names):
            for i in (items.index(x) for x in model.factors[name][1:]):
                slot(g, ("L", i, j), "loading", i)
        for j in range(m):
            for k in range(j + 1):
                slot(g, ("P", j, k), "", -1)
        for i in range(p):
            slot(g, ("T", i, i), "residual", i)
            slot(g, ("n", i, 0), "intercept", i)
        if latent_means and g > 0:
            for j in range(m):
                slot(g, ("a", j, 0), "", -1)
    return Slots(index, size, labels)


def _matrices(theta: np.ndarray, slots: Slots, g: int, model: Model) -> dict[str, np.ndarray]:
    items, names = model.items, list(model.factors)
    p, m = len(items), len(names)
    L, P, T = np.zeros((p, m)), np.zeros((m, m)), np.zeros((p, p))
    nu, alpha = np.zeros(p), np.zeros(m)
    for j, name in enumerate(names):
        L[items.index(model.factors[name][0]), j] = 1.0
    plan = slots.plan(g)
    rows, cols, idx = plan["L"]
    L[rows, cols] = theta[idx]
    rows, cols, idx = plan["P"]
    P[rows, cols] = theta[idx]
    P[cols, rows] = theta[idx]
    rows, cols, idx = plan["T"]
    T[rows, rows] = theta[idx]
    rows, cols, idx = plan["n"]
    nu[rows] = theta[idx]
    rows, cols, idx = plan["a"]
    alpha[rows] = theta[idx]
    sigma = L @ P @ L.T + T
    return {"L": L, "P": P, "T": T, "nu": nu, "alpha": alpha, "sigma": sigma, "mu": nu + L @ alpha}


def _objective(theta: np.ndarray, model: Model, data: list[GroupData], slots: Slots) -> tuple[float, np.ndarray]:
    value, grad = 0.0, np.zeros_like(theta)
    p = len(model.items)
    for g, group in enumerate(data):
        mats = _matrices(theta, slots, g, model)
        sign, logdet = np.linalg.slogdet(mats["sigma"])
        if sign <= 0:
            return BROKEN, np.zeros_like(theta)
        inv = np.linalg.inv(mats["sigma"])
        d = group.mean - mats["mu"]
        value += group.n * (logdet + np.trace(group.cov @ inv) - group.logdet - p + d @ inv @ d)
        # dF/dSigma and dF/dmu for this group; the chain rule through Sigma = L P L' + T, mu = nu + L alpha.
        G = group.n * (inv - inv @ (group.cov + np.outer(d, d)) @ inv)
        h = -2 * group.n * inv @ d
        L, P, alpha = mats["L"], mats["P"], mats["alpha"]
        dL = 2 * G @ L @ P + np.outer(h, alpha)
        dP = L.T @ G @ L
        plan = slots.plan(g)
        rows, cols, idx = plan["L"]
        np.add.at(grad, idx, dL[rows, cols])
        rows, cols, idx = plan["P"]
        np.add.at(grad, idx, np.where(rows == cols, 1.0, 2.0) * dP[rows, cols])
        rows, cols, idx = plan["T"]
        np.add.at(grad, idx, np.diag(G)[rows])
        rows, cols, idx = plan["n"]
        np.add.at(grad, idx, h[rows])
        rows, cols, idx = plan["a"]
        np.add.at(grad, idx, (L.T @ h)[rows])
    return value, grad


def _start(model: Model, data: list[GroupData], slots: Slots) -> np.ndarray:
    items, names = model.items, list(model.factors)
    theta = np.zeros(slots.size)
    for g, group in enumerate(data):
        S = group.cov
        for (kind, i, j), k in slots.index[g].items():
            if kind == "L":
                marker = items.index(model.factors[names[j]][0])
                theta[k] = S[i, marker] / S[marker, marker] if S[marker, marker] > 0 else 1.0
            elif kind == "P":
                mi, mj = (items.index(model.factors[names[x]][0]) for x in (i, j))
                theta[k] = 0.5 * S[mi, mj] if i != j else 0.5 * S[mi, mi]
            elif kind == "T":
                theta[k] = 0.5 * S[i, i]
            elif kind == "n":
                theta[k] = group.mean[i]
    return theta


def _scoring(model: Model, data: list[GroupData], slots: Slots, theta: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Newton steps on the expected information, refined by BFGS updates, with step halving.

    Used for models of up to a few hundred parameters, where it converges in a few steps and spares
    importing scipy.optimize (0.25 s, a third of a whole ``analyze invariance`` on a small file).
    Pure Fisher scoring converges only linearly when the model misfits (expected and observed
    information differ), so the expected information is the first Hessian and BFGS updates correct
    it. Returns None when it does not converge, and the caller falls back to L-BFGS-B.
    """
    value, grad = _objective(theta, model, data, slots)
    n = sum(g.n for g in data)
    noise = 1e-12 * n * (len(model.items) + 1)
    hessian, refining = None, False
    for _ in range(200):
        if not np.isfinite(value) or value >= BROKEN:
            return None
        if np.max(np.abs(grad)) < 1e-9 * n:
            return theta, value
        if hessian is None or not refining:
            hessian = _information(data, [_matrices(theta, slots, g, model) for g in range(len(data))], slots)
        try:
            step = -np.linalg.solve(hessian, grad)
        except np.linalg.LinAlgError:
            return None
        for _ in range(40):
            new_value, new_grad = _objective(theta + step, model, data, slots)
            if new_value <= value + noise:
                break
            step /= 2
        else:
            return (theta, value) if np.max(np.abs(grad)) < 1e-6 * n else None
        # Scoring while it makes headway; BFGS once only the linear tail of its convergence is left.
        refining = refining or value - new_value < 1e-4 * max(1.0, value)
        change = new_grad - grad
        curvature = float(change @ step)
        if not refining:
            pass
        elif curvature > 1e-12 * float(np.abs(change).max() * np.abs(step).max()):
            pushed = hessian @ step
            hessian = hessian + np.outer(change, change) / curvature - np.outer(pushed, pushed) / float(step @ pushed)
        else:
            refining = False  # the update would lose positive definiteness: back to the information
        theta, value, grad = theta + step, new_value, new_grad
    return None


def fit_model(model: Model, data: list[GroupData], slots: Slots, *, start: np.ndarray | None = None) -> Fit:
    """Minimise the multi-group ML discrepancy; ``start`` warm-starts from a related fit."""
    theta0 = _start(model, data, slots) if start is None else start
    # Scoring solves a system the size of the parameters each step: beyond a few hundred, quasi-Newton is faster.
    scored = _scoring(model, data, slots, theta0) if slots.size <= 300 else None
    if scored is not None:
        theta, chisq = scored
        converged, message = True, "Fisher scoring converged"
    else:
        from scipy.optimize import minimize

        result = minimize(_objective, theta0, args=(model, data, slots), jac=True, method="L-BFGS-B",
                          options={"maxiter": 20000, "maxfun": 40000, "ftol": 1e-15, "gtol": 1e-9})
        theta, chisq = result.x, float(result.fun)
        converged = bool(result.success or np.max(np.abs(result.jac)) < 1e-3 * max(1.0, chisq))
        message = str(result.message)
    p = len(model.items)
    moments = len(data) * (p * (p + 1) // 2 + p)
    loglik = -0.5 * sum(g.n * (p * np.log(2 * np.pi) + g.logdet + p) for g in data) - 0.5 * chisq
    mats = [_matrices(theta, slots, g, model) for g in range(len(data))]
    return Fit(chisq, moments - slots.size, slots.size, float(loglik), theta, slots, mats, converged, message)


def expected_information(model: Model, data: list[GroupData], fit: Fit, slots: Slots) -> np.ndarray:
    """Expected Hessian of the fit function (chi-square scale) over the slots of ``slots``, at ``fit``'s estimates.

    ``slots`` may split equality constraints of ``fit`` (each group its own slot): the values are
    taken group by group from ``fit``'s matrices, which is what score tests need.
    """
    return _information(data, fit.matrices, slots)


def _information(data: list[GroupData], matrices: list[dict[str, np.ndarray]], slots: Slots) -> np.ndarray:
    H = np.zeros((slots.size, slots.size))
    for g, group in enumerate(data):
        mats = matrices[g]
        inv = np.linalg.inv(mats["sigma"])
        L, P, alpha = mats["L"], mats["P"], mats["alpha"]
        p, m = L.shape
        keys = list(slots.index[g])
        dsig = np.zeros((len(keys), p, p))
        dmu = np.zeros((len(keys), p))
        for a, (kind, i, j) in enumerate(keys):
            if kind == "L":
                E = np.zeros((p, m))
                E[i, j] = 1.0
                dsig[a] = E @ P @ L.T + L @ P @ E.T
                dmu[a, i] = alpha[j]
            elif kind == "P":
                E = np.zeros((m, m))
                E[i, j] = E[j, i] = 1.0
                dsig[a] = L @ E @ L.T
            elif kind == "T":
                dsig[a, i, i] = 1.0
            elif kind == "n":
                dmu[a, i] = 1.0
            else:
                dmu[a] = L[:, i]
        K = np.einsum("ij,ajk->aik", inv, dsig)
        block = group.n * (np.einsum("aij,bji->ab", K, K) + 2 * dmu @ inv @ dmu.T)
        where = np.array([slots.index[g][k] for k in keys])
        np.add.at(H, (where[:, None], where[None, :]), block)
    return H


def slot_values(fit: Fit, slots: Slots, model: Model) -> np.ndarray:
    """``fit``'s estimates laid out on another slot assignment of the same model (e.g. with constraints split)."""
    theta = np.zeros(slots.size)
    for g, mats in enumerate(fit.matrices):
        lookup = {"L": mats["L"], "P": mats["P"], "T": mats["T"]}
        for (kind, i, j), k in slots.index[g].items():
            theta[k] = mats["nu"][i] if kind == "n" else mats["alpha"][i] if kind == "a" else lookup[kind][i, j]
    return theta


def group_data(frame: Any, items: Sequence[str], by: str, *, order: Sequence[str] | None = None) -> tuple[list[str], list[GroupData]]:
    """Complete cases of ``items`` per group of ``by`` (listwise deletion, as lavaan's default)."""
    missing = [c for c in [*items, by] if c not in frame.columns]
    if missing:
        raise InputError(f"the model names column(s) {', '.join(missing)}, which the data do not have")
    complete = frame.dropna(subset=list(items))
    names = list(order) if order else sorted(complete[by].dropna().astype(str).unique())
    out = []
    for name in names:
        values = complete.loc[complete[by].astype(str) == name, list(items)].to_numpy(dtype=float)
        out.append(values)
    return names, out
