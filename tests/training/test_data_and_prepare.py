
import json

import numpy as np
import pytest

from seqlab.errors import InputError
from seqlab.training.data import load_dataset, train_val_split
from seqlab.training.metrics import classification_metrics
from seqlab.training.prepare import bucket_batches, encode_texts, prepare


def test_nsmc_format_and_bad_rows(tmp_path, nsmc_rows):
    lines = ["id\tdocument\tlabel"] + ["\t".join(r) for r in nsmc_rows[:50]]
    lines += ["9001\t\t1", "9002\t라벨 없음\t", "9003\t   \t0"]
    raw = ("\n".join(lines) + "\n").encode() + b"9004\tbad \xff bytes\t1\n"
    path = tmp_path / "d.tsv"
    path.write_bytes(raw)
    data = load_dataset(path)
    assert len(data) == 50 and data.label_names == ["0", "1"]
    assert data.bad.counts == {"invalid UTF-8": 1, "empty text": 2, "missing label": 1}
    assert data.bad.examples["missing label"] == [53]


def test_a_row_with_more_columns_than_the_header_is_a_bad_row(tmp_path, nsmc_rows):
    """A tab inside a review split it into four cells, and the row was used without a word: which cell is the text?
    Trailing empty cells (a tab at the end of a line) hide nothing and are read."""
    lines = ["id\tdocument\tlabel"] + ["\t".join(r) for r in nsmc_rows[:50]]
    lines += ["9001\t좋은\t영화\t1", "9002\t재밌다\t1\t", "9003\t별로\t0\t\t "]
    path = tmp_path / "d.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = load_dataset(path)
    assert len(data) == 52 and data.texts[-2:] == ["재밌다", "별로"]
    assert data.bad.counts == {"more columns than the header": 1} and data.bad.examples["more columns than the header"] == [52]
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("text,label\n" + "좋아요,1\n별로,0\n" * 5 + "좋아요, 정말,1\n", encoding="utf-8")
    assert load_dataset(csv_path, text_col="text", label_col="label").bad.counts == {"more columns than the header": 1}


def test_nsmc_rules_apply_to_nsmc_only_not_to_any_table_with_document_and_label_columns(tmp_path, nsmc_rows):
    """A three-class CSV whose columns were called document and label lost its third class as "unknown label" rows,
    and its 0 and 1 were said to mean negative and positive; a JSONL file with pos/neg labels was refused."""
    csv_path = tmp_path / "three.csv"
    csv_path.write_text("document,label\n" + "좋아요,0\n보통,1\n별로,2\n" * 10, encoding="utf-8")
    data = load_dataset(csv_path)
    assert len(data) == 30 and data.label_names == ["0", "1", "2"] and data.bad.total == 0
    assert data.label_meanings is None
    jl = tmp_path / "d.jsonl"
    jl.write_text('{"document": "좋다", "label": "pos"}\n{"document": "싫다", "label": "neg"}\n' * 10, encoding="utf-8")
    assert load_dataset(jl).label_names == ["neg", "pos"]
    tsv = tmp_path / "two-columns.tsv"  # not NSMC's header (id, document, label)
    tsv.write_text("document\tlabel\n" + "좋아요\t0\n보통\t1\n별로\t2\n" * 10, encoding="utf-8")
    assert load_dataset(tsv).label_names == ["0", "1", "2"]
    nsmc = tmp_path / "nsmc.tsv"  # NSMC's own header: its labels and their meanings
    nsmc.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:20]) + "\n9\t보통\t2\n",
                    encoding="utf-8")
    data = load_dataset(nsmc)
    assert data.bad.counts == {"unknown label": 1} and data.label_meanings == {"0": "negative", "1": "positive"}
    assert load_dataset(tsv, fmt="nsmc").bad.counts == {"unknown label": 10}  # named NSMC: NSMC's labels


def test_a_file_in_another_encoding_is_refused_not_skipped(tmp_path, nsmc_rows):
    """A CP949 test file gave "accuracy 100.00 % · n 1" (every Korean row skipped as invalid UTF-8) and exit 0."""
    lines = ["id\tdocument\tlabel"] + ["\t".join(r) for r in nsmc_rows[:40]]
    path = tmp_path / "cp949.tsv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949", errors="replace"))
    with pytest.raises(InputError, match="is not UTF-8.*CP949") as caught:
        load_dataset(path)
    assert "iconv -f cp949 -t utf-8" in caught.value.hint  # train, evaluate and predict all read data here


def test_csv_and_jsonl_with_columns(tmp_path):
    csv_path = tmp_path / "d.csv"
    # five rows per class: a rarer label is refused as a likely typo (tests/cli/test_strict.py)
    csv_path.write_text('text,sentiment\n' + '"좋아요, 정말",pos\n별로,neg\n' * 5, encoding="utf-8")
    data = load_dataset(csv_path, text_col="text", label_col="sentiment")
    assert data.texts[:2] == ["좋아요, 정말", "별로"] and len(data) == 10 and data.label_names == ["neg", "pos"]
    jl = tmp_path / "d.jsonl"
    jl.write_text('{"t": "좋다", "y": 1}\n{"t": "싫다", "y": 0}\n' * 5 + 'not json\n', encoding="utf-8")
    data = load_dataset(jl, text_col="t", label_col="y")
    assert len(data) == 10 and data.bad.counts == {"invalid JSON": 1}
    with pytest.raises(InputError, match="no column"):
        load_dataset(csv_path, text_col="document", label_col="sentiment")
    with pytest.raises(InputError, match="not found"):
        load_dataset(tmp_path / "none.tsv")


