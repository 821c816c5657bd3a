"""A new user's review of ``seqlab train``: an interrupted forecast keeps its LSTM, forecast and seq2seq progress say
what they count, the forecast verdict names every better baseline, series and pairs files are read (or refused)
clearly, spacing-pairs checks its input before it speaks of replacing --out, and the trainers leave the caller's
torch generator alone."""

import json
import math
import sys

import numpy as np
import pytest

DATA_ROWS = 300  # the first 300 reviews: every training here takes seconds


@pytest.fixture
def series(tmp_path):
    """A monthly sine with a trend: 120 values, which the seasonal-naive forecast predicts well."""
    path = tmp_path / "ts.csv"
    path.write_text("month,value\n" + "".join(f"{i},{10 + 5 * math.sin(i / 12 * 6.28) + i * .1:.3f}\n"
                                              for i in range(120)), encoding="utf-8")
    return path


def _fake_search(name, spec):
    """A baseline search that reports three fits and forecasts the previous value (instead of minutes of AIC)."""
    from seqlab.training.forecast_baselines import Baseline

    def search(y, test_start, season, *rest):
        progress = rest[-1] if rest else None
        for k in range(1, 4):
            if progress:
                progress(k, 3)
        return Baseline(name, spec, 0.0, np.asarray(y[test_start - 1 : len(y) - 1], float), 3, 0.0, {})

    return search


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def test_an_interrupt_during_the_baselines_keeps_what_was_done(tmp_path, series, monkeypatch):
    """Ctrl-C in the minutes of the ARIMA search threw away the trained LSTM and its scores."""
    from seqlab.training import forecast
    from seqlab.training.forecast import ForecastInterrupted, forecast_config, train_forecast

    monkeypatch.setattr(forecast, "auto_arima", _interrupt)
    with pytest.raises(ForecastInterrupted) as stop:
        train_forecast(str(series), tmp_path / "a", forecast_config(epochs=2))
    assert isinstance(stop.value, KeyboardInterrupt) and "auto-ARIMA, auto-ETS" in str(stop.value)
    saved = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert saved == stop.value.summary and saved["interrupted"] == "arima"
    assert saved["not_fitted"] == {"arima": "interrupted", "ets": "interrupted"}
    assert set(saved["metrics"]) == {"lstm", "naive", "seasonal_naive"} and (tmp_path / "a" / "model.safetensors").exists()
    # stopped in the ETS search: the ARIMA that ended before is kept too
    monkeypatch.setattr(forecast, "auto_arima", _fake_search("arima", "ARIMA(0,1,0)"))
    monkeypatch.setattr(forecast, "auto_ets", _interrupt)
    with pytest.raises(ForecastInterrupted) as stop:
        train_forecast(str(series), tmp_path / "b", forecast_config(epochs=2))
    assert stop.value.summary["not_fitted"] == {"ets": "interrupted"} and "arima" in stop.value.summary["metrics"]


def test_the_command_shows_and_says_what_an_interrupted_forecast_kept(tmp_path, series, monkeypatch, cli):
    from seqlab.cli.outputs import ON_INTERRUPT
    from seqlab.training import forecast

    monkeypatch.setattr(forecast, "auto_arima", _interrupt)
    out_dir = tmp_path / "fb"
    code, out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(out_dir), "--epochs",
                         "2", "--lang", "en")
    said = " ".join(err.split())
    assert code == 130 and "LSTM forecaster" in out and "not fitted, interrupted: auto-ARIMA, auto-ETS" in " ".join(
        out.split())
    assert f"kept in {out_dir}: the LSTM forecaster, the naive and seasonal-naive forecasts" in said
    assert "nothing was saved" not in said and "a forecast run is not resumed" in said  # the command's word wins
    assert (out_dir / "forecast.png").exists() and json.loads((out_dir / "metrics.json").read_text())["interrupted"]
    assert "not resumed" in ON_INTERRUPT[-1] and "auto-ARIMA, auto-ETS" in ON_INTERRUPT[-1]  # what cli.main says
    code, out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(tmp_path / "j"),
                         "--epochs", "2", "--json", "--lang", "en")
    assert code == 130 and [json.loads(line)["exit_code"] for line in out.splitlines()] == [130]  # one JSON object
    kept = json.loads(out)["detail"]["partial_summary"]  # what was kept rides in it, as long-term's finished runs
    assert kept["not_fitted"] and "lstm" in kept["metrics"], kept
    # the run folder is a forecast's: --resume says so (it named --task classify and "an older seqlab")
    code, _out, err = cli("train", "--out", str(out_dir), "--resume", "--lang", "en")
    said = " ".join(err.split())
    assert code == 2 and "holds a forecast run, and a forecast run is not resumed" in said
    assert "older seqlab" not in said and "--task classify" not in said and "--out" in said


