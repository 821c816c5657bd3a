import json

import pytest

from seqlab.errors import InputError
from seqlab.pretrained.loading import load_tokenizer
from seqlab.tokens.comparison import compare, compare_text
from seqlab.tokens.training import train_tokenizer


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, reviews):
    path = tmp_path_factory.mktemp("corpus") / "reviews.txt"
    path.write_text("\n".join(reviews) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["wordpiece", "bpe", "unigram"])
def test_trained_tokenizer_loads_with_autotokenizer(tmp_path, corpus, kind):
    from transformers import AutoTokenizer

    out = tmp_path / kind
    size = 3000 if kind == "unigram" else 800  # unigram keeps every character
    result = train_tokenizer([corpus], out, kind=kind, vocab_size=size)
    assert result.lines == 2000 and 300 < result.vocab_size <= size
    # the corpus's own distinct characters, spaces aside, for every kind (bpe and unigram counted Metaspace's ▁ too)
    import unicodedata

    text = unicodedata.normalize("NFC", corpus.read_text(encoding="utf-8"))
    assert result.characters == len({c for c in text if not c.isspace()})
    auto = AutoTokenizer.from_pretrained(out)
    text = "영화가 정말 재밌어요"
    ours = load_tokenizer(str(out)).encode(text)
    assert ours.input_ids == auto(text)["input_ids"]
    assert auto.decode(auto(text)["input_ids"], skip_special_tokens=True).replace(" ", "") == text.replace(" ", "")


def test_kiwi_pre_split_changes_pieces_to_follow_morphemes(tmp_path, corpus):
    plain = train_tokenizer([corpus], tmp_path / "plain", kind="wordpiece", vocab_size=1500)
    split = train_tokenizer([corpus], tmp_path / "kiwi", kind="wordpiece", vocab_size=1500, pre_split="kiwi")
    assert split.pre_split == "kiwi"
    vocab_plain = load_tokenizer(str(plain.path)).get_vocab()
    vocab_split = load_tokenizer(str(split.path)).get_vocab()
    assert vocab_plain != vocab_split


def test_training_rejects_bad_options(tmp_path, corpus):
    # in the library's words (they named --vocab-size and --pre-split, options a Python caller does not have)
    with pytest.raises(InputError, match="vocab_size 100 is too small") as caught:
        train_tokenizer([corpus], tmp_path / "u", kind="unigram", vocab_size=100)
    assert "larger vocab_size" in caught.value.hint and caught.value.option == "vocab_size"
    with pytest.raises(InputError, match="unknown pre-split 'mecab'") as caught:
        train_tokenizer([corpus], tmp_path / "m", pre_split="mecab")
    assert caught.value.hint == 'Use pre_split="kiwi", or leave it out.' and "--" in caught.value.cli_hint
    with pytest.raises(InputError):
        train_tokenizer([corpus], tmp_path / "x", kind="sentencepiece")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no text"):
        train_tokenizer([empty], tmp_path / "y")
    assert not (tmp_path / "y").exists()


def test_compare_reports_fertility_unk_and_lengths(reviews):
    rows = compare(reviews[:300], [load_tokenizer("e5-small"), load_tokenizer("minilm"), load_tokenizer("char")])
    by = {r.model: r for r in rows}
    assert by["minilm"].fertility > by["e5-small"].fertility  # jamo pieces
    assert by["minilm"].unk_rate > by["e5-small"].unk_rate
    assert by["e5-small"].vocab_size > 250_000
    assert all(r.length_p50 <= r.length_p95 <= r.length_max for r in rows)
    assert by["char"].tokens >= sum(len("".join(t.split())) for t in reviews[:300])


def test_compare_says_how_many_tokens_are_a_space_alone():
    """char's tokens per word counted its ▁ space tokens with nothing said: 좋은 날 was 5 tokens, 2.5 a word."""
    from seqlab.render.tokens import comparison_caption, comparison_markdown

    rows = compare(["좋은 날 , 그렇지", "안녕"], [load_tokenizer("char"), load_tokenizer("e5-small"),
                                              load_tokenizer("whitespace")])
    by = {r.model: r for r in rows}
    assert by["char"].space_tokens == 3 and by["char"].tokens == 12  # 9 characters and 3 spaces
    assert by["e5-small"].space_tokens == 1 and by["whitespace"].space_tokens == 0  # e5's ▁ before the comma
    assert "not in chars/token (characters other than spaces): char 3, e5-small 1" in comparison_markdown(rows)
    # one character per token for char (it gave 0.75: its ▁ tokens counted against characters without spaces)
    assert by["char"].chars_per_token == 1.0 and by["whitespace"].chars_per_token == 9 / 5
    assert "▁" not in comparison_caption([by["whitespace"]])


def _train_in_a_new_process(corpus, out, kind):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "seqlab", "tokenizer", "train", "-f", str(corpus), "-o", str(out),
                           "--type", kind, "--vocab-size", "600", "--json"], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), proc.stderr.decode()


def test_one_text_compared_gives_each_record_and_the_same_rows_as_compare():
    """The page's comparison encoded each text twice (once for the row, once for its tokens); one encoding now
    gives both, and its rows are compare's."""
    text = "삵이 ①번 영화를 봤다 ㅋㅋ"
    tokenizers = [load_tokenizer(name) for name in ("e5-small", "kiwi", "char", "whitespace")]
    pairs = compare_text(text, tokenizers)
    assert [row for _rec, row in pairs] == compare([text], tokenizers)
    assert [rec.tokens for rec, _row in pairs] == [tok.encode(text).tokens for tok in tokenizers]


