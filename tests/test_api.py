"""The top-level API: every stage reachable as ``seqlab.NAME``, as the README's Python section shows it."""

import seqlab


def test_every_public_name_resolves_and_stage_five_is_reachable(monkeypatch):
    """Stage 5 and word vectors were reachable only by their module paths (seqlab.pipeline.tracing.run_trace,
    seqlab.vectors.wordvectors.from_model), which a notebook user had to find in the source."""
    from seqlab.pipeline.explain import explain
    from seqlab.pipeline.tracing import run_trace
    from seqlab.vectors import wordvectors

    assert all(getattr(seqlab, name) is not None for name in seqlab.__all__)
    assert seqlab.run_trace is run_trace and seqlab.explain is explain
    asked = []
    monkeypatch.setattr(wordvectors, "from_model", lambda model=None, **kw: asked.append((model, kw)) or "vectors")
    assert seqlab.word_vectors("e5-small", korean=100) == "vectors" and asked == [("e5-small", {"korean": 100})]
    report = seqlab.run_trace("rnn", "안녕", model="e5-small", input_dim=4, hidden=3, seed=0)
    assert len(report.steps) == len(report.tokens) and report.to_json().startswith("{")


# A notebook user's review (each failed before its fix)

def test_dir_offers_the_lazily_imported_names_to_tab_completion():
    """``seqlab.run<TAB>`` offered nothing: run_trace, explain, Vocabulary … are imported on first use, and the
    module had no ``__dir__``."""
    assert {"run_trace", "explain", "Vocabulary", "load_tokenizer", "set_language"} <= set(dir(seqlab))
    assert "annotations" not in dir(seqlab)


def test_set_language_is_public_lenient_and_a_seqlab_error():
    """The lecture notebook imported seqlab.i18n.set_language, which the README never named; it refused "KO" and
    "ko-KR" (which the CLI takes) with a bare ValueError."""
    from seqlab.i18n import current

    try:
        for spelling in ("KO", "ko-KR", "ko_KR.UTF-8"):
            seqlab.set_language(spelling)
            assert current() == "ko"
            assert seqlab.tokenize("안녕", model="char")._repr_mimebundle_()["text/plain"].startswith("토큰 2개")
        try:
            seqlab.set_language("jp")
            raise AssertionError("jp was taken")
        except seqlab.InputError as exc:
            assert "jp" in exc.message and '"ko"' in exc.hint
    finally:
        seqlab.set_language("en")


