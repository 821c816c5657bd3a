"""Time series: an LSTM forecaster on a real series that statsmodels ships, against naive baselines.

The model works on changes: it reads the last ``window`` first differences
(``y_t - y_{t-1}``, scaled with the training part's mean and standard
deviation) and predicts the next change, so the forecast is the last value plus
that change. A trend (CO2) then needs no extrapolation beyond the values seen
in training, and "no change" (the naive forecast) is where an untrained model starts. The last
``test_fraction`` of the series is forecast one step ahead from the true past
(as each baseline is): naive ``ŷ_t = y_{t-1}`` and seasonal-naive
``ŷ_t = y_{t-m}`` (m = 11 years for sunspots, 12 months for CO2).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from seqlab.errors import InputError, UsageError, check_number
from seqlab.i18n import N_, _, ngettext
from seqlab.limits import SEED_MAX
from seqlab.scratch.torch_layout import kept_random_state
from seqlab.training.forecast_baselines import ArimaGrid, auto_arima, auto_ets
from seqlab.training.rundir import RunDir

SERIES = {"sunspots": 11, "co2": 12}
CSV_SEASON = 12  # a CSV series says nothing of its season: monthly is taken, and said (--season gives another)


@dataclass
class ForecastConfig:
    window: int = 24  # past values the model reads
    hidden: int = 32  # the LSTM's hidden size
    epochs: int = 300  # full-batch steps: one epoch is one step on the whole training part
    lr: float = 5e-3  # Adam's learning rate
    test_fraction: float = 0.2  # the last part, forecast one step ahead
    seed: int = 13
    baselines: bool = True  # also fit auto-ARIMA and auto-ETS (an AIC search: minutes on 2 cores)
    season: int | None = None  # steps per season (None: the series' own; a CSV's is taken as 12, monthly, and said)
    threads: int = 1  # PyTorch CPU threads: one is fastest for a model this small, and robust on a busy machine

    def to_dict(self) -> dict:
        return asdict(self)


# each number's range and whether it is whole (as train's RANGES): epochs=0 wrote a "finished" untrained model. A
# season below 2 has a message of its own (statsmodels' seasonal models need a period of two steps or more).
RANGES = {"window": (1, 10_000, True), "hidden": (1, 2048, True), "epochs": (1, 10_000, True),
          "lr": (1e-8, 1.0, False), "test_fraction": (0.01, 0.9, False), "seed": (0, SEED_MAX, True),
          "season": (2, 1000, True), "threads": (1, 1024, True)}


def check_config(cfg: ForecastConfig) -> None:
    """Every number of ``cfg`` in its range (an :class:`InputError` naming it)."""
    if cfg.season is not None and cfg.season < 2:  # statsmodels' seasonal models need a period of 2 or more
        raise InputError(_("season must be at least 2 time steps, got {season}").format(season=cfg.season),
                         _("Give season=2 or more."), option="season", cli_hint=_("Give --season 2 or more."))
    for name, (low, high, whole) in RANGES.items():
        check_number(name, getattr(cfg, name), low, high, whole)


def forecast_config(**overrides) -> ForecastConfig:
    """The default settings with every override that is not None applied."""
    return replace(ForecastConfig(), **{k: v for k, v in overrides.items() if v is not None})


#: what each bundled series is: in English in records (config.json, --json), translated where shown
DESCRIPTIONS = {"sunspots": N_("yearly sunspot numbers 1700-2008 (statsmodels)"),
                "co2": N_("monthly Mauna Loa CO2 1958-2001, weekly values averaged (statsmodels)")}
CSV_DESCRIPTION = N_("{name} (last column)")


def shown_description(series: str) -> str:
    """The series' description in the interface language (a CSV: its file name)."""
    if series in DESCRIPTIONS:
        return _(DESCRIPTIONS[series])
    return _(CSV_DESCRIPTION).format(name=Path(series).name)


