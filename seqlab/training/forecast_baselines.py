"""The forecasters a user would otherwise pick: auto-order ARIMA and ETS (statsmodels).

Both are fitted on the training part only, their form chosen by AIC there, and then
forecast the test part one step ahead from the true past with the training-part
parameters fixed (no refit), exactly as the LSTM and the naive forecasts are:

- **auto-ARIMA**: d by the KPSS test on the training part (α = 0.05); for a seasonal
  series, D = 1 when the STL seasonal strength exceeds 0.64 (then d is tested on the
  seasonally differenced series); p, q (and P, Q) by AIC over a grid, with a constant
  (or drift) in or out where it is identified. The test forecasts come from
  ``results.apply(whole series)``: the Kalman filter over the whole series with the
  training parameters.
- **auto-ETS**: error (additive/multiplicative), trend (none, additive, damped) and
  season (none, additive, multiplicative) by AIC; the test forecasts smooth the whole
  series with the fitted parameters and initial states.
"""

from __future__ import annotations

import contextlib
import itertools
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ArimaGrid:
    """The orders the AIC search tries."""

    max_p: int = 9  # sunspots need AR(8)-like orders for their 11-year cycle
    max_q: int = 3
    max_seasonal: int = 1  # P, Q in 0..max_seasonal (seasonal series only)
    max_seasonal_pq: int = 2  # p, q in 0..this for seasonal series (each fit is slower)


@dataclass
class Baseline:
    name: str  # "arima" or "ets"
    spec: str  # the chosen model, e.g. "ARIMA(2,0,1)(0,1,1)[12] + drift"
    aic: float
    forecasts: np.ndarray  # one-step-ahead forecasts of the test part
    models_tried: int
    seconds: float
    params: dict  # the fitted parameters (statsmodels' names), the numbers the forecasts used