def test_a_python_session_starts_in_the_language_of_seqlab_lang_or_the_locale():
    """With SEQLAB_LANG=ko (or a Korean locale) set for the kernel, the library still spoke English."""
    import os
    import subprocess
    import sys

    code = "import seqlab; from seqlab.i18n import current; print(current())"
    env = {k: v for k, v in os.environ.items() if k not in ("SEQLAB_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    said = {}
    for name, extra in {"seqlab_lang": {"SEQLAB_LANG": "ko"}, "locale": {"LANG": "ko_KR.UTF-8"},
                        "neither": {}, "bad": {"SEQLAB_LANG": "jp", "LANG": "ko_KR.UTF-8"}}.items():
        run = subprocess.run([sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True,
                             check=True)
        said[name] = run.stdout.strip()
    assert said == {"seqlab_lang": "ko", "locale": "ko", "neither": "en", "bad": "ko"}


def test_a_records_repr_stays_short_whatever_its_size():
    """``repr`` of a 600-word trace was 4.3 MB (every array printed): print(t) or a debugger flooded the cell."""
    import numpy as np

    report = seqlab.run_trace("lstm", "영화 " * 600, model="e5-small", hidden=4)
    text = repr(report)
    assert len(text) < 2000 and text.startswith("TraceReport(cell='lstm'")
    assert f"… {len(report.steps) - 4:,} more]" in text  # the first four steps, then how many more
    assert "array(shape=(16, 384), dtype=float64)" in text  # W_ih by its shape
    # and each step's (x_t alone, 384 numbers, was 5,765 characters), as the scratch layers' steps
    assert "x=array(shape=(384,), dtype=float64)" in repr(report.steps[0]) and len(repr(report.steps[0])) < 1000
    from seqlab.scratch import GRU

    gru = GRU(3, 4, seed=0)
    gru.forward(np.ones((1, 2, 3)))
    step = repr(gru.steps(0, 0)[1])
    assert step.startswith("GRUStep(x=array(shape=(1, 3), dtype=float64)") and len(step) < 1000, step
    batch = seqlab.encode_batch(["안녕", "좋은 영화"], model="char")
    assert repr(batch) == ("Batch(model='char', input_ids=array(shape=(2, 5), dtype=int64), attention_mask=array("
                           "shape=(2, 5), dtype=int64), lengths=array(shape=(2,), dtype=int64), dropped=array(shape="
                           "(2,), dtype=int64), token_type_ids=None)")
    assert np.array_equal(batch.input_ids[0, :2], seqlab.tokenize("안녕", model="char").input_ids)


def test_numpy_integers_are_taken_as_python_integers():
    """``hidden=np.int64(3)`` made a trace whose to_json() failed ("int64 is not JSON serializable"); gradflow
    passed np.int64 on to torch ("input_size should be of type int")."""
    import json

    import numpy as np

    from seqlab.lab.gradflow import gradflow
    from seqlab.lab.longterm import long_term

    trace = seqlab.run_trace("lstm", "안녕", model="e5-small", hidden=np.int64(3))
    assert json.loads(trace.to_json())["hidden"] == 3
    assert json.loads(gradflow(["rnn"], steps=np.int64(5), hidden=np.int64(4)).to_json())["steps"] == 5
    report = long_term("adding", lengths=np.int64(5), cells="GRU", steps=np.int64(2))  # one length; any case
    assert json.loads(report.to_json())["lengths"] == [5] and report.cells == ["gru"]


def test_bad_lab_arguments_are_seqlab_errors_naming_the_argument():
    """``order_demo(cell="x")`` was a KeyError, ``hidden=0`` a torch ValueError after a NumPy warning,
    ``gradflow(steps="5")`` a TypeError from ``<``, ``long_term(lengths=10)`` "'int' object is not iterable"."""
    import pytest

    from seqlab.lab.gradflow import gradflow
    from seqlab.lab.longterm import long_term
    from seqlab.lab.order import order_demo

    cases = [(lambda: order_demo(model="e5-small", cell="x"), "unknown cell 'x'"),
             (lambda: order_demo(model="e5-small", hidden=0), "hidden must be between 1 and 1,024, got 0"),
             (lambda: gradflow(["rnn"], steps="5"), "steps must be a whole number, got '5'"),
             (lambda: gradflow(["rnn"], hidden=1000), "hidden must be between 1 and 256, got 1,000"),
             (lambda: long_term(lengths=1), "lengths must be between 2 and 1,000, got 1"),
             (lambda: long_term(forget_biases=30), "forget_biases must be between -20 and 20, got 30")]
    for call, message in cases:
        with pytest.raises(seqlab.SeqlabError) as caught:
            call()
        assert caught.value.message == message


def test_the_errors_argument_the_hint_names_is_taken_and_an_unknown_mode_is_refused():
    """A lone surrogate's hint said to pass errors="replace", which tokenize and encode_batch did not take
    (TypeError from load_tokenizer); explain(errors="ignore") was taken silently while the text was clean."""
    import pytest

    bad = "a\udc80b"
    with pytest.raises(seqlab.InputError) as caught:
        seqlab.tokenize(bad, model="char")
    assert 'errors="replace"' in caught.value.hint
    assert seqlab.tokenize(bad, model="char", errors="replace").tokens == ["a", "\ufffd", "b"]
    assert seqlab.encode_batch([bad], model="char", errors="replace").input_ids.shape == (1, 3)
    for call in (lambda: seqlab.explain("a", errors="ignore"), lambda: seqlab.tokenize("a", errors="ignore")):
        with pytest.raises(seqlab.InputError, match="unknown errors mode 'ignore'"):
            call()


def test_choices_in_any_case_and_a_window_that_keeps_its_specials():
    """normalization="nfkc" and pooling="MEAN" were refused (the README says choices are taken in any case);
    encode_batch(["abc"], max_length=1) gave e5's <s> alone, dropping </s> though "specials kept"; max_length="8"
    was a TypeError from deep in the slicing."""
    import pytest

    assert seqlab.tokenize("ｱ", model="char", normalization="nfkc").tokens == ["ア"]
    assert seqlab.embed("안녕", pooling="MEAN").pooled.shape == (384,)
    with pytest.raises(seqlab.SeqlabError) as caught:
        seqlab.encode_batch(["abc"], max_length=1)
    assert caught.value.message.startswith("max_length 1 cannot hold the 2 special tokens")
    assert "max_length=2 or more" in caught.value.hint and "--max-length 2 or more" in caught.value.cli_hint
    assert seqlab.encode_batch(["abc def"], max_length=2).input_ids.tolist() == [[0, 2]]  # <s> </s>: said, kept
    with pytest.raises(seqlab.InputError, match="max_length must be a whole number, got '8'"):
        seqlab.encode_batch(["a"], model="char", max_length="8")


def test_word_vectors_refuse_a_repeated_word_and_layers_show_their_shape():
    """WordVectors(["a", "a"], …) was taken, and "a" then listed itself as its own neighbour; a scratch layer
    printed as <seqlab.scratch.layers.GRU object at 0x…>."""
    import numpy as np
    import pytest

    from seqlab.scratch.layers import GRU, LSTM
    from seqlab.vectors.wordvectors import WordVectors

    with pytest.raises(seqlab.InputError, match="given more than once: 'a'"):
        WordVectors(["a", "a", "b"], np.eye(3, dtype=np.float32), "test")
    assert repr(LSTM(3, 4, num_layers=2, bidirectional=True)) == "LSTM(3, 4, num_layers=2, bidirectional=True, dtype=float64)"
    assert repr(GRU(2, 2, dtype=np.float32)) == "GRU(2, 2, dtype=float32)"


def test_every_record_keeps_the_short_repr():
    """A dataclass writes its own __repr__ unless told not to (repr=False): each record must leave Displayable's."""
    import importlib
    import pkgutil

    from seqlab.display import Displayable, ShortRepr

    for info in pkgutil.walk_packages(seqlab.__path__, "seqlab."):
        if not info.name.startswith(("seqlab.cli", "seqlab.web", "seqlab.__main__")):
            importlib.import_module(info.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    records = list(subclasses(ShortRepr))  # records, and the trace's steps
    assert len(list(subclasses(Displayable))) >= 15 and {"LSTMTraceStep", "BackwardStep"} <= {c.__name__ for c in records}
    assert [c.__name__ for c in records if c.__repr__ is not ShortRepr.__repr__] == []


def test_the_language_a_notebook_chose_holds_in_every_thread_and_cell():
    """set_language set a context variable: a kernel that runs each cell in a fresh context, or a thread, spoke the
    start-up language again."""
    import contextvars
    import threading

    from seqlab.i18n import current

    try:
        seqlab.set_language("ko")
        heard = []
        thread = threading.Thread(target=lambda: heard.append(current()))
        thread.start()
        thread.join()
        assert heard == ["ko"] and contextvars.Context().run(current) == "ko"  # a fresh context: the session's
    finally:
        seqlab.set_language("en")


def test_long_term_takes_lengths_as_any_sequence():
    """lengths=np.array([5, 6]) or range(5, 7) was refused as one value ("lengths must be a whole number")."""
    import numpy as np

    from seqlab.lab.longterm import Recipe, long_term

    recipe = Recipe(lengths=(5,), steps=1, batch=4, lr=0.01, hidden=4, eval_every=1, eval_size=8)
    for lengths in (np.array([5, 6]), range(5, 7)):
        assert long_term("adding", lengths=lengths, cells=["rnn"], recipe=recipe).lengths == [5, 6]


def test_tokenize_cuts_to_max_length_as_the_command_line_does():
    """seqlab.tokenize(text, max_length=3) raised TypeError (it went to load_tokenizer), though TokenRecord has
    max_length and dropped, and `seqlab tokenize --max-length` cuts (a practitioner's review)."""
    import pytest

    from seqlab.errors import SeqlabError

    rec = seqlab.tokenize("안녕하세요 오늘 날씨가 좋네요", max_length=4)
    whole = seqlab.tokenize("안녕하세요 오늘 날씨가 좋네요")
    assert rec.tokens == [*whole.tokens[:3], whole.tokens[-1]] and rec.dropped == len(whole) - 4
    assert rec.max_length == 4 and seqlab.tokenize("안녕", max_length=10).dropped == 0
    for bad in (0, 2.5):
        with pytest.raises(SeqlabError, match="max_length"):
            seqlab.tokenize("안녕", max_length=bad)


def test_a_blank_text_is_refused_wherever_a_text_is_the_subject(tmp_path):
    """similarity("", "가") was refused, but embed("") gave the vector of <s></s>, search("", corpus) gave hits and
    predict_texts(run, "") said "positive 0.50" (a practitioner's review); the command line refused all of them.
    bytes and ints were "a bytes" and "a int"."""
    import pytest

    from seqlab.errors import InputError
    from seqlab.training.predictors import predict_texts
    from seqlab.vectors.search import search

    for blank in ("", "  \u200b"):
        with pytest.raises(InputError, match="the text"):
            seqlab.embed(blank, model="minilm")
        with pytest.raises(InputError, match="text #1"):
            seqlab.embed(["영화", blank], model="minilm")
        with pytest.raises(InputError, match="the query"):
            search(blank, tmp_path / "never-read.txt")
        with pytest.raises(InputError, match="the text"):
            predict_texts(tmp_path / "never-read", blank)
    with pytest.raises(InputError, match="the text must be a string, not bytes"):
        seqlab.tokenize(b"\xec\x98\x81")
    with pytest.raises(InputError, match="text #1 is int, not a string"):
        seqlab.embed(["영화", 3], model="minilm")


def test_an_embeddings_to_json_is_what_embed_json_prints(cli):
    """The README says to_json() is what --json prints; the library's preview had 8 numbers per token, the CLI's 6."""
    import json

    code, out, err = cli("embed", "안녕하세요", "--json")
    assert code == 0, err
    assert json.loads(seqlab.embed("안녕하세요").to_json()) == json.loads(out)


def test_explain_and_run_trace_refuse_an_empty_text_as_embed_does():
    """explain("") and run_trace("lstm", "") computed <s></s> alone, where embed, similarity and the CLI refuse it."""
    import pytest

    from seqlab.errors import InputError

    for call in (lambda: seqlab.explain(""), lambda: seqlab.run_trace("lstm", " \u200b"), lambda: seqlab.embed("")):
        with pytest.raises(InputError, match="is empty|no character that shows"):
            call()


def test_wrong_types_are_seqlab_errors_that_say_what_to_give():
    """model=3 was an AttributeError, neighbors(["영화"]) a TypeError from unicodedata, vocab=123 a pathlib TypeError,
    and tokenize(["a", "b"]) hinted at encode and encode_many, which the caller never called."""
    import pytest

    from seqlab.errors import InputError, SeqlabError

    with pytest.raises(InputError, match="the model must be a name or a folder, not int"):
        seqlab.tokenize("a", model=3)
    with pytest.raises(InputError, match="vocab must be a file, a Vocabulary, False or None, not int"):
        seqlab.load_tokenizer("kiwi", vocab=123)
    from seqlab.vectors.word_input import check_word

    with pytest.raises(InputError, match="the word must be a string, not list"):
        check_word(["영화"])
    with pytest.raises(SeqlabError) as info:
        seqlab.tokenize(["a", "b"])
    assert "seqlab.encode_batch" in info.value.hint
    assert "seqlab.load_tokenizer(…).encode_many" in info.value.hint  # seqlab.encode_many does not exist


def test_a_records_to_dict_is_what_its_json_holds_and_its_arguments_are_checked():
    """SimilarityRecord.to_dict() gave tuples where to_json() gives lists; AttentionRecord.to_dict(1.0) ended in
    numpy's IndexError, and head=-1 (the widget's mean) was refused without saying how to ask for the mean."""
    import json

    import pytest

    from seqlab.errors import InputError

    record = seqlab.similarity("좋은 영화", "멋진 영화", model="minilm")
    assert record.to_dict() == json.loads(record.to_json())
    from seqlab.pipeline.attention import attention

    weights = attention("좋은 영화", "minilm")
    with pytest.raises(InputError, match="layer must be a whole number, got 1.0"):
        weights.to_dict(1.0)
    with pytest.raises(InputError, match="head -1 does not exist") as info:
        weights.to_dict(0, -1)
    assert "head=None" in info.value.hint


def test_choices_take_any_case_in_the_library_as_on_the_command_line():
    """pooling="MEAN" was taken but errors="REPLACE" and method="3CosMul" were refused; similarity recorded "CLS" and
    explain "nfkc", where the CLI's JSON says "cls" and "NFKC"."""
    assert seqlab.tokenize("좋\udcff다", model="char", errors="REPLACE").tokens == ["좋", "\ufffd", "다"]
    assert seqlab.similarity("좋은 영화", "멋진 영화", pooling="CLS").pooling == "cls"
    assert seqlab.explain("①", model="char", normalization="nfkc").normalization.form == "NFKC"
    import numpy as np

    from seqlab.vectors.wordvectors import WordVectors

    words = ["왕", "여왕", "남자", "여자", "사과"]
    vectors = WordVectors(words, np.random.default_rng(0).normal(size=(5, 8)), "test")
    assert vectors.analogy(["왕", "여자"], ["남자"], method="3CosMul").method == "3cosmul"


def test_embed_oov_on_vectors_that_cannot_build_a_word_is_refused_not_ignored():
    """neighbors --vectors w2v.txt --embed-oov answered "unknown" as if the flag had not been given."""
    import numpy as np
    import pytest

    from seqlab.errors import UsageError
    from seqlab.vectors.wordvectors import WordVectors

    vectors = WordVectors(["왕", "여왕", "남자"], np.random.default_rng(0).normal(size=(3, 4)), "w2v.txt")
    with pytest.raises(UsageError, match="cannot build a word it lacks: embed_oov has nothing to do"):
        vectors.neighbors("왕", k=1, embed_oov=True)
    assert vectors.neighbors("왕", k=1).results  # without it, as before


def test_a_record_inside_a_record_is_named_not_cut_mid_text():
    """repr(embed("안녕하세요")) read "tokens=TokenRecord(model='e5-small', text='안녕...max_length=512, …": reprlib
    cut the inner repr in its middle, so the text seemed to run into another field."""
    import numpy as np

    from seqlab.vectors.record import EmbeddingRecord

    tokens = seqlab.tokenize("안녕하세요, 반갑습니다. 오늘 날씨가 정말 좋네요", model="char")
    shown = repr(EmbeddingRecord("char", tokens, np.zeros((len(tokens.tokens), 4), dtype=np.float32)))
    assert "tokens=TokenRecord(model='char', …)" in shown and "..." not in shown, shown


def test_encode_batch_says_a_row_kept_longer_than_the_models_window(caplog):
    """truncation=False gave a (1, 603) batch for e5's 512-token window without a word; the docstring now says that
    max_length=None cuts at the window here (tokenize keeps every token)."""
    with caplog.at_level("INFO", logger="seqlab"):
        kept = seqlab.encode_batch(["영화 " * 600], truncation=False)
    assert kept.input_ids.shape[1] > 512 and "kept longer than e5-small reads (512 tokens)" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="seqlab"):  # a max_length past the window keeps more too: said as well
        wide = seqlab.encode_batch(["영화 " * 600], model="minilm", max_length=1000)
    assert wide.input_ids.shape[1] > 512 and "kept longer than minilm reads (512 tokens)" in caplog.text
    caplog.clear()
    with caplog.at_level("INFO", logger="seqlab"):
        cut = seqlab.encode_batch(["영화 " * 600])
    assert cut.input_ids.shape == (1, 512) and "longer than" not in caplog.text
    assert "None cuts" in seqlab.encode_batch.__doc__
