"""Progress where stderr is not a terminal: whole lines at the start, every tenth, phase changes and the end."""

import io

from seqlab.render.progress import LineProgress, counting_bar, training_bar


def test_line_progress_prints_tenths_phases_and_the_end_uncut():
    out = io.StringIO()
    with LineProgress("steps", out) as progress:
        task = progress.add_task("lstm T=100 · a long description that a rich bar would cut at eighty columns",
                                 total=None, info="")
        progress.update(task, description="lstm: training")
        for step in range(1, 101):
            progress.update(task, total=100, completed=step, info=f"loss {1 / step:.3f}")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("lstm T=100 · a long description that a rich bar would cut at eighty columns")
    assert lines[1].startswith("lstm: training")
    tenths = [line for line in lines if "/100 (" in line]  # the first count, then each tenth
    assert len(tenths) == 11 and tenths[0].startswith("lstm: training · 1/100") and tenths[-1].startswith("lstm: training · 100/100 (100%)") and "loss 0.010" in tenths[-1]


def test_bars_fall_back_to_lines_off_a_terminal(capsys):
    with training_bar("gru") as (on_step, on_phase):
        on_phase("training")
        on_step({"step": 5, "total": 5, "loss": 0.5})
    with counting_bar("embedding words", "words") as report:
        report(0, 4)
        report(4, 4)
    err = capsys.readouterr().err
    assert "gru: training · 5/5 (100%)" in err and "loss 0.500" in err
    assert "embedding words · 4/4 (100%)" in err


def test_each_phase_of_a_build_gets_its_own_lines_and_rate(capsys, monkeypatch):
    """Kiwi's word vectors: recovering, reading the word list, composing. The first phase's 100% used to be the last
    line for 30 s, and its first line showed a rate over a few microseconds (211,237,851 items/s)."""
    from seqlab.progress import new_phase

    clock = iter(float(t) for t in range(1000))
    monkeypatch.setattr("seqlab.render.progress.time.monotonic", lambda: next(clock))
    with counting_bar("building", "items") as report:
        new_phase(report, "recovering")
        for done in range(2000, 10001, 2000):
            report(done, 10000)
        new_phase(report, "composing")
        for done in range(100, 301, 100):
            report(done, 300)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("recovering · 2,000/10,000 (20%)") and "items/s" not in lines[0]
    assert any(line.startswith("recovering · 10,000/10,000 (100%)") for line in lines)
    composing = [line for line in lines if line.startswith("composing")]
    assert composing[0].startswith("composing · 100/300 (33%)") and composing[-1].startswith("composing · 300/300 (100%)")
    assert "items/s" in composing[-1]
    assert "building" not in "".join(lines)  # each phase is named


def test_slow_rates_keep_their_digits():
    from seqlab.render.progress import rate_text

    assert [rate_text(r, "steps") for r in (0.39, 2.44, 9595.2)] == ["0.39 steps/s", "2.4 steps/s", "9,595 steps/s"]


def test_a_plain_listener_ignores_phases():
    from seqlab.progress import new_phase

    seen = []
    new_phase(seen.append, "ignored")  # a list's append has no .phase: nothing happens
    new_phase(None, "ignored")
    assert seen == []


def test_the_live_bar_is_drawn_in_the_commands_language_from_richs_own_thread():
    """rich redraws from its refresh thread, which does not inherit the language: the bar keeps the command's."""
    import threading

    from rich.console import Console

    from seqlab.i18n import use_language
    from seqlab.render.progress import _Progress, _Rate

    with use_language("ko"):
        progress = _Progress(_Rate("개"), console=Console(file=io.StringIO()), auto_refresh=False)
    progress.add_task("x", total=10, completed=5)
    drawn = []

    def draw():
        console = Console(file=io.StringIO(), width=80)
        console.print(progress.get_renderable())
        drawn.append(console.file.getvalue())

    thread = threading.Thread(target=draw)  # a new thread starts in the default language, as rich's does
    thread.start()
    thread.join()
    assert "개/초" in drawn[0] and "/s" not in drawn[0]


def test_the_training_line_counts_its_rates_from_the_first_step(capsys, monkeypatch):
    """`train --model lstm` showed 0.04 steps/s (since the bar began, tokenizing and word2vec included) beside
    14 texts/s, then 1,642 texts/s (since the last evaluation): two clocks on one line."""
    now = [0.0]
    monkeypatch.setattr("seqlab.render.progress.time.monotonic", lambda: now[0])
    with training_bar("lstm") as (on_step, on_phase):
        on_phase("word2vec on the training texts")
        now[0] = 100.0  # 100 s before the first step
        on_phase("training")
        for step in range(1, 5):
            now[0] += 1.0  # one step per second
            on_step({"step": step, "total": 4, "loss": 0.5, "texts_per_s": 128.0})
    last = capsys.readouterr().err.splitlines()[-1]
    assert "4/4 (100%)" in last and "1.0 steps/s" in last and "128 texts/s" in last, last


def test_a_korean_rate_keeps_the_space_before_a_word_unit():
    """`plot --sentences` showed "0.25텍스트/초": the number ran into the unit (English: "0.48 steps/s")."""
    from seqlab.i18n import use_language
    from seqlab.render.progress import rate_text

    with use_language("ko"):
        assert rate_text(0.25, "텍스트") == "0.25 텍스트/초"


def test_a_live_bar_leaves_stdout_alone_when_stdout_is_a_file(monkeypatch, capsys):
    """With stderr a terminal and stdout redirected (embed -f … --json > out.jsonl), rich moved every line printed
    under the bar to the terminal: out.jsonl kept the first batch only."""
    from rich.console import Console

    from seqlab.render import progress

    monkeypatch.setattr(progress, "interactive", lambda: True)  # stderr a terminal; pytest's stdout is no tty
    monkeypatch.setattr(progress, "Console", lambda **kw: Console(force_terminal=True, **kw))
    with counting_bar("embedding", "texts") as report:
        report(1, 3)
        print('{"text": 1}')
        report(3, 3)
    assert '{"text": 1}' in capsys.readouterr().out
