"""The CLI, eighth round: what a new user found across every command and subcommand.

Each test names the defects it guards against; each failed before its fix.
"""

import json

import pytest


@pytest.mark.parametrize("host", ["999.1.1.1", "nosuchhost.invalid"])
def test_serve_names_a_host_it_cannot_listen_on(cli, host):
    """`serve --host 999.1.1.1` said "cannot use : the host name is unknown" (no name) with the hint about file
    paths, exit 1, in both languages."""
    code, _out, err = cli("serve", "--host", host, "--port", "8767", "--lang", "en")
    assert code == 2 and f"--host {host}: cannot listen there" in err and "127.0.0.1" in err, err
    assert "path exists" not in err and "cannot use :" not in err
    code, _out, err = cli("serve", "--host", host, "--port", "8767", "--lang", "ko")
    assert code == 2 and "을(를) 쓸 수 없습니다" not in err and f"--host {host}" in err


@pytest.mark.parametrize("errno_name, port, code, said", [
    ("EADDRNOTAVAIL", 8767, 2, "--host 10.9.9.9: cannot listen there: this computer has no such address"),
    ("EACCES", 80, 1, "port 80 needs administrator rights"),
    ("EACCES", 8767, 1, "cannot listen on 10.9.9.9:8767: permission denied"),  # not "choose a port from 1024 up"
])
def test_serve_says_why_a_bind_failed(cli, monkeypatch, errno_name, port, code, said):
    """Every bind error but "in use" was blamed on --host (use 127.0.0.1), a reserved port included."""
    import errno
    import socket

    def refuse(self, address):
        raise OSError(getattr(errno, errno_name), "refused")

    monkeypatch.setattr(socket.socket, "bind", refuse)
    got, _out, err = cli("serve", "--host", "10.9.9.9", "--port", str(port), "--lang", "en")
    assert got == code and said in " ".join(err.split()), err


def test_an_os_error_without_a_path_does_not_print_an_empty_path(cli, monkeypatch):
    """The last-resort handler wrote "cannot use : …" and a hint about paths for any OSError without a file name."""
    def refuse(*_args, **_kwargs):
        raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr("seqlab.render.glossary.render_glossary", refuse)
    code, _out, err = cli("glossary", "--lang", "en")
    assert code == 1
    assert "could not complete: the connection was reset by the other side" in err
    assert "cannot use" not in err and "path" not in err


def test_spacing_pairs_has_the_errors_option_its_message_offers(cli, tmp_path):
    """`data spacing-pairs` on a file with a bad byte said "give --errors replace", and the option did not exist."""
    texts = tmp_path / "t.txt"
    texts.write_bytes("오늘 날씨가 좋다\n".encode() + b"\xff\xfe bad line\n" + "내일 비가 온다\n".encode())
    code, _out, err = cli("data", "spacing-pairs", str(texts), "-o", str(tmp_path / "p.tsv"))
    assert code == 1 and "--errors replace" in err
    code, out, err = cli("data", "spacing-pairs", str(texts), "-o", str(tmp_path / "p.tsv"), "--errors", "replace",
                         "--json")
    summary = json.loads(out)
    assert code == 0 and summary["replaced_lines"] == [2] and summary["skipped"]["not_utf8"] == 1
    assert "skipped: 1 line that is not valid UTF-8 (line 2)" in err
    # the replaced line is no pair: a U+FFFD in the pairs would be learnt as a character
    assert (tmp_path / "p.tsv").read_text(encoding="utf-8") == "오늘날씨가좋다\t오늘 날씨가 좋다\n내일비가온다\t내일 비가 온다\n"
    assert cli("data", "spacing-pairs", str(texts), "-o", str(tmp_path / "p.tsv"), "--errors", "x")[0] == 2


