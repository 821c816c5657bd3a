"""A new user's eleventh round: long work says how far it is, Ctrl-C says what was kept, a headed table is searched
by its text column, and the lab leaves torch's random state alone. Each test failed before its fix."""

import json

import pytest


def _lines_file(path, texts):
    path.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    return path


class _Listener:
    """A progress listener that knows phases, as the CLI's bar does: records ("phase", name) and (done, total)."""

    def __init__(self):
        self.calls = []

    def phase(self, name, unit=None):
        self.calls.append(("phase", name))

    def __call__(self, done, total):
        self.calls.append((done, total))


def test_search_indexing_reports_between_its_start_and_its_end(tmp_path, reviews, monkeypatch):
    """`search -f c5k.txt`: "0/5,000 (0%)", then nothing for 142 s, then 100% (one 10,000-line shard)."""
    from seqlab.vectors.search import search, shard_size

    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path / "home"))  # an index built here, not one of an earlier test

    assert (shard_size(5000), shard_size(30), shard_size(10**7)) == (250, 100, 10_000)
    corpus = _lines_file(tmp_path / "c.txt", reviews[:300])
    calls = []
    result = search(reviews[3], corpus, "minilm", k=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 300) and calls[-1] == (300, 300) and (100, 300) in calls and (200, 300) in calls
    assert result.hits[0].line == 4 and result.text_col is None  # a plain file: as before


def test_an_uncounted_phase_is_named_and_timed_in_a_log(capsys, monkeypatch):
    """A trainer that does not report (tokenizers'): ``report(0, 0)`` after a phase drew nothing at all."""
    from seqlab.render import progress

    monkeypatch.setattr(progress, "interactive", lambda: False)

    def run():
        with progress.counting_bar("work", "lines") as report:
            report(0, 10)
            report(10, 10)
            report.phase("training the wordpiece model…")
            report(0, 0)
            report.phase("loading e5-small")
            report(0, 0)
        return capsys.readouterr().err.splitlines()

    instant = run()  # phases that end at once: one line each, not the same line twice
    assert [line.split(" · ")[0] for line in instant[2:]] == ["training the wordpiece model…", "loading e5-small"]
    monkeypatch.setattr(progress.LineProgress, "same_line_s", 0.0)  # as phases that take their time
    lines = run()
    assert len(lines) == 6 and lines[1].startswith("work · 10/10 (100%)"), lines
    assert all(line.startswith("training the wordpiece model… · ") for line in lines[2:4])  # its start, its end
    assert all(line.startswith("loading e5-small · ") for line in lines[4:])
    assert all("/0" not in line and "%" not in line for line in lines[2:])  # no count for work that has none


def test_tokenizer_train_shows_the_split_and_the_training(tmp_path, cli, reviews, monkeypatch):
    """45 s without a line: Kiwi's pre-split of every line, then tokenizers' trainer."""
    from seqlab.render import progress

    monkeypatch.setattr(progress.LineProgress, "same_line_s", 0.0)  # this small trainer ends at once
    corpus = _lines_file(tmp_path / "c.txt", reviews[:200])
    code, _out, err = cli("tokenizer", "train", "-f", str(corpus), "--out", str(tmp_path / "tok"), "--pre-split", "kiwi",
                          "--vocab-size", "300", "--lang", "en")
    assert code == 0, err
    assert "splitting into Kiwi morphemes · 0/200 (0%)" in err and "200/200 (100%)" in err
    assert err.count("training the wordpiece model…") == 2, err  # when it starts, and its time when it ends


def test_order_demo_names_its_phases():
    """25 s silent on every run: most of it loading e5-small and reading its embedding matrix."""
    from seqlab.lab.order import order_demo

    listener = _Listener()
    order_demo(progress=listener)
    phases = [c[1] for c in listener.calls if c[0] == "phase"]
    assert phases == ["loading e5-small", "reading e5-small's input embeddings",
                      "running the MLP and the LSTM on each pair"]
    assert listener.calls[1] == (0, 0) and listener.calls[-1] == (2, 2)