def check_series(name: str) -> Path:
    """A series name of :data:`SERIES`, or the path of a file that exists, in milliseconds (before the seconds of
    statsmodels): an unknown name is a wrong choice (UsageError), a missing file an input error."""
    path = Path(name)
    if name in SERIES or path.exists():
        return path
    if path.suffix or len(path.parts) > 1:  # nope.csv, data/x: a file that is not there, not a series name
        raise InputError(_("{path} does not exist").format(path=name),
                         _("Give the path of a CSV file with a value column, or one of the series {choices}.")
                         .format(choices=', '.join(SERIES)))
    raise UsageError(_("unknown series {name!r}").format(name=name),
                     _("Use {choices} or a CSV file with a value column.").format(choices=', '.join(SERIES)),
                     option="series")


def load_series(name: str) -> tuple[np.ndarray, list[str], int, str]:
    """(values, time labels, season length, description)."""
    if name == "sunspots":
        from statsmodels.datasets import sunspots

        df = sunspots.load_pandas().data
        return df["SUNACTIVITY"].to_numpy(float), [str(int(y)) for y in df["YEAR"]], 11, \
            DESCRIPTIONS["sunspots"]
    if name == "co2":
        from statsmodels.datasets import co2

        s = co2.load_pandas().data["co2"].resample("MS").mean().interpolate()
        return s.to_numpy(float), [d.strftime("%Y-%m") for d in s.index], 12, \
            DESCRIPTIONS["co2"]
    path = check_series(name)
    import csv

    from seqlab.text.reading import check_text_file, iter_lines

    # how many values training needs depends on the window and the season: said by _train_forecast, with the number
    needs = _("Give a CSV with a number per row in its last column (a header row may come first), e.g. year,value.")
    if path.is_file() and path.stat().st_size == 0:  # said as every command says it, with what a series holds
        raise InputError(_("{path} is empty").format(path=path), needs)
    check_text_file(path, _("a CSV series"))  # a folder or a binary file: said, as by every reader
    lines = [line for _k, line in iter_lines(path, errors_option=False)]  # strict UTF-8: said, with how to convert
    while lines and not lines[-1].strip():  # blank lines at the end end the file; one inside is a gap (below)
        lines.pop()
    # a TSV (NSMC's files, a spreadsheet's export) is read by its tabs: as a CSV each line would be one field
    tabs = path.suffix.lower() in (".tsv", ".tab") or bool(lines) and "\t" in lines[0] and "," not in lines[0]
    rows = list(csv.reader(lines, delimiter="\t" if tabs else ","))
    if len(rows) < 3:
        raise InputError(_("{path} has too few rows for a series: {n}").format(path=path, n=len(rows)), needs)
    try:  # a first row whose last field is a number is data, not a header
        float(rows[0][-1])
        body = rows
    except (ValueError, IndexError):
        body = rows[1:]
    values, labels, bad = [], [], []
    for line, r in enumerate(body, start=len(rows) - len(body) + 1):
        try:
            value = float(r[-1])
        except (ValueError, IndexError):
            value = float("nan")
        if not np.isfinite(value):  # a gap would shift every later value by one step: never skipped silently
            bad.append((line, r[-1] if r else ""))
            continue
        values.append(value)
        labels.append(r[0] if len(r) > 1 else str(len(labels)))
    if bad:
        shown = ", ".join(_("line {line} ({value!r})").format(line=k, value=_cut(v)) for k, v in bad[:5])
        raise InputError(ngettext("{path}: {n:,} value of the last column is not a number: {shown}{more}",
                                  "{path}: {n:,} values of the last column are not numbers: {shown}{more}",
                                  len(bad)).format(
            path=path, n=len(bad), shown=shown, more=" …" if len(bad) > 5 else ""),
            _("Fill or remove those rows: a series needs one number per time step."))
    return np.array(values), labels, CSV_SEASON, CSV_DESCRIPTION.format(name=path.name)


def _cut(value: str, limit: int = 20) -> str:
    """A field as quoted in a message: its first ``limit`` characters, "…" where more were cut."""
    return value if len(value) <= limit else value[:limit] + "…"


def _windows(x: np.ndarray, w: int, targets: range):
    return np.stack([x[t - w : t] for t in targets])[..., None], np.array([x[t] for t in targets])


#: the phases of a forecast, in order (English in records; translated where shown)
LSTM_PHASE = N_("training the LSTM")
SEARCHES = {"arima": N_("auto-ARIMA: order search by AIC"), "ets": N_("auto-ETS: form search by AIC")}
SEARCH_NAMES = {"arima": "auto-ARIMA", "ets": "auto-ETS"}


