"""Training results as terminal tables (classifiers are tabled in the CLI; here the other tasks)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def forecast_terminal(summary: dict, console: Console) -> None:
    console.print(f"[bold]{summary['description']}[/] · {summary['n']} values, one-step-ahead forecasts of the last "
                  f"{summary['test_points']} (from {summary['test_from']})")
    table = Table(title="forecast errors on the test part", title_justify="left")
    for col in ("method", "MAE", "RMSE"):
        table.add_column(col, justify="left" if col == "method" else "right")
    names = {"lstm": "LSTM forecaster", "naive": "naive (previous value)",
             "seasonal_naive": f"seasonal naive (value {summary['season']} steps back)"}
    for key, label in names.items():
        m = summary["metrics"][key]
        table.add_row(label, f"{m['mae']:.3f}", f"{m['rmse']:.3f}")
    console.print(table)
    verdict = "beats" if summary["beats_naive"] else "does NOT beat"
    console.print(f"the LSTM {verdict} the naive forecast · plot: {summary['plot']}", highlight=False)


def seq2seq_terminal(summary: dict, console: Console) -> None:
    table = Table(title=f"spacing restoration on {summary['val_pairs']} held-out reviews", title_justify="left")
    for col in ("system", "char accuracy", "boundary accuracy", "boundary F1", "exact match"):
        table.add_column(col, justify="left" if col == "system" else "right")
    for name, s in summary["scores"].items():
        table.add_row(name, f"{s['char_accuracy']:.2%}", f"{s['boundary_accuracy']:.2%}", f"{s['boundary_f1']:.4f}",
                      f"{s['exact_match']:.2%}")
    console.print(table)
    for ex in summary["examples"][:3]:
        console.print(f"  {ex['source']}\n    seq2seq: {ex['seq2seq']}\n    kiwi:    {ex['kiwi']}\n    truth:   "
                      f"{ex['target']}", highlight=False)