def test_a_finished_forecast_is_not_resumed_either(tmp_path, series, cli):
    out_dir = tmp_path / "sun"
    assert cli("train", "--task", "forecast", "--series", str(series), "--out", str(out_dir), "--epochs", "2",
               "--no-baselines", "--lang", "en")[0] == 0
    assert json.loads((out_dir / "metrics.json").read_text())["task"] == "forecast"
    code, _out, err = cli("train", "--out", str(out_dir), "--resume", "--lang", "en")
    assert code == 2 and "a forecast run is not resumed" in " ".join(err.split()) and "older" not in err


def test_forecast_progress_counts_epochs_then_the_models_of_each_search(tmp_path, series, monkeypatch, cli):
    """The LSTM's 300 epochs and the ARIMA search were silent."""
    from seqlab.training import forecast

    monkeypatch.setattr(forecast, "auto_arima", _fake_search("arima", "ARIMA(0,1,0)"))
    monkeypatch.setattr(forecast, "auto_ets", _fake_search("ets", "ETS(A,N,N)"))
    code, _out, err = cli("train", "--task", "forecast", "--series", str(series), "--out", str(tmp_path / "f"),
                          "--epochs", "4", "--lang", "en")
    lines = err.splitlines()
    assert code == 0
    assert any(line.startswith("forecast: training the LSTM · 4/4 (100%) · loss ") for line in lines), err
    assert any(line.startswith("forecast: auto-ARIMA: order search by AIC · 3/3 (100%)") for line in lines), err
    assert any(line.startswith("forecast: auto-ETS: form search by AIC · 3/3 (100%)") for line in lines), err
    assert not any("search" in line and "loss" in line for line in lines)


def test_auto_ets_reports_each_form_it_tries():
    from seqlab.training.forecast_baselines import auto_ets

    y = 10 + np.sin(np.arange(80) / 3) + np.arange(80) * 0.05
    calls = []
    b = auto_ets(y, 64, None, lambda done, total: calls.append((done, total)))
    assert calls == [(k, 6) for k in range(1, 7)] and b.models_tried == 6


def test_the_verdict_names_every_forecast_that_beats_the_lstm():
    """MAE 1.616 for the LSTM beside 1.200 for the seasonal naive was called "the LSTM beats the naive forecast"."""
    from seqlab.i18n import use_language
    from seqlab.render.training import forecast_verdicts

    summary = {"metrics": {"lstm": {"mae": 1.616}, "naive": {"mae": 1.665}, "seasonal_naive": {"mae": 1.2}},
               "baselines": {}, "not_fitted": {"arima": "off", "ets": "off"}}
    with use_language("en"):
        said = forecast_verdicts(summary)
        assert said[0] == ("the LSTM (MAE 1.616) does NOT have the lowest MAE: the seasonal-naive forecast (MAE "
                           "1.200) beats it") and said[1] == "ARIMA and ETS were not fitted (--no-baselines)"
        summary["metrics"]["arima"] = {"mae": 1.1}
        summary["baselines"] = {"arima": {"spec": "ARIMA(1,0,0)"}}
        summary["not_fitted"] = {"ets": "interrupted"}
        said = forecast_verdicts(summary)
        assert said[0].endswith("2 forecasts beat it, the best first: auto-ARIMA ARIMA(1,0,0) (MAE 1.100), the "
                                "seasonal-naive forecast (MAE 1.200)") and said[1] == "not fitted, interrupted: auto-ETS"
        summary["metrics"]["lstm"]["mae"] = 0.5
        assert forecast_verdicts(summary)[0].startswith("the LSTM has the lowest MAE (0.500): it beats the naive")


