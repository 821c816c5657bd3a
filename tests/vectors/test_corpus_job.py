"""The corpus embedding job: order, shards, bad lines, resume after kill -9, Ray."""

import json
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from seqlab.errors import InputError, UsageError
from seqlab.vectors.corpus_job import CorpusJobConfig, embed_corpus, read_embeddings
from seqlab.vectors.encoder import load_encoder

CONFIG = CorpusJobConfig(model="minilm", shard_size=50, batch_size=16)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, reviews):
    path = tmp_path_factory.mktemp("corpus") / "c.txt"
    lines = reviews[:200]
    lines[10] = ""
    raw = "\n".join(lines).encode() + b"\n"
    raw = raw.replace("\n".join(lines[20:21]).encode(), b"bad \xff byte", 1)
    path.write_bytes(raw)
    return path


def test_rows_follow_the_file_and_equal_direct_vectors(corpus, tmp_path):
    # the corpus has a line that is not UTF-8: read with U+FFFD (the default, strict, stops at it: test_search_and_plots)
    result = embed_corpus(corpus, tmp_path / "out", CONFIG, errors="replace")
    assert (result.rows, result.shards, result.bad_lines, result.empty_lines) == (200, 4, 1, 1)
    matrix = read_embeddings(tmp_path / "out")
    lines = corpus.read_bytes().decode("utf-8", errors="replace").split("\n")[:200]
    direct = load_encoder("minilm").sentence_vectors(lines[:50], batch_size=16)
    np.testing.assert_array_equal(matrix[:50], direct)  # the same computation, bit for bit
    assert matrix.shape == (200, 384) and matrix.dtype == np.float32
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["complete"] and manifest["bad_lines"] == [21]
    again = embed_corpus(corpus, tmp_path / "out", CONFIG, errors="replace")  # complete: nothing to do
    assert again.resumed_from == 200


