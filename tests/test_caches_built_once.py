"""Each cache of $SEQLAB_HOME is built once when two builders ask at the same time (two test workers, a server and a
command): the second waits on the first's lock, then reads its file. Without the lock both built it (Kiwi's word
vectors took each of the suite's two workers half a minute), and a cached folder could be replaced under a reader."""

import threading
import time

import numpy as np


def _twice_at_once(call):
    results, errors = [], []

    def run():
        try:
            results.append(call())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


def test_a_default_vocabulary_asked_for_twice_at_once_is_built_once(tmp_path, monkeypatch):
    from seqlab.ids.vocab import Vocabulary
    from seqlab.tokens import default_vocab

    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path))
    built = []

    def slow_build(kind):
        built.append(kind)
        time.sleep(0.5)  # long enough for the other thread to find no file yet
        return Vocabulary.build([["영화", "좋다"]], meta={"tokenizer": kind, "source": "test"})

    monkeypatch.setattr(default_vocab, "_build", slow_build)
    monkeypatch.setattr(default_vocab, "_loaded", {})
    vocabs = _twice_at_once(lambda: default_vocab.default_vocab("char"))
    assert built == ["char"] and [v.tokens for v in vocabs] == [vocabs[0].tokens] * 2


def test_an_embedding_pca_asked_for_twice_at_once_is_computed_once(tmp_path, monkeypatch):
    from seqlab.vectors import projection

    monkeypatch.setenv("SEQLAB_HOME", str(tmp_path))
    computed, real = [], projection.principal_axes

    def slow_axes(matrix, *args):
        computed.append(1)
        time.sleep(0.5)
        return real(matrix, *args)

    monkeypatch.setattr(projection, "principal_axes", slow_axes)
    matrix = np.random.default_rng(0).normal(size=(50, 6))
    (m1, c1), (m2, c2) = _twice_at_once(lambda: projection.vocabulary_pca("toy", matrix))
    assert computed == [1] and np.array_equal(m1, m2) and np.array_equal(c1, c2)