@contextlib.contextmanager
def _quiet():
    """statsmodels warns about convergence and KPSS p-value tables on every fit; the AIC decides."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def kpss_differences(x: np.ndarray, alpha: float = 0.05, max_d: int = 2) -> int:
    """How many first differences make ``x`` stationary by the KPSS test (as R's ndiffs)."""
    from statsmodels.tsa.stattools import kpss

    d = 0
    while d < max_d:
        _stat, p, *_rest = kpss(x, regression="c", nlags="auto")
        if p >= alpha:
            break
        x = np.diff(x)
        d += 1
    return d


def seasonal_strength(x: np.ndarray, period: int) -> float:
    """Wang, Smith & Hyndman (2006): 1 - Var(remainder) / Var(season + remainder), from a robust STL."""
    from statsmodels.tsa.seasonal import STL

    fit = STL(x, period=period, robust=True).fit()
    return max(0.0, 1 - float(np.var(fit.resid) / np.var(fit.resid + fit.seasonal)))


def auto_arima(y: np.ndarray, test_start: int, season: int | None, grid: ArimaGrid = ArimaGrid(),
               progress: Callable[[int, int], None] | None = None) -> Baseline:
    """The AIC-best (S)ARIMA on ``y[:test_start]``, forecasting ``y[test_start:]`` one step ahead."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    started = time.perf_counter()
    train = y[:test_start]
    with _quiet():
        D = 1 if season and seasonal_strength(train, season) > 0.64 else 0  # a calendar season, not a cycle
        season = season if D else None
        d = kpss_differences(np.diff(train, season) if D else train)
        if season:
            pq = range(grid.max_seasonal_pq + 1)
            combos = [(p, q, P, Q) for p, q in itertools.product(pq, pq)
                      for P, Q in itertools.product(range(grid.max_seasonal + 1), repeat=2)]
        else:
            combos = [(p, q, 0, 0) for p, q in itertools.product(range(grid.max_p + 1), range(grid.max_q + 1))]
        # the constant enters the differenced equation: a mean when d + D = 0, a drift when 1, none after
        trends = ["c"] if d + D == 0 else (["n", "c"] if d + D == 1 else ["n"])
        candidates, tried = [], 0
        total = len(combos) * len(trends)
        for p, q, P, Q in combos:
            for trend in trends:
                seasonal_order = (P, D, Q, season) if season else (0, 0, 0, 0)
                try:
                    fit = SARIMAX(train, order=(p, d, q), seasonal_order=seasonal_order,
                                  trend=trend).fit(disp=False, maxiter=200)
                    if np.isfinite(fit.aic):
                        candidates.append((float(fit.aic), (p, d, q), seasonal_order, trend, fit))
                except (ValueError, np.linalg.LinAlgError):
                    pass  # a model statsmodels cannot estimate on this series is not a candidate
                tried += 1
                if progress:
                    progress(tried, total)
        aic, order, seasonal_order, trend, fit = min(candidates, key=lambda c: c[0])
        forecasts = fit.apply(y).get_prediction(start=test_start, end=len(y) - 1, dynamic=False).predicted_mean
    spec = f"ARIMA{order}".replace(" ", "")
    if season:
        spec += f"({seasonal_order[0]},{seasonal_order[1]},{seasonal_order[2]})[{season}]"
    if trend == "c":
        spec += " + " + ("drift" if d + (seasonal_order[1] if season else 0) == 1 else "constant")
    return Baseline("arima", spec, aic, np.asarray(forecasts, dtype=float), tried, time.perf_counter() - started,
                    _named(fit))


def auto_ets(y: np.ndarray, test_start: int, season: int | None,
             progress: Callable[[int, int], None] | None = None) -> Baseline:
    """The AIC-best ETS on ``y[:test_start]``, forecasting ``y[test_start:]`` one step ahead
    (``progress(models tried, models to try)`` after each fit)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    started = time.perf_counter()
    train = y[:test_start]
    positive = bool((train > 0).all())  # multiplicative parts need positive values (sunspots have zeros)
    errors = ["add", "mul"] if positive else ["add"]
    trends = [(None, False), ("add", False), ("add", True)]
    seasons = [None] + ([("add", season)] + ([("mul", season)] if positive else []) if season else [])
    candidates, tried = [], 0
    forms = list(itertools.product(errors, trends, seasons))
    with _quiet():
        for error, (trend, damped), seasonal in forms:
            spec = {"error": error, "trend": trend, "damped_trend": damped, "seasonal": seasonal[0] if seasonal else None,
                        "seasonal_periods": seasonal[1] if seasonal else None, "initialization_method": "estimated"}
            tried += 1
            try:
                fit = ETSModel(train, **spec).fit(disp=False, maxiter=2000)
                if np.isfinite(fit.aic):
                    candidates.append((float(fit.aic), spec, fit))
            except (ValueError, np.linalg.LinAlgError):
                pass  # a form statsmodels cannot estimate on this series is not a candidate
            if progress:
                progress(tried, len(forms))
        aic, spec, fit = min(candidates, key=lambda c: c[0])
        smoothed = ETSModel(y, **spec).smooth(fit.params)  # the same parameters and initial states, whole series
        forecasts = np.asarray(smoothed.fittedvalues, dtype=float)[test_start:]
    letter = {None: "N", "add": "A", "mul": "M"}
    name = "ETS({e},{t}{d},{s})".format(e=letter[spec["error"]], t=letter[spec["trend"]],
                                        d="d" if spec["damped_trend"] else "", s=letter[spec["seasonal"]])
    if spec["seasonal"]:
        name += f"[{spec['seasonal_periods']}]"
    return Baseline("ets", name, aic, forecasts, tried, time.perf_counter() - started, _named(fit))


def _named(fit) -> dict:
    names = getattr(fit, "param_names", None) or getattr(fit.model, "param_names", None)
    return {str(k): float(v) for k, v in zip(names, np.asarray(fit.params, dtype=float))}