def test_split_is_seeded_and_stratified(tmp_path, nsmc_rows):
    path = tmp_path / "d.tsv"
    path.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows) + "\n", encoding="utf-8")
    data = load_dataset(path)
    a_train, a_val = train_val_split(data, 0.1, 5)
    _b_train, b_val = train_val_split(data, 0.1, 5)
    assert a_val.texts == b_val.texts and len(a_val) == 200
    assert abs(a_val.labels.mean() - data.labels.mean()) < 0.01
    assert not set(a_val.texts) & set(a_train.texts) - {t for t in data.texts if data.texts.count(t) > 1}


def test_prepare_vocab_and_cache(reviews):
    train, _val = prepare(reviews[:300], reviews[300:400], "e5-small", min_freq=2, max_length=32)
    vocab = train.vocab
    assert vocab.tokens[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"] and vocab.meta["tokenizer"] == "e5-small"
    assert vocab.meta["max_length"] == 32 and "▁영화" in vocab.stoi
    assert len(train) == 300 and train.lengths.max() <= 32
    again, _ = prepare(reviews[:300], reviews[300:400], "e5-small", min_freq=2, max_length=32)
    assert np.array_equal(again.flat, train.flat)
    assert np.array_equal(encode_texts(reviews[:5], vocab).flat, train.flat[: train.offsets[5]])


def test_a_vocabulary_of_special_tokens_only_is_refused(cli, tmp_path):
    """Four short reviews with no token twice: min_freq 2 kept nothing, and training went on with every text <unk>."""
    from seqlab.errors import InputError

    texts = ["배우 연기 최고", "스토리 지루함", "음악 감동", "결말 허무"]
    with pytest.raises(InputError) as caught:
        prepare(texts, ["영상미 훌륭"], "whitespace", min_freq=2, cache=False)
    assert "only its special tokens" in caught.value.message and "min_freq=1" in caught.value.hint
    from seqlab.ids.vocab import Vocabulary

    with pytest.raises(InputError, match="vocabulary given holds only its special tokens"):  # was trained as all <unk>
        prepare(texts, ["영상미 훌륭"], "whitespace", vocab=Vocabulary.build([["a"], ["b"]], min_freq=3,
                                                                          meta={"tokenizer": "whitespace"}), cache=False)
    with pytest.raises(InputError, match="have no tokens at all"):  # not "no token occurs 1 times … min_freq=1"
        prepare(["   ", ""], ["x"], "whitespace", min_freq=1, cache=False)
    data = tmp_path / "tiny.tsv"
    rows = [f"{i}\t{t} 장면{i} 배역{i}\t{i % 2}\n" for i, t in enumerate(texts + ["영상 훌륭", "대사 어색", "초반 느림",
                                                                             "반전 충격", "주연 멋짐", "조연 약함",
                                                                             "각본 탄탄", "편집 산만"])]
    data.write_text("id\tdocument\tlabel\n" + "".join(rows), encoding="utf-8")  # 12 texts, no token twice
    code, out, err = cli("train", "-f", str(data), "-m", "lstm", "--tokenizer", "whitespace", "--epochs", "1",
                         "--val-fraction", "0.25", "--out", str(tmp_path / "run"), "--lang", "en")
    assert code == 1 and "a lower --min-freq" in out + err and "Traceback" not in out + err
    # what the hint says to do works: --min-freq 1 keeps every token of the training split
    code, out, err = cli("train", "-f", str(data), "-m", "lstm", "--tokenizer", "whitespace", "--epochs", "1",
                         "--val-fraction", "0.25", "--min-freq", "1", "--embedding", "random", "--hidden", "4",
                         "--out", str(tmp_path / "run"), "--lang", "en")
    assert code == 0, err
    vocab = json.loads((tmp_path / "run" / "vocab.json").read_text(encoding="utf-8"))
    meta = vocab["meta"]
    assert meta["min_freq"] == 1 and meta["cut"]["min_freq"] == 0 and len(vocab["tokens"]) == 4 + meta["seen"]
    assert json.loads((tmp_path / "run" / "command.json").read_text(encoding="utf-8"))["options"]["min_freq"] == 1


def test_min_freq_is_checked_like_every_count(cli, tmp_path):
    """--min-freq: range-checked as vocab build's, refused with --vocab (the file decides) and by models without a
    vocabulary."""
    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n1\t좋다\t1\n2\t별로\t0\n", encoding="utf-8")
    for value in ("0", "-1", "1000000001", "x"):
        code, _out, err = cli("train", "-f", str(data), "--min-freq", value, "--out", str(tmp_path / "r"),
                              "--lang", "en")
        assert code == 2 and "--min-freq" in err and "Traceback" not in err, (value, err)
    vocab = tmp_path / "v.json"
    from seqlab.ids.vocab import Vocabulary

    Vocabulary.build([["좋다"]], meta={"tokenizer": "kiwi"}).save(vocab)
    code, _out, err = cli("train", "-f", str(data), "--vocab", str(vocab), "--min-freq", "1",
                          "--out", str(tmp_path / "r"), "--lang", "en")
    assert code == 2 and "not used by --vocab: --min-freq" in err
    code, _out, err = cli("train", "-f", str(data), "-m", "tfidf", "--min-freq", "3", "--out", str(tmp_path / "r"),
                          "--lang", "en")
    assert code == 2 and "not used by tfidf" in err and not (tmp_path / "r").exists()


def test_bucket_batches_cover_everything_once():
    lengths = np.random.default_rng(0).integers(1, 50, size=1000)
    batches = bucket_batches(lengths, 32, np.random.default_rng(1))
    seen = np.concatenate(batches)
    assert sorted(seen.tolist()) == list(range(1000))
    spread = np.mean([lengths[b].max() - lengths[b].min() for b in batches])
    assert spread < 5  # similar lengths inside a batch


def test_metrics():
    m = classification_metrics(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), ["neg", "pos"])
    assert m.accuracy == 0.75 and m.confusion == [[1, 1], [0, 2]]
    assert m.macro_f1 == pytest.approx((2 / 3 + 0.8) / 2)


