"""Progress bars for long work (rich, on stderr so that stdout stays clean for --json).

Every bar shows done/total, the rate and the time left (ETA). Library functions
report progress as ``progress(done, total)``; :func:`counting_bar` turns those
calls into a bar, created at the first call (when the total is known).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from seqlab.i18n import _


class _Rate(TextColumn):
    def __init__(self, unit: str):
        super().__init__("")
        self.unit = unit

    def render(self, task):
        if task.total is None:  # a phase without countable work: its name is the whole story
            return Text("")
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} {self.unit}/s" if speed else f"- {self.unit}/s", style="cyan")


class _Count(MofNCompleteColumn):
    def render(self, task):
        return Text("") if task.total is None else super().render(task)


def _progress(unit: str, extra: list | None = None) -> Progress:
    columns = [TextColumn("{task.description}"), BarColumn(), _Count(), TaskProgressColumn(),
               _Rate(unit), *(extra or []), TimeRemainingColumn()]
    return Progress(*columns, console=Console(stderr=True), transient=False)


@contextlib.contextmanager
def counting_bar(description: str, unit: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """Yields ``report(done, total)``; the bar appears at the first report whose work is not yet all done."""
    if not enabled:
        yield lambda done, total: None
        return
    with contextlib.ExitStack() as stack:
        state: dict = {}

        def report(done: int, total: int) -> None:
            if "task" not in state:
                if done >= total:  # nothing left to do (a finished or cached job): no bar
                    return
                progress = stack.enter_context(_progress(unit))
                state["progress"], state["task"] = progress, progress.add_task(description, total=total,
                                                                                 completed=done)
                return
            state["progress"].update(state["task"], completed=done, total=total)

        yield report


@contextlib.contextmanager
def training_bar(name: str) -> Iterator[tuple[Callable[[dict], None], Callable[[str], None]]]:
    """``(on_step, on_phase)`` for a trainer: phase, step/total, loss (and accuracy when the task has one),
    throughput and time left."""
    with _progress(_("steps"), [TextColumn("{task.fields[info]}")]) as progress:
        task = progress.add_task(name, total=None, info="")

        def on_phase(phase: str) -> None:
            progress.update(task, description=f"{name}: {_(phase)}")

        def on_step(s: dict) -> None:
            info = _("loss {loss:.3f}").format(loss=s["loss"])
            if "accuracy" in s:
                info += " · " + _("acc {accuracy:.3f}").format(accuracy=s["accuracy"])
            if "texts_per_s" in s:
                info += " · " + _("{rate:,.0f} texts/s").format(rate=s["texts_per_s"])
            progress.update(task, total=s["total"], completed=s["step"], info=info)

        yield on_step, on_phase


def interactive() -> bool:
    return sys.stderr.isatty()
