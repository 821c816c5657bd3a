"""The terminal token table's hint for the rows it leaves out."""

from __future__ import annotations

import io

from rich.console import Console

from seqlab.pretrained.loading import load_tokenizer
from seqlab.render.tokens import MAX_TABLE_ROWS, render_tokens, token_table


def _shown(text: str, max_rows: int) -> str:
    out = io.StringIO()
    render_tokens(load_tokenizer("char").encode(text), Console(file=out, width=100), max_rows=max_rows)
    return " ".join(out.getvalue().split())


def test_the_hint_names_a_max_rows_the_option_accepts():
    """A text of more tokens than --max-rows accepts was told to use --max-rows N, which is refused."""
    n = MAX_TABLE_ROWS + 1
    shown = _shown("가" * n, 50)
    assert f"50 of {n} rows shown" in shown and "--json" in shown and "--max-rows" not in shown
    shown = _shown("가" * 60, 50)
    assert "50 of 60 rows shown" in shown and "--max-rows 60" in shown


def test_an_unknown_token_is_explained_for_what_a_token_is():
    """The whitespace tokenizer's [UNK] said "the model has no piece for" a whole word, as if it were a subword model."""
    from seqlab.render.tokens import unk_lines

    record = load_tokenizer("whitespace").encode("뷁뷁뷁 영화")
    line, same, source = unk_lines(record)  # and where the default word vocabulary comes from (a list of morphemes)
    assert record.unit == "word" and "the word '뷁뷁뷁' is not in the vocabulary" in line and "piece" not in line
    assert "wordfreq's Korean list" in source
    assert load_tokenizer("char").encode("가").unit == "character" and load_tokenizer("kiwi").encode("가").unit == "morpheme"
    assert load_tokenizer("e5-small").encode("가").unit == "piece"
    # WordPiece (minilm) gives up on a whole word: it was "no piece for '바꾸기'", as if one piece were missing
    line, same = unk_lines(load_tokenizer("minilm").encode("언어 바꾸기"))
    assert "no sequence of the model's pieces spells '바꾸기', so the whole word is one unknown token" in line
    assert "Its id, 100, is the unknown token's" in same


def test_unknown_tokens_shown_by_their_characters_are_said_to_share_one_id():
    """e5-small shows 삵 and 쾡 (its pieces keep their characters) where both ids are <unk>'s: nothing said that the
    model reads them as one and the same vector."""
    from seqlab.render.tokens import unk_lines

    record = load_tokenizer("e5-small").encode("삵쾡이 좋네요")
    assert record.tokens[2:4] == ["삵", "쾡"] and record.input_ids[2] == record.input_ids[3] == 3
    *_each, same = unk_lines(record)
    assert "Their id, 3, is the unknown token's: the model reads each of them as the one vector" in same


def test_unknown_decomposed_hangul_is_said_to_be_decomposed():
    """NFD 한국어 with normalization none was "the word '한국어' is not in the vocabulary": it looks like a known word,
    and nothing said that it was decomposed jamo (a CLI review)."""
    import unicodedata

    from seqlab.render.tokens import unk_lines

    for model in ("whitespace", "kiwi"):
        record = load_tokenizer(model, normalization="none").encode(unicodedata.normalize("NFD", "한국어"))
        assert any("Hangul in decomposed form" in line and line.endswith("not none.") for line in unk_lines(record)), \
            (model, unk_lines(record))
    # composed text that the normalization decomposed is said too, naming the form that did it
    nfd = unk_lines(load_tokenizer("whitespace", normalization="NFD").encode("한국어"))
    assert any("decomposed" in line and line.endswith("not NFD.") for line in nfd), nfd
    for plain in ("뷁뷁뷁", "ᄒᆞᆫ글"):  # a word it lacks; Old Hangul, which NFC cannot compose
        assert not any("decomposed" in line for line in unk_lines(load_tokenizer("whitespace", normalization="none")
                                                                  .encode(plain)))


def test_the_integer_encoding_example_is_a_known_token():
    """Stage 3 showed "안녕하세요, → 1" without saying that 1 is the [UNK] id."""
    from seqlab.render.explain import example_token

    record = load_tokenizer("whitespace").encode("뷁뷁뷁 영화")
    assert record.tokens[example_token(record)] == "영화"
    alone = load_tokenizer("whitespace").encode("뷁뷁뷁")
    assert example_token(alone) == 0 and alone.unk[0].index == 0


def test_a_lone_final_consonant_is_shown_as_its_letter():
    """Kiwi's ending ᆫ (예쁘/VA + ᆫ/ETM) is a conjoining jamo: rich counts it 0 columns and terminals draw 1 or 2,
    so every column after it slipped. Shown as its compatibility letter ㄴ, as Kiwi's compatible_jamo does."""
    from seqlab.render.visible import invisible_characters, visible

    assert visible("ᆫ/ETM") == "ㄴ/ETM" and visible("ᆸ니다") == "ㅂ니다" and visible("ᅡ") == "ㅏ"
    composed = ["\u1112\u1161\u11ab", "가\u11ab", "\u1100\u1161"]  # NFD 한, 가 + final ᆫ, NFD 가: they compose
    assert [visible(s) for s in composed] == composed
    assert visible("각\u11ab") == "각ㄴ" and visible("\u1160") == "\\u1160"  # after a final; the filler stays escaped
    assert invisible_characters("\u1100\u1161 \u1160") == [  # letters are not listed as invisible; the filler is
        {"index": 3, "codepoint": "U+1160", "name": "HANGUL JUNGSEONG FILLER", "escaped": "\\u1160"}]
    assert visible("\u0301") == "\u25cc\u0301" and visible("e\u0301") == "e\u0301"  # a lone accent on ◌
    # an accent on a Hangul or Han letter has no glyph in any font: on ◌ beside it, not one box for both
    assert visible("가\u0301 한\u0308글 字\u0301") == "가\u25cc\u0301 한\u25cc\u0308글 字\u25cc\u0301"
    # ... but marks that belong on those letters stay on them: variation selectors, kana voicing, tone marks
    kept = ["豈\ufe00", "葛\U000e0100", "か\u3099", "가\u302e"]
    assert [visible(s) for s in kept] == kept
    out = io.StringIO()
    render_tokens(load_tokenizer("kiwi").encode("예쁜 꽃이 피었습니다"), Console(file=out, width=100), max_rows=50)
    shown = out.getvalue()
    assert "ㄴ/ETM" in shown and not any(0x11A8 <= ord(c) <= 0x11FF for c in shown)