class ForecastInterrupted(KeyboardInterrupt):
    """Ctrl-C during the ARIMA/ETS search, raised once what was done is saved: the LSTM, the naive forecasts and
    any search that ended before, ``metrics.json`` naming the rest in ``not_fitted``; ``summary`` is that record."""

    def __init__(self, summary: dict, out: Path):
        super().__init__(_("interrupted during {phase}: what was done is kept in {out} (metrics.json, "
                           "model.safetensors); not fitted: {methods}").format(
            phase=_(SEARCHES[summary["interrupted"]]), out=out,
            methods=", ".join(SEARCH_NAMES[k] for k in summary["not_fitted"])))
        self.summary, self.out = summary, Path(out)


def train_forecast(series: str, out: Path, cfg: ForecastConfig | None = None,
                   progress: Callable[[int, int], None] | None = None, on_phase: Callable[[str], None] | None = None,
                   arima_grid: ArimaGrid | None = None, on_step: Callable[[dict], None] | None = None) -> dict:
    """Train the LSTM forecaster; score it, the naive forecasts and (``cfg.baselines``) auto-ARIMA/ETS.

    Args:
        progress: ``progress(models fitted, models to try)`` during the ARIMA and the ETS search.
        on_phase: called with the name of each phase (the LSTM, the ARIMA search, ETS).
        arima_grid: the orders the ARIMA search tries (tests use a tiny one).
        on_step: ``on_step({"step", "total", "loss"})`` after each epoch of the LSTM (one step on the whole
            training part).

    Raises:
        ForecastInterrupted: Ctrl-C (KeyboardInterrupt) during the ARIMA/ETS search, once what was done is saved.
    """
    cfg = cfg or ForecastConfig()
    check_config(cfg)
    with kept_random_state():  # the caller's torch generators are left as they were
        return _train_forecast(series, Path(out), cfg, progress, on_phase, arima_grid, on_step)


def _long_enough(n: int, window: int, season: int, test_fraction: float) -> bool:
    """Whether ``n`` values leave training windows before the test part (more than window + season values) and at
    least 2 values to test on."""
    test_start = int(n * (1 - test_fraction))
    return test_start > window + season and n - test_start >= 2