def test_a_csv_text_across_lines_keeps_its_break_and_later_rows_their_file_lines(tmp_path):
    """A quoted review with a line break in it was read with the two lines glued ("여러 줄리뷰"), and every row after
    it was named by a line one too low."""
    rows = ['"여러 줄\n리뷰 영화",0'] + [f"리뷰 {k},{k % 2}" for k in range(10)] + [",1"]
    path = tmp_path / "d.csv"
    path.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = load_dataset(path, text_col="text", label_col="label")
    assert data.texts[0] == "여러 줄\n리뷰 영화" and len(data.texts) == 11
    bad = data.bad.to_dict()  # the row with an empty text is named by its line in the file: 14, not 13
    assert "14" in json.dumps(bad) and "13" not in json.dumps(bad), bad


def test_an_id_column_taken_for_labels_is_named_and_its_labels_cut(tmp_path, cli):
    """--label-col id listed all 500 ids in a 7.6 KB error; it now lists 20 and says the column looks like ids."""
    rows = "\n".join(f"{1000 + k}\t리뷰 {k}\t{k % 2}" for k in range(60))
    data = tmp_path / "d.tsv"
    data.write_text("id\tdocument\tlabel\n" + rows + "\n", encoding="utf-8")
    code, _out, err = cli("train", "-f", str(data), "-m", "tfidf", "-o", str(tmp_path / "x"), "--label-col", "id",
                          "--lang", "en")
    said = " ".join(err.split())
    assert code == 1 and "60 distinct values for 60 rows, so it looks like an id or a text column: check --label-col" \
        in said and "and 40 more" in said and len(err) < 1500, err


def test_a_file_with_nsmcs_header_and_other_labels_trains_with_format_tsv(tmp_path, cli):
    """A 3-class TSV with the header id, document, label could not be trained: --format tsv, --text-col document and
    --label-col label changed nothing, and the hint ("The labels must be one of 0, 1") gave no way out."""
    rows = [("1", "좋은 영화", "pos"), ("2", "별로다", "neg"), ("3", "그냥 그래", "neu")] * 6
    path = tmp_path / "three.tsv"
    path.write_text("id\tdocument\tlabel\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    assert load_dataset(path, "tsv").label_names == ["neg", "neu", "pos"]
    assert load_dataset(path, None, "document", "label").label_names == ["neg", "neu", "pos"]
    code, _out, err = cli("--lang", "en", "train", "-f", str(path), "-m", "tfidf", "-o", str(tmp_path / "a"))
    assert code == 1 and "to keep its own labels, give --format tsv" in " ".join(err.split()), err
    code, _out, err = cli("--lang", "en", "train", "-f", str(path), "-m", "tfidf", "-o", str(tmp_path / "b"),
                          "--format", "tsv")
    assert code == 0, err


def test_a_file_with_nsmcs_header_and_a_third_label_says_how_to_keep_it(tmp_path, caplog):
    """Labels 0, 1 and 2 under NSMC's header trained a 2-class model, the 2s skipped as bad rows with no word of
    --format tsv (a review of the fix above, which covered only a file whose every row was refused)."""
    rows = [("1", "좋은 영화", "1"), ("2", "별로다", "0"), ("3", "그냥 그래", "2")] * 6
    path = tmp_path / "three.tsv"
    path.write_text("id\tdocument\tlabel\n" + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    with caplog.at_level("INFO", logger="seqlab"):
        read = load_dataset(path)
    assert read.label_names == ["0", "1"] and "to keep its own labels, give fmt=\"tsv\"" in caplog.text
    assert load_dataset(path, "tsv").label_names == ["0", "1", "2"]