def test_a_skin_tone_cut_from_its_emoji_keeps_the_table_aligned():
    """e5-small splits 👍🏽 into 👍 and 🏽. Alone, rich counts the skin tone 0 columns and terminals draw a
    2-column swatch, so the table's right border slipped on that row. Escaped, every row has the same width;
    on its emoji it stays as it is."""
    import unicodedata

    from seqlab.render.visible import visible

    def drawn(line: str) -> int:  # columns as a terminal draws them (wcwidth's rule): wide 2, marks 0, others 1
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.category(c) in ("Mn", "Me", "Cf")
                   else 1 for c in line)

    assert visible("👍🏽") == "👍🏽" and visible("✋🏿") == "✋🏿"
    assert visible("\U0001f3fd") == "\\U0001f3fd" and visible("a\U0001f3fd") == "a\\U0001f3fd"
    out = io.StringIO()
    render_tokens(load_tokenizer("e5-small").encode("좋아요 👍🏽"), Console(file=out, width=100), max_rows=50)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("│")]
    assert any("\\U0001f3fd" in row for row in rows)
    assert len({drawn(row) for row in rows}) == 1


def test_a_lone_old_hangul_jamo_is_shown_as_its_letter_and_keeps_the_table_straight():
    """The char tokenizer's ᆞ (U+119E, Old Hangul's arae-a) stayed a conjoining vowel that a terminal counts as zero
    cells: its row's border moved left (ᄒ and ᆫ became ㅎ and ㄴ)."""
    from rich.cells import cell_len

    from seqlab.render.visible import visible

    assert [visible(c) for c in "\u1112\u119e\u11ab"] == ["ㅎ", "ㆍ", "ㄴ"]
    assert visible("\u1112\u119e\u11ab") == "\u1112\u119e\u11ab"  # a syllable that composes stays whole
    console = Console(width=100, record=True, color_system=None)
    console.print(token_table(load_tokenizer("char").encode("\u1112\u119e\u11ab 영화"), width=100))
    rows = [line for line in console.export_text().splitlines() if line.startswith("│")]
    assert len({cell_len(line) for line in rows}) == 1, rows


def test_tokens_drawn_alike_are_told_apart():
    """minilm's ##ᄀ (an initial consonant, id 29991) and ##ᆨ (a final one, id 30020) were both shown as ##ㄱ with no
    word that they are different tokens."""
    from seqlab.render.tokens import lookalike_lines, tokens_markdown

    record = load_tokenizer("minilm").encode("한국 각")
    firsts = [i for i, tok in enumerate(record.tokens) if tok == "##\u1100"]
    finals = [i for i, tok in enumerate(record.tokens) if tok == "##\u11a8"]
    assert firsts and finals, record.tokens
    (line,) = lookalike_lines(record)
    assert line.startswith("##ㄱ is drawn for 2 different tokens:"), line
    assert f"U+1100 (id {record.input_ids[firsts[0]]}; token {firsts[0]})" in line
    assert f"U+11A8 (id {record.input_ids[finals[0]]}; tokens {', '.join(map(str, finals))})" in line
    out = io.StringIO()
    render_tokens(record, Console(file=out, width=200))
    assert "##ㄱ is drawn for 2 different tokens" in out.getvalue()
    assert "is drawn for 2 different tokens" in tokens_markdown(record)
    # a lone jamo that stands for one token only (Kiwi's ᆫ/ETM drawn ㄴ/ETM) needs no such line
    assert lookalike_lines(load_tokenizer("kiwi").encode("예쁜 꽃")) == []
    assert lookalike_lines(load_tokenizer("minilm").encode("좋은 영화")) == []


def test_the_char_tokenizers_space_token_is_whitespace_not_a_word_start():
    """The char tokenizer's ▁ (the whitespace itself) was labelled "word start" in the table and the legend."""
    from seqlab.render.tokens import kind_label, kinds_of, token_kind

    record = load_tokenizer("char").encode("가 나")
    assert record.tokens == ["가", "▁", "나"]
    assert [token_kind(record, i) for i in range(3)] == ["word start", "space", "word start"]
    assert "│ whitespace between words │ 1:2 │" in _shown("가 나", 50)
    assert "space" in kinds_of("character") and "space" not in kinds_of("piece")
    assert kind_label("space") == "whitespace between words"
    # e5-small's lone ▁ is a piece of the word it introduces, as SentencePiece has it: not this kind
    e5 = load_tokenizer("e5-small").encode("가 나")
    assert "space" not in [token_kind(e5, i) for i in range(len(e5))]