def _interrupting(*_args, **_kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("command", ["vocab", "tokenizer", "wordvec"])
def test_ctrl_c_says_nothing_was_written(tmp_path, cli, monkeypatch, command):
    """`vocab build`, `tokenizer train`, `wordvec train` said only "interrupted" (--json: "hint": null)."""
    corpus = _lines_file(tmp_path / "c.txt", ["좋은 영화", "별로다"])
    target, args = {
        "vocab": ("seqlab.tokens.corpus.vocabulary_from_file", ["vocab", "build", "--out", str(tmp_path / "v.json")]),
        "tokenizer": ("seqlab.tokens.training.train_tokenizer", ["tokenizer", "train", "--out", str(tmp_path / "t")]),
        "wordvec": ("seqlab.vectors.wordvec_training.train_word_vectors",
                    ["wordvec", "train", "--out", str(tmp_path / "w.model")]),
    }[command]
    monkeypatch.setattr(target, _interrupting)
    code, _out, err = cli(*args, "-f", str(corpus), "--lang", "en")
    assert code == 130 and "interrupted · nothing was written: run the command again." in " ".join(err.split()), err
    code, out, _err = cli(*args, "-f", str(corpus), "--json", "--lang", "en")
    assert code == 130 and json.loads(out)["hint"] == "nothing was written: run the command again."


def test_ctrl_c_in_search_says_what_the_index_keeps(tmp_path, cli, monkeypatch):
    corpus = _lines_file(tmp_path / "c.txt", ["좋은 영화", "별로다"])

    def stopped_after_a_part(query, corpus, model, k, progress=None, **_kwargs):
        progress(0, 300)
        progress(100, 300)
        raise KeyboardInterrupt

    monkeypatch.setattr("seqlab.vectors.search.search", stopped_after_a_part)
    code, out, err = cli("search", "영화", "-f", str(corpus), "--json", "--lang", "en")
    assert code == 130 and json.loads(out)["hint"].startswith("the index keeps every part finished so far"), err
    monkeypatch.setattr("seqlab.vectors.search.search", _interrupting)  # before any part: nothing
    code, out, _err = cli("search", "영화", "-f", str(corpus), "--json", "--lang", "en")
    assert code == 130 and json.loads(out)["hint"] == "nothing was written: run the command again."


def _stop_at_second_run(monkeypatch):
    from seqlab.lab import longterm

    real, calls = longterm.train_one, []

    def train_one(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(longterm, "train_one", train_one)


def test_an_interrupted_long_term_keeps_and_shows_its_finished_runs(cli, monkeypatch):
    """Ctrl-C in `long-term` threw away the runs already finished and said only "interrupted"."""
    from seqlab.lab.longterm import LongTermInterrupted, Recipe, long_term

    _stop_at_second_run(monkeypatch)
    recipe = Recipe(lengths=(5,), steps=3, batch=4, lr=0.01, hidden=4, eval_every=3, eval_size=8)
    with pytest.raises(LongTermInterrupted) as caught:  # a KeyboardInterrupt that carries the finished runs
        long_term("adding", cells=["rnn", "gru"], recipe=recipe)
    report = caught.value.report
    assert isinstance(caught.value, KeyboardInterrupt) and [r.label for r in report.runs] == ["rnn"]
    assert report.partial and report.unfinished == ["gru T=5"]
    assert report.to_dict()["partial"] is True and report.to_dict()["unfinished"] == ["gru T=5"]

    _stop_at_second_run(monkeypatch)
    args = ("long-term", "--lengths", "5", "--steps", "3", "--cells", "rnn,gru", "--lang", "en")
    code, out, err = cli(*args)
    said = " ".join(err.split())
    assert code == 130 and "partial report" in out and "rnn" in out, out
    assert "interrupted · 1 run finished and is shown above, marked partial; not finished: gru T=5." in said, said
    _stop_at_second_run(monkeypatch)
    code, out, _err = cli(*args, "--json")
    error_line, = map(json.loads, out.splitlines())  # one JSON object, as for every interrupt
    report_line = error_line["detail"]["partial_report"]  # the finished runs ride in it
    assert error_line["hint"].startswith("1 run finished: it is in detail.partial_report")  # not "shown above"
    assert code == 130 and report_line["partial"] is True and report_line["unfinished"] == ["gru T=5"]
    assert [r["label"] for r in report_line["runs"]] == ["rnn"] and error_line["error"] == "interrupted"


def test_an_interrupt_before_any_run_says_nothing_is_shown(cli, monkeypatch):
    from seqlab.lab import longterm

    monkeypatch.setattr(longterm, "train_one", _interrupting)
    code, out, err = cli("long-term", "--lengths", "5", "--steps", "3", "--cells", "rnn", "--json", "--lang", "en")
    assert code == 130 and json.loads(out)["hint"].startswith("no run had finished"), err


def test_a_whole_long_term_report_reads_as_before():
    from seqlab.lab.longterm import Recipe, long_term

    recipe = Recipe(lengths=(5,), steps=2, batch=4, lr=0.01, hidden=4, eval_every=2, eval_size=8)
    report = long_term("adding", cells=["rnn"], recipe=recipe)
    assert not report.partial and "partial" not in report.to_dict() and "unfinished" not in report.to_dict()


def test_long_term_leaves_torchs_random_state_as_it_was():
    """long_term() called torch.manual_seed: torch.initial_seed() was 0 after it, and the caller's stream reset."""
    import torch

    from seqlab.lab.longterm import Recipe, long_term

    torch.manual_seed(1234)
    torch.rand(3)
    state = torch.get_rng_state()
    recipe = Recipe(lengths=(5,), steps=2, batch=4, lr=0.01, hidden=4, eval_every=2, eval_size=8)
    long_term("adding", cells=["rnn"], recipe=recipe, seed=0)
    assert torch.initial_seed() == 1234 and torch.equal(torch.get_rng_state(), state)


def test_search_reads_a_headed_table_by_its_text_column(tmp_path, cli, nsmc_rows):
    """`search -f c100.tsv`: "row 1 (the header) is an empty text", then "1 blank line … is never an answer", and
    --json "empty_lines": 1, for a file without a blank line; a table of another header could not be searched."""
    nsmc = tmp_path / "c100.tsv"
    nsmc.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t{t}\t{y}\n" for i, t, y in nsmc_rows[:40]),
                    encoding="utf-8")
    code, out, err = cli("search", nsmc_rows[4][1], "-f", str(nsmc), "-m", "minilm", "-k", "2", "--json",
                         "--lang", "en")
    said = " ".join(err.split())
    result = json.loads(out)
    assert code == 0 and result["empty_lines"] == 0 and result["text_col"] == "document", said
    assert "blank line" not in said and "empty text" not in said
    assert "is read as a table: its document column is searched" in said and "header (line 1) is not a text" in said
    assert result["hits"][0]["line"] == 6 and result["hits"][0]["text"] == nsmc_rows[4][1]

    table = tmp_path / "reviews.tsv"  # another header: refused without --text-col, with the option named
    table.write_text("label\treview\n" + "".join(f"{y}\t{t}\n" for _i, t, y in nsmc_rows[:40]), encoding="utf-8")
    code, _out, err = cli("search", "영화", "-f", str(table), "-m", "minilm", "--lang", "en")
    assert code == 1 and "--text-col review" in err
    code, out, err = cli("search", nsmc_rows[7][1], "-f", str(table), "--text-col", "review", "-m", "minilm", "-k", "1",
                         "--json", "--lang", "en")
    hit = json.loads(out)["hits"][0]
    assert code == 0 and hit["line"] == 9 and hit["text"] == nsmc_rows[7][1], err
    code, _out, err = cli("search", "영화", "-f", str(table), "--text-col", "nope", "-m", "minilm", "--lang", "en")
    assert code == 1 and "has no column 'nope'" in err and "--text-col" in err


def test_a_vocabulary_of_only_special_tokens_is_refused_in_the_callers_words(tmp_path, cli):
    """The library returned a vocabulary of <pad> <unk> <bos> <eos> without a word; the hint is min_freq= there, and
    --min-freq on the command line."""
    from seqlab.errors import InputError
    from seqlab.ids.vocab import Vocabulary

    with pytest.raises(InputError) as caught:
        Vocabulary.build([["영화"], ["최고"]], min_freq=3, meta={"source": "c.txt"}).require_tokens()
    assert caught.value.message.startswith("no token of c.txt is seen 3 times or more")
    assert caught.value.hint == "Pass a lower min_freq= (its 2 distinct tokens were all cut)."
    assert Vocabulary.build([], min_freq=3).require_tokens() is not None  # nothing seen: the caller says so
    corpus = _lines_file(tmp_path / "c.txt", ["좋은 영화", "별로다"])
    code, out, err = cli("vocab", "build", "-f", str(corpus), "-t", "char", "--min-freq", "100000", "--out",
                         str(tmp_path / "v.json"), "--json", "--lang", "en")
    assert code == 1 and json.loads(out)["hint"] == "Lower --min-freq (its 8 distinct tokens were all cut).", err
