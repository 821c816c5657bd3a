"""The forecaster (``seqlab train --task forecast``) against naive, auto-ARIMA and auto-ETS forecasts, and how it
reads a series: a statsmodels one or a CSV."""

import json

import pytest


def test_forecast_beats_naive(tmp_path, cli):
    code, out, _ = cli("train", "--task", "forecast", "--series", "sunspots", "--out", str(tmp_path / "f"),
                       "--no-baselines", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["beats_naive"] and obj["metrics"]["lstm"]["mae"] < obj["metrics"]["naive"]["mae"]
    assert (tmp_path / "f" / "forecast.png").read_bytes()[:4] == b"\x89PNG"


def test_a_csv_series_is_read_as_every_file_and_its_season_is_said(tmp_path, cli):
    """A folder or a CP949 CSV ended in the "bug" message (IsADirectoryError, UnicodeDecodeError), a blank last line
    was "not a number", the season 12 of every CSV was never said, and --epochs 300 (forecast's default) was refused."""
    from seqlab.errors import InputError
    from seqlab.training.forecast import load_series

    series = tmp_path / "s.csv"
    series.write_text("month,value\n" + "".join(f"2000-{m:02d},{m % 12 + 0.5 * m}\n" for m in range(1, 121)) + "\n\n",
                      encoding="utf-8")
    assert len(load_series(str(series))[0]) == 120  # the blank lines at the end end the file
    gap = tmp_path / "gap.csv"
    gap.write_text("month,value\n2000-01,1\n\n2000-03,3\n2000-04,4\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):  # a blank line inside is a gap, never skipped
        load_series(str(gap))
    cp949 = tmp_path / "cp.csv"
    cp949.write_bytes("월,값\n1월,1\n2월,2\n3월,3\n".encode("cp949"))
    for path in (tmp_path, cp949):
        code, _out, err = cli("train", "--task", "forecast", "--series", str(path), "--out", str(tmp_path / "f"))
        assert code == 1 and "bug" not in err and "Traceback" not in err, err
    assert "iconv" in err and "--errors" not in err  # train has no --errors: its hint is not offered
    code, _out, err = cli("train", "--task", "forecast", "--series", str(tmp_path / "missing.csv"), "--out",
                          str(tmp_path / "f"), "--epochs", "300")
    assert code == 1 and "missing.csv does not exist" in err  # --epochs 300 passed the range: the series was looked at
    code, out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(tmp_path / "f"),
                         "--no-baselines", "--epochs", "2", "--json")
    assert code == 0, err
    said = json.loads(out)
    assert said["season"] == 12 and said["season_from"] == "assumed"
    assert "a season of 12 steps was assumed" in " ".join(err.split())
    code, out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(tmp_path / "g"),
                         "--no-baselines", "--epochs", "2", "--season", "4", "--json")
    assert code == 0 and json.loads(out)["season"] == 4 and json.loads(out)["season_from"] == "given", err
    assert "assumed" not in err
    assert cli("train", "--task", "forecast", "--out", str(tmp_path / "h"), "--epochs", "10001")[0] == 2
    # season 1 passed the range and ended in statsmodels' "period must be … >= 2" as an internal error
    code, _out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(tmp_path / "h"),
                          "--season", "1")
    assert code == 2 and "--season" in err and "internal error" not in err
    # a finished forecast run was trained again, and replaced, by --resume (a forecast keeps no checkpoint)
    code, _out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(tmp_path / "g"),
                          "--resume", "--epochs", "30")
    assert code == 2 and "not used by --task forecast: --resume" in " ".join(err.split())
    assert json.loads((tmp_path / "g" / "metrics.json").read_text())["season"] == 4  # the first run, kept
    assert cli("train", "--data", "x.tsv", "--out", str(tmp_path / "h"), "--season", "4")[0] == 2


def test_forecast_statsmodels_baselines_on_a_tiny_grid(tmp_path):
    from seqlab.training.forecast import forecast_config, train_forecast
    from seqlab.training.forecast_baselines import ArimaGrid

    summary = train_forecast("co2", tmp_path / "f", forecast_config(epochs=1), arima_grid=ArimaGrid(max_seasonal_pq=0,
                                                                                                 max_seasonal=1))
    specs, metrics = summary["baselines"], summary["metrics"]
    assert specs["arima"]["spec"].endswith("[12]") or specs["arima"]["spec"].endswith("[12] + drift")
    assert specs["arima"]["models_tried"] == 8 and specs["ets"]["spec"].startswith("ETS(")
    assert metrics["arima"]["mae"] < metrics["naive"]["mae"] and metrics["ets"]["mae"] < metrics["naive"]["mae"]
    assert summary["best_statsmodels"] in ("arima", "ets") and isinstance(summary["beats_best_statsmodels"], bool)
    assert len(summary["curves"]["forecasts"]["arima"]) == summary["test_points"]


def test_arima_forecasts_one_step_ahead_with_the_training_parameters():
    """No refit and no peeking: each test forecast is c + φ·y_(t-1) with the parameters fitted on the training part."""
    import numpy as np

    from seqlab.training.forecast_baselines import ArimaGrid, auto_arima

    rng = np.random.default_rng(0)
    y = np.zeros(300)
    for t in range(1, 300):
        y[t] = 2.0 + 0.8 * y[t - 1] + rng.normal()
    b = auto_arima(y, 240, None, ArimaGrid(max_p=1, max_q=0))
    assert b.spec == "ARIMA(1,0,0) + constant" and b.models_tried == 2
    c, phi = b.params["intercept"], b.params["ar.L1"]
    np.testing.assert_allclose(b.forecasts, c + phi * y[239:299], rtol=1e-6)


def test_a_short_series_is_told_how_many_values_it_needs(tmp_path, cli):
    """"too short for window 24 and season 12. Give a longer series, or a smaller --season": a season of 2 still
    failed at 30 values, the window is no option of the command, and no minimum was said."""
    short = tmp_path / "short.csv"
    short.write_text("t,value\n" + "".join(f"{i},{i % 5}\n" for i in range(30)), encoding="utf-8")
    code, _out, err = cli("train", "--task", "forecast", "--series", str(short), "--out", str(tmp_path / "f"),
                          "--no-baselines")
    said = " ".join(err.split())
    assert code == 1 and "the series has 30 values: it needs at least 47 for a window of 24 past values and a " \
        "season of 12 (the last 20% is held out for testing)" in said, said
    assert "Give a series of at least 47 values (with --season 2: 34)." in said
    code, _out, err = cli("train", "--task", "forecast", "--series", str(short), "--out", str(tmp_path / "f"),
                          "--no-baselines", "--season", "2")
    assert code == 1 and "it needs at least 34" in " ".join(err.split())
    enough = tmp_path / "enough.csv"  # the number said is enough
    enough.write_text("t,value\n" + "".join(f"{i},{i % 5 + 0.1 * i}\n" for i in range(34)), encoding="utf-8")
    code, _out, err = cli("train", "--task", "forecast", "--series", str(enough), "--out", str(tmp_path / "g"),
                          "--no-baselines", "--season", "2", "--epochs", "2")
    assert code == 0, err
