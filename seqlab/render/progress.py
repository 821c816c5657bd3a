"""Progress bars for long work (rich, on stderr so that stdout stays clean for --json).

Every bar shows done/total, the rate and the time left (ETA); when stderr is not a terminal
(a log file, a pipe), :class:`LineProgress` prints the same as whole lines instead. Library functions
report progress as ``progress(done, total)``; :func:`counting_bar` turns those
calls into a bar, created at the first call (when the total is known).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.text import Text

from seqlab.i18n import _


def rate_text(rate: float, unit: str) -> str:
    """``"9,595 items/s"``, ``"2.4 steps/s"``, ``"0.46 steps/s"``: slow work keeps its digits instead of reading 0."""
    digits = 0 if rate >= 10 else 1 if rate >= 1 else 2
    return _("{rate} {unit}/s").format(rate=f"{rate:,.{digits}f}", unit=unit)


class _Rate(TextColumn):
    def __init__(self, unit: str):
        super().__init__("")
        self.unit = unit

    def render(self, task):
        if task.total is None:  # a phase without countable work: its name is the whole story
            return Text("")
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit") or self.unit  # a phase may count in its own unit (epochs)
        return Text(rate_text(speed, unit) if speed else _("{rate} {unit}/s").format(rate="-", unit=unit), style="cyan")


class _Count(MofNCompleteColumn):
    def render(self, task):
        return Text("") if task.total is None else super().render(task)


class LineProgress:
    """Progress as whole lines, for stderr sent to a file or a pipe (a log, CI, a script).

    rich draws its live bar only on a terminal; elsewhere it would print one line at the end, cut
    to 80 columns. This prints a line when a task starts or changes phase, at every tenth of its
    work (at most every :attr:`every_s` seconds otherwise), and when it ends: done/total, the rate,
    the extra ``info`` field (loss, accuracy) and the time spent, never cut.
    """

    every_s = 30.0
    rate_after_s = 0.5
    same_line_s = 0.1  # an uncounted phase's end line within this of its last line would say the same

    def __init__(self, unit: str, stream=None):
        self.unit, self.stream, self.tasks = unit, stream or sys.stderr, []

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for task in self.tasks:  # work left unfinished, and a phase without a count: how far, and the time it took
            if not task["ended"] and (task["completed"] or self._uncounted_since(task)):
                self._line(task)

    def _uncounted_since(self, task: dict) -> bool:
        """A phase without a count whose last line is not the one just printed (its end line would repeat it)."""
        return not task["total"] and time.monotonic() - task["last"] >= self.same_line_s

    def add_task(self, description: str, total: float | None = None, completed: float = 0, **fields) -> int:
        self.tasks.append({"description": description, "total": total, "completed": completed, "fields": fields,
                           "started": time.monotonic(), "last": 0.0, "tenth": -1, "ended": False,
                           "from": completed})  # work done before the bar (a resumed job) is not in its rate
        self._line(self.tasks[-1])
        return len(self.tasks) - 1

    def update(self, task_id: int, description: str | None = None, total: float | None = None,
               completed: float | None = None, **fields) -> None:
        task = self.tasks[task_id]
        phase = description is not None and description != task["description"]
        for key, value in (("description", description), ("total", total), ("completed", completed)):
            if value is not None:
                task[key] = value
        task["fields"].update(fields)
        tenth = int(10 * task["completed"] / task["total"]) if task["total"] else -1
        ended = bool(task["total"]) and task["completed"] >= task["total"]
        if phase or (ended and not task["ended"]) or tenth > task["tenth"] or \
                time.monotonic() - task["last"] >= self.every_s:
            task["tenth"], task["ended"] = max(tenth, task["tenth"]), task["ended"] or ended
            self._line(task)

    def reset(self, task_id: int, total: float | None = None, completed: float = 0, description: str | None = None,
              **fields) -> None:
        """A new phase of the task (rich's ``Progress.reset``): its own line, tenths, rate and time. A phase without a
        count ends with a line of its own, which says the time it took."""
        task = self.tasks[task_id]
        if not task["ended"] and self._uncounted_since(task):
            self._line(task)
        task.update(total=total, completed=completed, started=time.monotonic(), last=0.0, tenth=-1, ended=False)
        task["from"] = completed
        if description is not None:
            task["description"] = description
        task["fields"].update(fields)
        self._line(task)

    def _line(self, task: dict) -> None:
        elapsed = time.monotonic() - task["started"]
        task["last"] = time.monotonic()
        parts = [task["description"]]
        if task["total"]:
            parts.append(f"{task['completed']:,.0f}/{task['total']:,.0f} ({task['completed'] / task['total']:.0%})")
            done = task["completed"] - task["from"]
            if elapsed >= self.rate_after_s and done > 0:  # a rate over a few milliseconds would mean nothing
                parts.append(rate_text(done / elapsed, task["fields"].get("unit") or self.unit))
        if task["fields"].get("info"):
            parts.append(task["fields"]["info"])
        parts.append(_("{s:.1f} s").format(s=elapsed))
        print(" · ".join(parts), file=self.stream, flush=True)


class _Progress(Progress):
    """rich's live bar, drawn in the language of the command that made it.

    rich redraws the bar from its own refresh thread, which does not inherit the command's language (a
    context variable): without this, a Korean bar showed "개/s" between its first and last frame.
    """

    def __init__(self, *columns, **kwargs):
        from seqlab.i18n import current

        self.language = current()  # before rich's own set-up, which may draw already
        super().__init__(*columns, **kwargs)

    def get_renderable(self):
        from seqlab.i18n import use_language

        with use_language(self.language):
            return super().get_renderable()


def _progress(unit: str, extra: list | None = None) -> Progress | LineProgress:
    """A live bar on a terminal, whole lines elsewhere."""
    if not interactive():
        return LineProgress(unit)
    columns = [TextColumn("{task.description}", markup=False), BarColumn(), _Count(), TaskProgressColumn(),
               _Rate(unit), *(extra or []), TimeRemainingColumn()]
    # rich moves prints to stdout above a live bar: right for a terminal, wrong when stdout is a file or a pipe, whose
    # lines (embed -f … --json > out.jsonl, printed batch by batch) went to the terminal instead
    to_terminal = sys.stdout.isatty()
    return _Progress(*columns, console=Console(stderr=True), transient=False, redirect_stdout=to_terminal,
                     redirect_stderr=to_terminal)


class _CountingReport:
    """``report(done, total)`` and ``report.phase(name)`` (:func:`seqlab.progress.new_phase`) for one bar.

    The bar appears at the first report whose work is not yet all done (a finished or cached job shows none). A new
    phase restarts it under the phase's name: on a terminal the same bar, in a log a new line. A phase reported as
    ``report(0, 0)`` has no count (a trainer that does not say how far it is): its name and its time are shown, on a
    terminal beside a bar that moves to and fro, in a log as a line when it starts and one when it ends.
    """

    def __init__(self, description: str, unit: str, stack: contextlib.ExitStack):
        self.description, self.unit, self.stack = description, unit, stack
        self.progress = self.task = None
        self.pending: tuple[str, str | None] | None = None  # a phase (name, unit) named before its first count

    def phase(self, name: str, unit: str | None = None) -> None:
        self.pending = (name, unit)

    def __call__(self, done: int, total: int) -> None:
        uncounted = total == 0 and self.pending is not None  # a named phase without a count
        if self.task is None:
            if done >= total and not uncounted:
                return
            name, unit = self.pending or (self.description, None)
            self.progress = self.stack.enter_context(_progress(self.unit))
            self.task = self.progress.add_task(name, total=total or None, completed=done, unit=unit)
        elif self.pending is not None:
            name, unit = self.pending
            if uncounted and isinstance(self.progress, Progress):  # rich's reset keeps the old total for None
                next(t for t in self.progress.tasks if t.id == self.task).total = None  # first: no frame of 0/old
            self.progress.reset(self.task, total=total or None, completed=done, description=name, unit=unit)
        elif total:
            self.progress.update(self.task, completed=done, total=total)
        self.pending = None


@contextlib.contextmanager
def counting_bar(description: str, unit: str, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """Yields ``report(done, total)`` (with ``report.phase(name)``); see :class:`_CountingReport`."""
    if not enabled:
        yield lambda done, total: None
        return
    with contextlib.ExitStack() as stack:
        yield _CountingReport(description, unit, stack)


@contextlib.contextmanager
def training_bar(name: str) -> Iterator[tuple[Callable[[dict], None], Callable[[str], None]]]:
    """``(on_step, on_phase)`` for a trainer: phase, step/total, loss (and accuracy when the task has one),
    throughput and time left."""
    with _progress(_("steps"), [TextColumn("{task.fields[info]}", markup=False)]) as progress:
        task = progress.add_task(name, total=None, info="")
        fresh = [True]  # the next step is the phase's first: its rate counts from there, as texts/s does

        def on_phase(phase: str) -> None:
            progress.update(task, description=f"{name}: {_(phase)}")
            fresh[0] = True

        def on_step(s: dict) -> None:
            if fresh[0]:  # not from the bar's start (tokenizing, word2vec), nor a resumed run's earlier steps
                progress.reset(task, total=s["total"], completed=s["step"])  # timed from the end of this step
                fresh[0] = False
            info = _("loss {loss:.3f}").format(loss=s["loss"])
            if "accuracy" in s:
                info += " · " + _("acc {accuracy:.3f}").format(accuracy=s["accuracy"])
            if "texts_per_s" in s:
                info += " · " + _("{rate:,.0f} texts/s").format(rate=s["texts_per_s"])
            progress.update(task, total=s["total"], completed=s["step"], info=info)

        yield on_step, on_phase


def interactive() -> bool:
    return sys.stderr.isatty()