def test_plot_says_sentences_need_the_sentences_option(cli, tmp_path):
    """`plot -f reviews.txt` without --sentences said "is more than one word" with a hint about analogies
    ("an analogy joins words with + and -")."""
    reviews = tmp_path / "r.txt"
    reviews.write_text("정말 재미있는 영화\n지루했다\n최고\n", encoding="utf-8")
    code, _out, err = cli("plot", "-f", str(reviews), "--out", str(tmp_path / "p.png"), "--lang", "en")
    assert code == 1 and "line 1 is more than one word" in err and "--sentences" in err and "analogy" not in err
    code, _out, err = cli("plot", "왕", "여왕 님", "남자", "--out", str(tmp_path / "p.png"), "--lang", "ko")
    assert code == 1 and "2번째 항목은 단어가 둘 이상입니다" in err


def test_plot_counts_different_items_when_repeats_were_drawn_once(cli, tmp_path):
    """`plot 왕 왕 왕` said "drawn once", then "a projection needs at least 3 items; 1 was given" (3 were)."""
    code, _out, err = cli("plot", "왕", "왕", "왕", "--out", str(tmp_path / "p.png"), "--lang", "en")
    assert code == 1 and "at least 3 different items; of the 3 given, only 1 is distinct" in err


def test_the_forecast_series_is_named_in_the_interface_language_and_its_default_said(cli, tmp_path):
    """With --lang ko the series line and the PNG's title read "monthly Mauna Loa CO2 …" in English, and a
    forecast without --series used sunspots without a word (its --help gave no default)."""
    from seqlab.i18n import use_language
    from seqlab.training.forecast import shown_description

    code, out, err = cli("--lang", "ko", "train", "--task", "forecast", "--out", str(tmp_path / "f"), "--epochs", "1",
                         "--no-baselines")
    assert code == 0, err
    assert "연도별 태양 흑점 수" in out and "yearly sunspot" not in out
    assert "--series가 없어 sunspots" in err
    config = json.loads((tmp_path / "f" / "config.json").read_text(encoding="utf-8"))
    assert config["description"] == "yearly sunspot numbers 1700-2008 (statsmodels)"  # records stay in English
    with use_language("ko"):
        assert shown_description("co2").startswith("마우나로아") and shown_description("/x/y.csv") == "y.csv (마지막 열)"
    code, out, _err = cli("train", "--help", "--lang", "en")
    assert "(default: sunspots)" in " ".join(out.split())


def test_the_models_group_json_reaches_install(cli):
    """`seqlab models --json install kiwi` printed plain text (its --lang in that place was honoured)."""
    code, out, err = cli("models", "--json", "install", "char")
    assert code == 0, err
    assert json.loads(out)["name"] == "char"


@pytest.mark.parametrize("lang, usage, try_help", [
    ("en", "Usage: seqlab tokenize", "Try 'seqlab tokenize --help' for help."),
    ("ko", "사용법: seqlab tokenize", "'seqlab tokenize --help' 명령으로 도움말을 보세요."),
])
def test_an_option_without_its_value_is_framed_as_every_usage_error(cli, lang, usage, try_help):
    """`tokenize x --max-length` printed only "error: option --max-length needs a value": no Usage line above it
    and no --help line below it, unlike every other usage error."""
    code, _out, err = cli("--lang", lang, "tokenize", "x", "--max-length")
    lines = err.strip().splitlines()
    assert code == 2 and lines[0].startswith(usage) and lines[-1] == try_help, err


@pytest.mark.parametrize("args, command", [(("--lang",), "seqlab"), (("models", "--lang"), "seqlab models")])
def test_a_group_option_without_its_value_is_framed_too(cli, args, command):
    """`seqlab --lang` and `seqlab models --lang` printed the bare error: no group to frame it was found."""
    code, _out, err = cli(*args)
    lines = err.strip().splitlines()
    assert code == 2 and lines[0].startswith(f"Usage: {command} ") and lines[-1] == f"Try '{command} --help' for help."