def test_refuses_foreign_folders_other_settings_and_changed_files(corpus, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty"):  # exit 2, as an --out of other files is everywhere
        embed_corpus(corpus, tmp_path / "busy", CONFIG, errors="replace")
    embed_corpus(corpus, tmp_path / "o", CONFIG, errors="replace")
    with pytest.raises(UsageError, match="other settings"):
        embed_corpus(corpus, tmp_path / "o", CorpusJobConfig(model="minilm", shard_size=60, batch_size=16), errors="replace")
    changed = tmp_path / "changed.txt"
    changed.write_bytes(corpus.read_bytes())
    embed_corpus(changed, tmp_path / "o2", CONFIG, errors="replace")
    changed.write_bytes(corpus.read_bytes() + b"one more line\n")
    with pytest.raises(InputError, match="different version"):
        embed_corpus(changed, tmp_path / "o2", CONFIG, errors="replace")
    # another file into that folder: named as another file, not as "a different version" of this one
    other = tmp_path / "other.txt"
    other.write_bytes(b"a\nb\n")
    with pytest.raises(UsageError, match=r"holds the embeddings of another file, .*changed\.txt") as err:  # exit 2
        embed_corpus(other, tmp_path / "o2", CONFIG, errors="replace")
    assert "different version" not in str(err.value)
    with pytest.raises(InputError, match="no seqlab embeddings"):
        read_embeddings(tmp_path / "busy")


def _job_code(corpus, out, pause: bool) -> str:
    """The corpus job as a user runs it: in a process of its own (a fresh heap, like every `seqlab embed`)."""
    progress = ", progress=lambda done, total: time.sleep(2)" if pause else ""
    return ("import time; from seqlab.vectors.corpus_job import CorpusJobConfig, embed_corpus; "
            f"r = embed_corpus({str(corpus)!r}, {str(out)!r}, CorpusJobConfig(model='minilm', shard_size=50, "
            f"batch_size=16){progress}); print(r.resumed_from)")


@pytest.mark.slow  # 30-60 s: a real kill -9 of a child run, then its resume (make test-all runs it)
def test_resume_after_kill_9_gives_identical_result(corpus, tmp_path):
    """Killed and run again, the job gives the bytes of an uninterrupted run. Every run is a process of its own,
    as for a user: inside this long test process, a different heap can move float32 results by one unit in the
    last place (seen once: 2.2e-7 in one shard)."""
    full = tmp_path / "full"
    subprocess.run([sys.executable, "-c", _job_code(corpus, full, pause=False)], check=True, timeout=300)
    part = tmp_path / "part"
    # the child pauses 2 s after each shard, so a loaded machine cannot let it finish before the kill lands
    proc = subprocess.Popen([sys.executable, "-c", _job_code(corpus, part, pause=True)])
    deadline = time.time() + 120
    while time.time() < deadline and not (part / "shard-00001.npy").exists():
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    manifest = json.loads((part / "manifest.json").read_text())
    assert not manifest["complete"] and 0 < manifest["rows"] < 200
    with pytest.raises(InputError, match="incomplete"):
        read_embeddings(part)
    again = subprocess.run([sys.executable, "-c", _job_code(corpus, part, pause=False)], check=True, timeout=300,
                           capture_output=True, text=True)
    assert int(again.stdout.split()[-1]) == manifest["rows"]  # resumed where the killed run stopped
    resumed, whole = read_embeddings(part), read_embeddings(full)
    differ = sorted({int(i) // 50 for i in np.flatnonzero((resumed != whole).any(axis=1))})
    assert resumed.tobytes() == whole.tobytes(), (f"shards {differ} differ (by up to {abs(resumed - whole).max():.3g}); "
                                                  f"the killed run wrote {manifest['rows']} rows")
    assert sorted(p.name for p in part.iterdir()) == sorted(p.name for p in full.iterdir())
    embed_corpus(corpus, tmp_path / "here", CONFIG)  # and in this long-lived process: equal to float32 rounding
    np.testing.assert_allclose(read_embeddings(tmp_path / "here"), whole, rtol=0, atol=1e-6)


@pytest.mark.slow  # starts a Ray cluster (about 25 s); Ray is the optional `ray` extra, installed by make test-all
def test_ray_engine_gives_the_same_vectors(corpus, tmp_path):
    pytest.importorskip("ray")
    local = tmp_path / "local"
    embed_corpus(corpus, local, CONFIG)
    result = embed_corpus(corpus, tmp_path / "ray", CONFIG, engine="ray", workers=2)
    assert result.rows == 200
    np.testing.assert_allclose(read_embeddings(tmp_path / "ray"), read_embeddings(local), atol=1e-5)
    import ray

    ray.shutdown()


def test_shards_are_embedded_in_chunks_with_memory_returned(monkeypatch, reviews):
    from seqlab.vectors import corpus_shards

    trims = []
    monkeypatch.setattr(corpus_shards, "_CHUNK", 7)
    monkeypatch.setattr(corpus_shards, "release_free_memory", lambda: trims.append(1))
    encoder = load_encoder("minilm")
    texts = reviews[:30]
    got = corpus_shards.embed_shard(encoder, texts, CONFIG, prefix="")
    whole = encoder.sentence_vectors(texts, batch_size=16)
    assert got.shape == whole.shape and len(trims) == 5  # 30 texts in chunks of 7
    np.testing.assert_allclose(got, whole, atol=1e-5)


def test_release_free_memory_runs_here():
    from seqlab.vectors.corpus_shards import release_free_memory

    release_free_memory()  # glibc: malloc_trim; elsewhere a no-op, never an error
    release_free_memory()


def test_a_corpus_of_blank_lines_is_refused_before_anything_is_written(tmp_path):
    """Three blank lines gave three unit vectors of an empty passage, which read back as data (tokenize, search and
    wordvec train refuse such a file)."""
    from seqlab.errors import InputError
    from seqlab.vectors.corpus_job import embed_corpus

    blanks = tmp_path / "blanks.txt"
    blanks.write_text("\n\n  \n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no text"):
        embed_corpus(blanks, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_progress_moves_within_a_shard(corpus, tmp_path):
    """A shard of 10,000 lines reported its progress only when it was written: a log showed 0 % then 100 %."""
    seen = []
    config = CorpusJobConfig(model="minilm", shard_size=100, batch_size=16)
    embed_corpus(corpus, tmp_path / "out", config, errors="replace", progress=lambda done, total: seen.append(done))
    inside = [d for d in seen if 0 < d < 100]  # before the first shard was written
    assert len(inside) >= 5 and seen == sorted(seen) and seen[-1] == 200


def test_other_settings_are_named_with_both_values(corpus, tmp_path, cli):
    """"full1 was made with other settings (shard_size)" said neither the folder's value nor the option to give."""
    from seqlab.errors import UsageError

    embed_corpus(corpus, tmp_path / "out", CONFIG, errors="replace")
    with pytest.raises(UsageError, match=r"shard_size: 50 there, 100 now"):
        embed_corpus(corpus, tmp_path / "out", CorpusJobConfig(model="minilm", shard_size=100, batch_size=16),
                     errors="replace")
    code, _out, err = cli("embed", "-f", str(corpus), "--out", str(tmp_path / "out"), "-m", "minilm", "--errors",
                          "replace", "--batch-size", "16", "--shard-size", "200", "--lang", "en")
    assert code == 2 and "--shard-size: 50 there, 200 now" in err, err
    # a path holding a setting's name is left as it is, and the pooling is named by its option, --pool
    folder = tmp_path / "model" / "pooling"
    embed_corpus(corpus, folder, CorpusJobConfig(model="minilm", shard_size=100, batch_size=16), errors="replace")
    code, _out, err = cli("embed", "-f", str(corpus), "--out", str(folder), "-m", "e5-small", "--pool", "cls",
                          "--errors", "replace", "--batch-size", "16", "--shard-size", "100", "--lang", "en")
    said = " ".join(err.split())
    assert code == 2 and "--model: 'minilm' there, 'e5-small' now" in said and "--pool: 'mean' there, 'cls'" in said
    assert f"(folder: {folder})" in said, said


def test_a_tables_column_is_embedded_with_each_rows_line(tmp_path, cli):
    """Only search and wordvec train took --text-col: the corpus job, tokenize, compare, embed, plot and predict
    refused any table but NSMC's."""
    table = tmp_path / "c.csv"
    table.write_text('id,text,label\n1,"좋은 영화, 정말 최고",1\n2,"여러 줄\n리뷰 영화",0\n3,그냥 그래,0\n4,,1\n',
                     encoding="utf-8")
    result = embed_corpus(table, tmp_path / "out", CONFIG, text_col="text")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert result.rows == 3 and result.empty_lines == 1 and result.text_col == "text"
    assert manifest["table"]["lines"] == [2, 3, 5] and manifest["table"]["source"]["path"] == str(table.resolve())
    direct = load_encoder("minilm").sentence_vectors(["좋은 영화, 정말 최고", "여러 줄 리뷰 영화", "그냥 그래"],
                                                     batch_size=16)  # minilm: no passage prefix
    np.testing.assert_allclose(read_embeddings(tmp_path / "out"), direct, atol=1e-6)
    code, out, err = cli("tokenize", "-f", str(table), "--text-col", "text", "-m", "char", "--json")
    assert code == 0 and [json.loads(x)["text"] for x in out.splitlines()] == [
        "좋은 영화, 정말 최고", "여러 줄\n리뷰 영화", "그냥 그래", ""], err
    code, _out, err = cli("tokenize", "좋다", "--text-col", "text", "--lang", "en")
    assert code == 2 and "--text-col names a column of -f FILE" in err


def test_an_nsmc_file_is_embedded_as_its_document_column_like_text_col_document(tmp_path, caplog):
    """The corpus job read an NSMC file line by line, its header an empty row 1 (21 rows for 20 reviews), while
    --text-col document gave the 20 reviews with their lines in the manifest, and search read it as the latter: the
    same file now gives the same rows either way, and the note says how it was read."""
    nsmc = tmp_path / "n.tsv"
    nsmc.write_text("id\tdocument\tlabel\n1\t좋은 영화\t1\n2\t\t0\n3\t그냥 그래\t0\n", encoding="utf-8")
    with caplog.at_level("INFO", logger="seqlab"):
        auto = embed_corpus(nsmc, tmp_path / "auto", CONFIG)
    named = embed_corpus(nsmc, tmp_path / "named", CONFIG, text_col="document")
    assert (auto.rows, auto.empty_lines, auto.text_col) == (named.rows, named.empty_lines, named.text_col) == (
        2, 1, "document")
    assert "embedding its document column" in caplog.text and "--text-col" not in caplog.text  # no option in Python
    np.testing.assert_array_equal(read_embeddings(tmp_path / "auto"), read_embeddings(tmp_path / "named"))
    manifest = json.loads((tmp_path / "auto" / "manifest.json").read_text())
    assert manifest["table"]["lines"] == [2, 4] and manifest["table"]["text_col"] == "document"


def test_a_folder_of_another_table_is_named_by_that_table_not_by_seqlabs_cache(tmp_path):
    """embed -f d50.tsv --out emb1, emb1 made from d300.tsv: "holds the embeddings of another file,
    …/index/af82…-col-document/texts.txt. Give a new --out folder for texts.txt" (a CLI review)."""
    first, second = tmp_path / "d300.tsv", tmp_path / "d50.tsv"
    first.write_text("id\tdocument\tlabel\n1\t좋은 영화\t1\n", encoding="utf-8")
    second.write_text("id\tdocument\tlabel\n1\t그냥 그래\t0\n", encoding="utf-8")
    embed_corpus(first, tmp_path / "emb1", CONFIG)
    with pytest.raises(UsageError) as caught:
        embed_corpus(second, tmp_path / "emb1", CONFIG)
    assert f"holds the embeddings of another file, {first.resolve()}" in caught.value.message
    assert "d50.tsv" in caught.value.hint and "texts.txt" not in str(caught.value)


def test_json_lines_without_a_text_are_counted_and_said_at_every_read(tmp_path, caplog):
    """Lines of a .jsonl without a text under the key were skipped with a note only the first time (the column's
    texts are cached); the manifest and search --json said bad_lines 0; search called line 1 a header (a CLI and a
    notebook review)."""
    from seqlab.render.vectors import search_notes
    from seqlab.vectors.search import search

    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"text":"배우 연기가 좋다"}\n{"txt":"영화 최고"}\n[1,2]\n{"text":5}\n{"text":"별로인 영화"}\n',
                      encoding="utf-8")
    for folder in ("first", "second"):  # the second reads the cached texts
        caplog.clear()
        with caplog.at_level("INFO", logger="seqlab"):
            result = embed_corpus(corpus, tmp_path / folder, CONFIG, text_col="text")
        assert result.rows == 2 and result.skipped_lines == 3, folder
        assert "3 lines of" in caplog.text and "skipped (lines 2, 3, 4)" in caplog.text, folder
    table = json.loads((tmp_path / "second" / "manifest.json").read_text())["table"]
    assert table["skipped_lines"] == 3 and table["skipped_line_numbers"] == [2, 3, 4] and table["lines"] == [1, 5]
    found = search("배우 연기", corpus, model="minilm", k=5, text_col="text")
    assert found.to_dict()["skipped_lines"] == 3 and [h.line for h in found.hits] == [1, 5]
    notes = " ".join(search_notes(found, corpus.name))
    assert "read as JSON lines" in notes and "header" not in notes


def test_the_same_table_changed_or_read_by_another_column_is_not_called_another_file(tmp_path):
    """The check above named the user's own table "another file" when it was edited, or read by another column."""
    table = tmp_path / "t.csv"
    table.write_text("a,b\n좋은 영화,별로\n", encoding="utf-8")
    embed_corpus(table, tmp_path / "out", CONFIG, text_col="a")
    with pytest.raises(UsageError, match="text_col: 'a' there, 'b' now"):
        embed_corpus(table, tmp_path / "out", CONFIG, text_col="b")
    table.write_text("a,b\n그냥 그래,별로\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds embeddings of a different version of t.csv") as caught:
        embed_corpus(table, tmp_path / "out", CONFIG, text_col="a")
    assert not isinstance(caught.value, UsageError)