def _train_forecast(series: str, out: Path, cfg: ForecastConfig, progress, on_phase, arima_grid, on_step) -> dict:
    import torch

    started = time.perf_counter()
    y, labels, m, description = load_series(series)
    season_from = "given" if cfg.season is not None else "series" if series in SERIES else "assumed"
    m = cfg.season or m
    n = len(y)
    test_start = int(n * (1 - cfg.test_fraction))
    if not _long_enough(n, cfg.window, m, cfg.test_fraction):
        need = next(k for k in itertools.count(n + 1) if _long_enough(k, cfg.window, m, cfg.test_fraction))
        least = min(k for k in range(1, need + 1) if _long_enough(k, cfg.window, 2, cfg.test_fraction))
        raise InputError(_("the series has {n} values: it needs at least {need} for a window of {window} past values "
                           "and a season of {season} (the last {share:.0%} is held out for testing)").format(
            n=n, need=need, window=cfg.window, season=m, share=cfg.test_fraction),
            _("Give a series of at least {need} values (with season=2: {least}).").format(need=need, least=least)
            if least < need else _("Give a series of at least {need} values.").format(need=need),
            cli_hint=_("Give a series of at least {need} values (with --season 2: {least}).").format(
                need=need, least=least) if least < need else None)
    d = np.diff(y)  # d[j] = y[j+1] - y[j]; the change that produces y_t is d[t-1]
    mean, std = d[: test_start - 1].mean(), d[: test_start - 1].std() or 1.0
    z = (d - mean) / std
    # a target y_t is predicted from the changes d[t-1-window .. t-2], i.e. from z index t-1 backwards
    X_train, Y_train = _windows(z, cfg.window, range(cfg.window, test_start - 1))
    X_test, _unused = _windows(z, cfg.window, range(test_start - 1, n - 1))
    torch.manual_seed(cfg.seed)

    class Forecaster(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = torch.nn.LSTM(1, cfg.hidden, batch_first=True)
            self.out = torch.nn.Linear(cfg.hidden, 1)

        def forward(self, x):
            h, _unused = self.rnn(x)
            return self.out(h[:, -1])[:, 0]

    if on_phase:
        on_phase(LSTM_PHASE)
    lstm_started = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    model = Forecaster()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=1e-4)
    xt, yt = torch.tensor(X_train, dtype=torch.float32), torch.tensor(Y_train, dtype=torch.float32)
    losses = []
    try:
        for epoch in range(cfg.epochs):
            loss = torch.nn.functional.mse_loss(model(xt), yt)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
            if on_step:
                on_step({"step": epoch + 1, "total": cfg.epochs, "loss": losses[-1]})
    finally:
        torch.set_num_threads(threads)
    with torch.no_grad():
        change = model(torch.tensor(X_test, dtype=torch.float32)).numpy() * std + mean
    pred = y[test_start - 1 : n - 1] + change  # last value + the predicted change
    actual = y[test_start:]
    naive = y[test_start - 1 : n - 1]
    seasonal = y[test_start - m : n - m]

    def scores(p):
        err = p - actual
        return {"mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err**2).mean()))}

    lstm_seconds = time.perf_counter() - lstm_started
    results = {"lstm": scores(pred), "naive": scores(naive), "seasonal_naive": scores(seasonal)}
    forecasts = {"lstm": pred.tolist(), "naive": naive.tolist(), "seasonal_naive": seasonal.tolist()}
    specs, seconds = {}, {"lstm": lstm_seconds}
    # what was not fitted, and why: "off" (baselines=False) or "interrupted" (Ctrl-C during the search)
    not_fitted = {name: "off" for name in SEARCHES} if not cfg.baselines else {}
    interrupted = None
    if cfg.baselines:
        searches = {"arima": lambda: auto_arima(y, test_start, m, arima_grid or ArimaGrid(), progress),
                    "ets": lambda: auto_ets(y, test_start, m, progress)}
        for name, search in searches.items():
            if interrupted:
                not_fitted[name] = "interrupted"
                continue
            if on_phase:
                on_phase(SEARCHES[name])
            try:
                b = search()
            except KeyboardInterrupt:  # Ctrl-C in minutes of search: the LSTM's result is kept, not thrown away
                interrupted = name
                not_fitted[name] = "interrupted"
                continue
            results[b.name] = scores(b.forecasts)
            forecasts[b.name] = b.forecasts.tolist()
            specs[b.name] = {"spec": b.spec, "aic": b.aic, "models_tried": b.models_tried, "params": b.params}
            seconds[b.name] = b.seconds
    best = min((k for k in ("arima", "ets") if k in results), key=lambda k: results[k]["mae"], default=None)
    lstm_mae = results["lstm"]["mae"]
    beaten_by = sorted((k for k in results if k != "lstm" and results[k]["mae"] < lstm_mae),
                       key=lambda k: results[k]["mae"])
    run = RunDir(out)
    run.write_model(model)
    run.write_json("config.json", {"task": "forecast", "model": "lstm", "series": series, "description": description,
                                   "forecast": cfg.to_dict(), "scale": {"mean": float(mean), "std": float(std)},
                                   "target": "first difference", "season": m})
    summary = {"task": "forecast", "model": "lstm forecaster", "series": series, "description": description, "n": n,
               "test_points": int(n - test_start), "test_from": labels[test_start], "season": m,
               "season_from": season_from,
               "metrics": results, "baselines": specs, "not_fitted": not_fitted, "interrupted": interrupted,
               "beats_naive": lstm_mae < results["naive"]["mae"],
               "beaten_by": beaten_by,  # every other forecast with a lower MAE than the LSTM's, best first
               "best_method": min(results, key=lambda k: results[k]["mae"]),
               "best_statsmodels": best,
               "beats_best_statsmodels": None if best is None else lstm_mae < results[best]["mae"],
               "seconds": time.perf_counter() - started, "seconds_by_method": seconds, "final_train_mse": losses[-1],
               "parameters": int(sum(p.numel() for p in model.parameters())),
               "curves": {"labels": labels, "values": y.tolist(), "test_start": test_start,
                          "forecasts": forecasts}}
    run.write_json("metrics.json", summary)
    if interrupted:
        raise ForecastInterrupted(summary, out)
    return summary