def test_the_glossary_finds_a_korean_term_in_the_english_interface(cli):
    """`seqlab glossary 코사인` said "no term matches", while `glossary cosine --lang ko` matched across languages."""
    code, out, _err = cli("glossary", "코사인", "--lang", "en")
    assert code == 0 and "cosine similarity" in out
    code, out, _err = cli("glossary", "코사인", "--lang", "en", "--json")
    assert code == 0 and list(json.loads(out)) == ["cosine"]


def test_tokenize_markdown_has_the_terminal_tables_columns_and_notes(cli):
    """`tokenize --markdown` dropped the word column (the terminal table and --json's word_ids have it) and the
    [UNK] explanation."""
    code, out, _err = cli("tokenize", "안녕 뷁", "-m", "minilm", "--markdown", "--lang", "en")
    header = next(line for line in out.splitlines() if line.startswith("| # |"))
    assert code == 0 and header.endswith("| segment | word # |")
    unknown = next(line for line in out.splitlines() if "`[UNK]`" in line)
    assert unknown.endswith("| 1 | 0 | 1 |")  # mask 1, segment 0, word 1
    assert out.count("token 7 is \\[UNK\\]") == 1 and "\n- token 7 is" in out  # one bullet of its own


def test_explain_markdown_says_each_unknown_token_once(cli):
    """With the notes in the token table's Markdown, `explain --markdown` printed every [UNK] note twice."""
    code, out, _err = cli("explain", "햏햏 없는말", "-m", "whitespace", "--markdown", "--lang", "en")
    assert code == 0 and out.count("token 0 is 햏햏") == 1 and out.count("token 1 is 없는말") == 1


def test_embed_markdown_has_the_word_table_and_the_layer_lines_the_terminal_prints(cli):
    """`embed --markdown --words mean --layers` dropped the word table and the per-layer lines."""
    code, out, _err = cli("embed", "오늘 날씨가 좋다", "-m", "minilm", "--words", "mean", "--layers", "--markdown",
                          "--lang", "en")
    assert code == 0
    assert "**words: mean of their pieces**" in out and "| 날씨가 | 3:6 |" in out
    assert "- hidden states of every layer: shape [7, 15, 384]" in out and "- mean token norm per layer:" in out


def test_train_takes_threads_and_says_when_the_machine_is_busy(cli, tmp_path, nsmc_rows, monkeypatch):
    """Beside two busy processes on two cores, the default two torch threads trained the BiLSTM at 0.9 steps/s
    against 2.7 with one thread, and train had no way to ask for one (nor said anything)."""
    import os

    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:200]) + "\n",
                    encoding="utf-8")
    args = ["train", "--data", str(data), "--model", "lstm", "--embedding", "random", "--epochs", "1",
            "--embed-dim", "16", "--hidden", "8", "--max-length", "32", "--adversarial", "0", "--lang", "en"]
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (3.5, 3.0, 2.0))
    code, _out, err = cli(*args, "--out", str(tmp_path / "a"))
    assert code == 0 and "this machine is busy already (load 3.5 on 2 cores)" in " ".join(err.split())
    code, _out, err = cli(*args, "--out", str(tmp_path / "b"), "--threads", "1")
    assert code == 0 and "busy" not in err
    assert json.loads((tmp_path / "b" / "config.json").read_text(encoding="utf-8"))["train"]["threads"] == 1
    assert cli(*args, "--out", str(tmp_path / "c"), "--threads", "0")[0] == 2  # range-checked up front
    code, _out, err = cli("train", "--data", str(data), "--model", "tfidf", "--threads", "1", "--out",
                          str(tmp_path / "d"))
    assert code == 2 and "--threads" in err  # tfidf trains without torch: refused, not ignored
    missing = [a if a != str(data) else str(tmp_path / "missing.tsv") for a in args]  # said first, not after the note
    code, _out, err = cli(*missing, "--out", str(tmp_path / "e"))
    assert code == 1 and "data file not found" in err and "busy" not in err  # (a CLI review)