def test_the_forecast_summary_records_what_beats_the_lstm(tmp_path, series):
    from seqlab.training.forecast import forecast_config, train_forecast

    s = train_forecast(str(series), tmp_path / "f", forecast_config(epochs=3, baselines=False))
    metrics, lstm = s["metrics"], s["metrics"]["lstm"]["mae"]
    assert s["beaten_by"] == sorted((k for k in metrics if metrics[k]["mae"] < lstm), key=lambda k: metrics[k]["mae"])
    assert s["best_method"] == min(metrics, key=lambda k: metrics[k]["mae"])


def test_a_tsv_series_is_read_by_its_tabs_and_bad_values_are_quoted_short(tmp_path, cli):
    """A TSV was read as a CSV: a 600-character message quoting whole lines; an empty series file was answered
    "Give a CSV series with one text per line"."""
    from seqlab.errors import InputError
    from seqlab.training.forecast import load_series

    tsv = tmp_path / "s.tsv"
    tsv.write_text("month\tvalue\n" + "".join(f"2000-{m:02d}\t{m * 0.5}\n" for m in range(1, 41)), encoding="utf-8")
    values, labels, _season, _description = load_series(str(tsv))
    assert len(values) == 40 and values[-1] == 20.0 and labels[0] == "2000-01"
    long = tmp_path / "long.csv"
    long.write_text("id,text\n" + "".join(f"{k},{'가나다라마바사 ' * 20}\n" for k in range(8)), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        load_series(str(long))
    assert len(refused.value.message) < 300 and "…" in refused.value.message and "line 2" in refused.value.message
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _out, err = cli("train", "--task", "forecast", "--series", str(empty), "--out", str(tmp_path / "f"),
                          "--lang", "en")
    assert code == 1 and "empty.csv is empty" in err and "one text per line" not in err
    assert "number per row in its last column" in " ".join(err.split())


def test_an_empty_pairs_file_is_called_empty(tmp_path, cli):
    """"empty.tsv has no usable source<TAB>target pairs (skipped )": an empty list of reasons."""
    from seqlab.errors import InputError
    from seqlab.training.spacing import read_pairs

    empty = tmp_path / "empty.tsv"
    empty.write_bytes(b"")
    for extra in ([], ["--json"]):
        code, out, err = cli("train", "--task", "seq2seq", "-f", str(empty), "--out", str(tmp_path / "sx"), *extra,
                             "--lang", "en")
        assert code == 1 and "empty.tsv is empty" in out + err and "skipped )" not in out + err
    bom = tmp_path / "bom.tsv"  # not empty, but without one line: no "(skipped )" either
    bom.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(InputError) as refused:
        read_pairs(bom, 60)
    assert "skipped )" not in refused.value.message and "bom.tsv" in refused.value.message


def test_spacing_pairs_checks_its_input_before_it_speaks_of_replacing_out(tmp_path, data, cli):
    out = tmp_path / "sp.tsv"
    out.write_text("kept\tkept\n", encoding="utf-8")
    code, _out, err = cli("data", "spacing-pairs", str(data), "--out", str(out), "--text-col", "foo", "--lang", "en")
    assert code == 1 and "no column 'foo'" in err and "replaced" not in err
    assert out.read_text(encoding="utf-8") == "kept\tkept\n"
    code, _out, err = cli("data", "spacing-pairs", str(data), "--out", str(out), "--lang", "en")
    assert code == 0 and "it will be replaced" in " ".join(err.split()) and out.read_text(encoding="utf-8") != "kept\tkept\n"


def test_an_evaluation_phase_counts_texts_not_training_steps(capsys):
    """"evaluating against Kiwi · 44/44 (100%) · loss 0.762": the training's counters and loss on the evaluation."""
    from seqlab.cli.train_run import phased_bar
    from seqlab.i18n import use_language
    from seqlab.training.seq2seq import EVALUATING, KIWI_SPACING

    with use_language("en"), phased_bar("seq2seq", {EVALUATING: "texts", KIWI_SPACING: "texts"}) as (on_step, on_phase,
                                                                                                    report):
        on_phase("training")
        for step in range(1, 45):
            on_step({"step": step, "total": 44, "loss": 0.762})
        for phase in (EVALUATING, KIWI_SPACING):
            on_phase(phase)
            for done in range(6):
                report(done, 5)
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("seq2seq: training · 44/44 (100%) · loss 0.762") for line in lines)
    evaluating = [line for line in lines if "evaluating" in line]
    assert evaluating and not any("loss" in line or "/44" in line for line in evaluating), lines
    assert any(line.startswith(f"seq2seq: {EVALUATING} · 5/5 (100%)") for line in evaluating)
    assert any(line.startswith(f"seq2seq: {KIWI_SPACING} · 5/5 (100%)") for line in evaluating)