def test_training_is_reproducible_or_says_it_is_not(tmp_path, reviews):
    """Each process hashes differently: BPE gives the same file every time; WordPiece the same alphabet (seqlab
    chooses it), and its note says that pieces near the cut-off may differ (huggingface/tokenizers#1794)."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews[:800]), encoding="utf-8")
    files = {}
    for kind in ("bpe", "wordpiece"):
        for run in (1, 2):
            summary, err = _train_in_a_new_process(corpus, tmp_path / f"{kind}{run}", kind)
            assert summary["reproducible"] == (kind == "bpe")
            assert ("tokenizers#1794" in err) == (kind != "bpe")
            files[kind, run] = json.loads((tmp_path / f"{kind}{run}" / "tokenizer.json").read_text())
    assert files["bpe", 1] == files["bpe", 2]

    def alphabet(spec):
        return [t for t in sorted(spec["model"]["vocab"], key=spec["model"]["vocab"].get) if len(t) == 1]

    assert alphabet(files["wordpiece", 1]) == alphabet(files["wordpiece", 2])


@pytest.mark.parametrize("kind", ["bpe", "wordpiece"])
def test_common_words_have_no_unknown_pieces(tmp_path, corpus, kind):
    """The alphabet seqlab chooses is counted on what the trainer sees: Metaspace's ▁ included (BPE).

    (Rare characters, beyond the alphabet's 500, are unknown by design.)"""
    out = tmp_path / kind
    train_tokenizer([corpus], out, kind=kind, vocab_size=2000)
    tok = load_tokenizer(str(out))
    for text in ["오늘 정말 좋다", "이 영화 진짜 재밌다", "배우 연기가 최고"]:
        rec = tok.encode(text)
        assert rec.unk == [], (kind, text, rec.tokens)
    if kind == "bpe":
        assert "▁" in tok.get_vocab()


def test_the_library_checks_every_option_before_it_reads_a_line(tmp_path, corpus):
    """The CLI refused these up front while the library read the whole corpus first, counted a file named twice twice,
    and dropped a unigram's min_frequency silently."""
    read = []

    def progress(done, total):
        read.append(done)

    cases = [({"errors": "ignore"}, "unknown errors mode"), ({"files": [corpus, corpus]}, "twice"),
             ({"kind": "unigram", "min_frequency": 3}, "min_frequency is not used by a unigram"),
             ({"vocab_size": 99}, "between 100 and 1,000,000"), ({"vocab_size": 10**7}, "between 100 and 1,000,000"),
             ({"min_frequency": 0}, "min_frequency must be between 1")]
    for options, message in cases:
        files = options.pop("files", [corpus])
        with pytest.raises(InputError, match=message):
            train_tokenizer(files, tmp_path / "t", progress=progress, **options)
    assert read == [] and not (tmp_path / "t").exists()


def test_word_vectors_check_every_option_before_they_read_a_line(tmp_path, corpus):
    from seqlab.vectors.wordvec_training import train_word_vectors

    out = tmp_path / "new" / "w.model"
    cases = [({"errors": "ignore"}, "unknown errors mode"), ({"files": [corpus, corpus]}, "twice"),
             ({"dim": 1}, "dim must be between 2 and 1,000"), ({"workers": 65}, "workers must be between 1 and 64"),
             ({"window": 51}, "window"), ({"epochs": 0}, "epochs"), ({"seed": -1}, "seed"), ({"dim": 2.5}, "whole")]
    for options, message in cases:
        files = options.pop("files", [corpus])
        with pytest.raises(InputError, match=message):
            train_word_vectors(files, out, **options)
    assert not out.parent.exists()  # its folder was made before the corpus was read


def test_the_split_corpus_progress_counts_texts_not_a_tables_header(tmp_path):
    """wordvec train -f nsmc.tsv: "0/2,000" became "1,999/1,999" at the end: the header line was counted."""
    from seqlab.tokens.corpus import write_split_corpus

    nsmc = tmp_path / "n.tsv"
    nsmc.write_text("id\tdocument\tlabel\n" + "".join(f"{i}\t영화 {i}\t1\n" for i in range(5)), encoding="utf-8")
    calls = []
    write_split_corpus([nsmc], tmp_path / "out.txt", split="whitespace", progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 5) and calls[-1] == (5, 5), calls


def test_every_row_says_where_its_vocabulary_comes_from():
    """compare --json gave "vocabulary": "wordfreq" for whitespace and "" for kiwi and char, which use wordfreq's
    default vocabularies too: the key meant "its [UNK]s come from the word list", now a key of its own."""
    from seqlab import load_tokenizer
    from seqlab.tokens.comparison import compare

    rows = {r.model: r for r in compare(["영화가 좋다 쀍"], [load_tokenizer(m) for m in ("kiwi", "char", "whitespace",
                                                                                    "e5-small")])}
    assert {m: r.vocabulary for m, r in rows.items()} == {"kiwi": "wordfreq", "char": "wordfreq",
                                                           "whitespace": "wordfreq", "e5-small": "model"}
    assert [m for m, r in rows.items() if r.unk_from_word_list] == ["whitespace"]
