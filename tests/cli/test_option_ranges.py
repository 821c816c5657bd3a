"""Every number a command takes is range-checked up front, and its help states that same range.

The help and the check were written apart: ``--batch-size`` said "1 to 4096" where its error said "between 1 and
4,096", ``--threads`` and every ``--seed`` gave no range at all, and ``--min-count`` said "at least 1" where it
stops at 1,000,000,000. This test asks each command with an absurd value, reads the range from the refusal, and
looks for it in the help, in English and in Korean (where "1 to 4,096" is "1~4,096" and "at least 1" is "1 이상").
"""

import json
import re

import pytest

from seqlab.errors import shown_number

ABSURD = ("-999999999999", "999999999999")


def _commands():
    from seqlab.cli.app import build_command

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield path, cmd

    yield from walk(build_command(), [])


def _numeric_options():
    for path, cmd in _commands():
        for p in cmd.params:
            if hasattr(p, "is_flag") and not p.is_flag and p.type_descriptor.annotation in (int, float):
                yield " ".join(path), max(p.opts, key=len)


def _help_of(command: str, option: str, lang: str) -> str:
    from seqlab.i18n import use_language

    with use_language(lang):
        for path, cmd in _commands():
            if " ".join(path) == command:
                param = next(p for p in cmd.params if option in getattr(p, "opts", ()))
                return " ".join((param.help or "").split())
    raise AssertionError(command)


def _args(command: str, tmp_path) -> list[str]:
    """The command's arguments and required options, with values that pass the parser (the range check comes
    first, before any file is read or model loaded)."""
    data = tmp_path / "in.txt"
    data.write_text("좋은 영화\t1\n", encoding="utf-8")
    args = []
    for path, cmd in _commands():
        if " ".join(path) != command:
            continue
        for p in cmd.params:
            if not hasattr(p, "is_flag"):
                args.append(str(data) if p.name in ("data", "questions") else "lstm" if p.name == "cell" else "x")
            elif p.required:
                args += [p.opts[0], str(tmp_path / "out") if p.name == "out" else str(data)]
        return [*path, *args]
    raise AssertionError(command)


@pytest.mark.parametrize(("command", "option"), list(_numeric_options()))
def test_a_number_is_refused_with_the_range_its_help_states(cli, tmp_path, command, option):
    args = _args(command, tmp_path)
    code, _out, err = cli(*args, option, ABSURD[0], "--lang", "en")
    found = re.search(r"must be (between (\S+) and (\S+)|at least (\S+)), got", err)
    assert code == 2 and found, f"{command} {option} {ABSURD[0]} was not refused with its range: {err}"
    low, high = (found.group(2), found.group(3)) if found.group(2) else (found.group(4), None)
    if high is not None:  # the top is checked too (a value only the top refuses is not run: it may be slow)
        code, _out, err = cli(*args, option, ABSURD[1], "--lang", "en")
        assert code == 2 and f"between {low} and {high}" in err, err
    assert shown_number(float(low.replace(",", ""))) == low  # the refusal writes numbers as the help does
    english, korean = _help_of(command, option, "en"), _help_of(command, option, "ko")
    if high is None:
        assert f"at least {low}" in english and f"{low} 이상" in korean, (english, korean)
    else:
        assert f"{low} to {high}" in english and f"{low}~{high}" in korean, (english, korean)


def test_trace_names_its_digits_and_its_numbers_per_vector_apart_from_other_commands(cli):
    """trace's --precision (digits) meant fp32/bf16 in embed and train, and its --limit (numbers per vector) meant
    texts in compare: trace now also takes --digits and --per-vector, and its help says the difference."""
    base = ("trace", "rnn", "좋다", "--hidden", "2", "--input-dim", "2", "--markdown", "--lang", "en")
    # the exit code and the output alike (stderr may hold a one-time note of a fresh home, said by the first only)
    assert cli(*base, "--digits", "2", "--per-vector", "1")[:2] == cli(*base, "--precision", "2", "--limit", "1")[:2]
    code, out, _err = cli(*base, "--digits", "2")
    assert code == 0 and re.search(r"`\[-?\d\.\d{2} ", out) and not re.search(r"\d\.\d{3}", out)
    help_text = " ".join(cli("trace", "--help", "--lang", "en")[1].split())
    assert "embed's --precision is the arithmetic" in help_text and "compare's --limit counts texts" in help_text


def _commands_taking(option: str):
    return [" ".join(path) for path, cmd in _commands() if any(option in getattr(p, "opts", ()) for p in cmd.params)]


@pytest.mark.parametrize("command", _commands_taking("--errors"))
def test_every_errors_option_is_refused_up_front(cli, tmp_path, command):
    """``--errors ignore`` was refused with exit 1 after a full pass over the corpus by tokenizer train, wordvec train
    and the corpus job of embed (their library checked it while reading); every command now refuses it first."""
    args = _args(command, tmp_path)
    if command == "embed":
        args += ["--out", str(tmp_path / "vectors")]  # the corpus job, which read its files before it refused
    if command == "plot":
        args = [str(tmp_path / "out.png") if a == str(tmp_path / "out") else a for a in args]
    code, _out, err = cli(*args, "--errors", "ignore", "--lang", "en")
    assert code == 2 and "--errors must be one of strict, replace, got 'ignore'" in err, err


def test_forget_bias_takes_torch_in_any_case_in_both_commands(cli):
    """The README promises choices in any case: gradflow and long-term each parsed --forget-bias their own way, and
    neither took TORCH."""
    code, out, err = cli("gradflow", "--cells", "lstm", "--forget-bias", "TORCH", "--steps", "5", "--json")
    assert code == 0 and "forget_bias" not in json.loads(out)["cells"]["lstm"], err
    code, _out, err = cli("long-term", "--cells", "lstm", "--forget-bias", "Torch,1", "--steps", "1", "--lengths", "5",
                          "--lang", "en")
    assert code == 0, err


def _whole_number_options():
    """One whole-number option of each command that has one (the parser, not the command, makes the message)."""
    for path, cmd in _commands():
        names = [max(p.opts, key=len) for p in cmd.params
                 if hasattr(p, "is_flag") and not p.is_flag and p.type_descriptor.annotation is int]
        if names:
            yield " ".join(path), names[0]


@pytest.mark.parametrize(("command", "option"), list(_whole_number_options()))
def test_a_value_that_is_not_a_whole_number_is_quoted_back(cli, tmp_path, command, option):
    """"invalid value for '--hidden': expected a whole number" did not say what was given (the parser's message
    has no value): the refusal quotes it, in both spellings of the option."""
    args = _args(command, tmp_path)
    for given in ([option, "2.5"], [f"{option}=2.5"]):
        code, _out, err = cli(*args, *given, "--lang", "en")
        assert code == 2 and "expected a whole number, got '2.5'" in err, err


def test_a_whole_number_written_as_a_decimal_is_taken_alike_in_lists(cli):
    """--steps 2.0 was taken (the parser's rule) while --lengths 5.0 was refused: one rule for every whole number."""
    code, out, err = cli("long-term", "--cells", "rnn", "--lengths", "5.0", "--steps", "1.0", "--json")
    assert code == 0 and json.loads(out)["lengths"] == [5], err
    code, _out, err = cli("long-term", "--cells", "rnn", "--lengths", "5.5", "--steps", "1", "--lang", "en")
    assert code == 2 and "'5.5' is not one" in err