def _seq2seq_pairs(tmp_path, nsmc_rows):
    from seqlab.training.spacing import spacing_pairs

    pairs = spacing_pairs([r[1] for r in nsmc_rows[:400]], 30)[:80]
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{s}\t{t}\n" for s, t in pairs), encoding="utf-8")
    return path


def _kept(train):
    """Whether ``train()`` leaves torch's generator as it was: its seed, and the next draw."""
    import torch

    torch.manual_seed(2024)
    torch.rand(2)
    state = torch.get_rng_state()
    expected = torch.rand(3)
    torch.set_rng_state(state)
    train()
    return torch.initial_seed() == 2024 and torch.equal(torch.rand(3), expected)


def test_the_trainers_leave_the_callers_random_state_alone(tmp_path, data, series, nsmc_rows):
    """After train_models, torch.initial_seed() was 13: the trainer's seed, in the notebook's generator."""
    from seqlab.training.forecast import forecast_config, train_forecast
    from seqlab.training.runs import TrainOptions, train_models
    from seqlab.training.seq2seq import seq2seq_config, train_seq2seq
    from tests.training.conftest import FAST

    assert _kept(lambda: train_models("lstm", TrainOptions(data=data, **FAST), tmp_path / "lstm"))
    assert _kept(lambda: train_seq2seq(_seq2seq_pairs(tmp_path, nsmc_rows), tmp_path / "s2s",
                                       seq2seq_config(epochs=1, hidden=8, embed=8, batch_size=32)))
    assert _kept(lambda: train_forecast(str(series), tmp_path / "f", forecast_config(epochs=2, baselines=False)))


def test_the_seq2seq_evaluation_reports_its_texts(tmp_path, nsmc_rows):
    from seqlab.training.seq2seq import EVALUATING, KIWI_SPACING, seq2seq_config, train_seq2seq

    said = []
    summary = train_seq2seq(_seq2seq_pairs(tmp_path, nsmc_rows), tmp_path / "s2s",
                            seq2seq_config(epochs=1, hidden=8, embed=8, batch_size=32), on_phase=said.append,
                            progress=lambda done, total: said.append((done, total)))
    n = summary["val_pairs"]
    model_part = said[said.index(EVALUATING) + 1 : said.index(KIWI_SPACING)]
    kiwi_part = said[said.index(KIWI_SPACING) + 1 :]
    assert model_part[0] == (0, n) and model_part[-1] == (n, n)
    assert kiwi_part == [(k, n) for k in range(n + 1)]


def test_a_torch_first_imported_by_a_trainer_is_left_unseeded(tmp_path):
    """A caller without torch gets no torch seeded 13 behind its back (tf-idf never imports torch at all)."""
    import subprocess

    code = ("import sys\nfrom seqlab.scratch.torch_layout import kept_random_state\nassert 'torch' not in sys.modules\n"
            "with kept_random_state():\n    import torch\n    torch.manual_seed(13)\n"
            "print(torch.initial_seed())\n")
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.strip() != "13", result.stderr
