"""The JSON API: every route, every bad-input class (4xx with a message for a person, never a 500), strict types,
numbers at the shown precision, bounded answers, Host allowlist, HEAD, readable 413 (under load: test_api_load.py)."""

import json
import re
import urllib.error
import urllib.request

import pytest

from seqlab.web.service import ServeConfig

LONG = "이 영화 정말 재밌어요 배우들 연기도 좋고 음악도 최고였어요 강추 "


def test_models_and_openapi(client):
    info = client.get("/api/models").json()
    assert info["default"] == "e5-small" and [m["name"] for m in info["models"]][:2] == ["e5-small", "minilm"]
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("tokenize", "normalize", "compare", "embed", "similarity", "analogy", "trace", "gradflow",
                  "attention", "predict", "models", "wordvectors", "messages"):
        assert f"/api/{route}" in paths


def test_every_stage(client, korean):
    tok = client.post("/api/tokenize", json={"text": korean}).json()
    assert "▁안녕하세요" in tok["tokens"] and tok["morphemes"][0]["token"] == "안녕/NNG"
    assert tok["window"] == {"max_length": 512, "dropped": 0} and tok["vocab_size"] == 250002
    emb = client.post("/api/embed", json={"text": korean}).json()
    assert emb["shape"] == [1, 11, 384] and len(emb["heatmap"]) == 11 and "sequence length" in emb["shape_explained"][2]
    sim = client.post("/api/similarity", json={"a": "영화가 좋다", "b": "영화가 좋았다"}).json()
    assert 0.8 < sim["cosine"] <= 1 and sim["a"] == "영화가 좋다" and sim["b"] == "영화가 좋았다"
    ana = client.post("/api/analogy", json={"expression": "아버지 - 남자 + 여자"}).json()
    assert ana["results"][0]["word"] == "어머니" and ana["source"] == "Kiwi word vectors"
    assert client.post("/api/neighbors", json={"word": "영화"}).status_code == 200
    tr = client.post("/api/trace", json={"text": korean, "cell": "gru", "hidden": 2, "input_dim": 2}).json()
    assert tr["cell"] == "gru" and len(tr["steps"]) == 11 and len(tr["weights"]["W_hh"]) == 6
    assert tr["input_kind"] == "token_embeddings" and tr["dropped"] == 0
    gf = client.post("/api/gradflow", json={"steps": 30, "hidden": 8, "forget_bias": 3}).json()
    assert len(gf["cells"]["lstm"]["grad_norms"]) == 30
    att = client.post("/api/attention", json={"text": "안녕하세요"}).json()
    assert att["shape"] == [12, 12, 3, 3] and att["layer"] == 0 and att["head"] is None
    assert all(abs(sum(row) - 1) < 5e-3 for row in att["weights"])


def test_tokenizers_side_by_side(client):
    r = client.post("/api/compare", json={"text": "안녕하세요 ☃ 영화"}).json()
    rows = {row["model"]: row for row in r["tokenizers"]}
    assert list(rows) == ["e5-small", "minilm", "kiwi", "char", "whitespace"]
    assert rows["minilm"]["summary"]["unk"] >= 1 and rows["minilm"]["unk"]  # the snowman is [UNK] to MiniLM
    # each token field as /api/tokenize sends it (its "unk" were bare indices here, objects there)
    minilm = client.post("/api/tokenize", json={"text": r["text"], "model": "minilm"}).json()
    assert rows["minilm"]["unk"] == minilm["unk"] and rows["minilm"]["offsets"] == minilm["offsets"]
    assert rows["char"]["summary"]["tokens"] == len("안녕하세요☃영화") + 2  # characters plus the two spaces (▁)
    assert rows["char"]["summary"]["space_tokens"] == 2 and rows["kiwi"]["summary"]["space_tokens"] == 0  # said
    assert all(row["summary"]["tokens"] == len(row["tokens"]) - sum(row["special_tokens_mask"]) for row in rows.values())


def test_normalization_stage_lists_invisible_and_bidi_characters(client):
    r = client.post("/api/normalize", json={"text": "abc\u202edef 한글\u200b ghi", "form": "NFD"}).json()
    assert r["form"] == "NFD" and r["normalized_codepoints"] > r["original_codepoints"]  # 한, 글 become jamo
    escaped = {c["codepoint"]: c["escaped"] for c in r["invisible"]}
    assert escaped == {"U+202E": "\\u202e", "U+200B": "\\u200b"}
    assert client.post("/api/normalize", json={"text": "x", "form": "NFX"}).status_code == 422


def test_every_truncation_is_reported(client):
    long_text = (LONG * 40)[:1900]
    tok = client.post("/api/tokenize", json={"text": long_text}).json()
    assert len(tok["tokens"]) > 512 and tok["window"]["dropped"] == len(tok["tokens"]) - 512
    emb = client.post("/api/embed", json={"text": long_text}).json()
    assert emb["shape"][1] == 512 and emb["dropped"] == tok["window"]["dropped"] and emb["max_length"] == 512
    tr = client.post("/api/trace", json={"text": long_text}).json()
    assert len(tr["steps"]) == 256 and tr["dropped"] == len(tok["tokens"]) - 256 and tr["max_length"] == 256
    att = client.post("/api/attention", json={"text": long_text}).json()
    assert len(att["tokens"]) == 128 and att["dropped"] == len(tok["tokens"]) - 128
    # the tokenizer-only models have no window
    assert client.post("/api/tokenize", json={"text": long_text, "model": "kiwi"}).json()["window"] is None


BAD = [
    ("post", "/api/tokenize", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
    ("post", "/api/tokenize", {"json": {"text": 5}}, 422),
    ("post", "/api/tokenize", {"json": {}}, 422),
    ("post", "/api/tokenize", {"json": ["text"]}, 422),
    ("post", "/api/tokenize", {"json": {"text": "x", "extra": 1}}, 422),
    ("post", "/api/tokenize", {"json": {"text": "x" * 2001}}, 422),
    ("post", "/api/tokenize", {"json": {"text": ""}}, 422),
    ("post", "/api/tokenize", {"json": {"text": " \n\t "}}, 422),
    ("post", "/api/tokenize", {"json": {"text": "x", "model": "klue/bert-base"}}, 404),
    ("post", "/api/tokenize", {"json": {"text": "x", "model": "/etc/passwd"}}, 404),
    ("post", "/api/tokenize", {"content": b'{"text": "\\ud800"}', "headers": {"content-type": "application/json"}}, 422),
    ("post", "/api/tokenize", {"content": b'{"text": "' + b"a" * 300_000 + b'"}',
                               "headers": {"content-type": "application/json"}}, 413),
    ("post", "/api/embed", {"json": {"text": "x", "model": "kiwi"}}, 400),
    ("post", "/api/embed", {"json": {"text": "x", "full": 1}}, 422),
    ("post", "/api/similarity", {"json": {"a": "영화", "b": ""}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "cell": "transformer"}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "hidden": 100000}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "hidden": True}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "hidden": "4"}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "hidden": 4.0}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "backward": "yes"}}, 422),
    ("post", "/api/trace", {"json": {"text": "", "hidden": 4}}, 422),
    ("post", "/api/trace", {"json": {"text": "x", "checkpoint": True}}, 400),
    ("post", "/api/gradflow", {"json": {"steps": 0}}, 422),
    ("post", "/api/gradflow", {"json": {"steps": 1}}, 422),
    ("post", "/api/gradflow", {"json": {"cells": "lstm"}}, 422),
    ("post", "/api/attention", {"json": {"text": "x", "layer": 40}}, 400),
    ("post", "/api/attention", {"json": {"text": "x", "head": "mean"}}, 422),
    ("post", "/api/analogy", {"json": {"expression": "- 남자"}}, 400),
    ("post", "/api/analogy", {"json": {"expression": "아버지 - 아버지"}}, 400),  # cancels out: all cosines would be 0
    ("post", "/api/tokenize", {"json": {"text": "\u200b\u200b"}}, 422),  # zero-width characters only
    ("post", "/api/neighbors", {"json": {"word": "\u200b"}}, 422),
    ("post", "/api/neighbors", {"json": {"word": ""}}, 422),
    ("post", "/api/predict", {"json": {"text": "좋다"}}, 400),
    ("get", "/api/nothing", {}, 404),
    ("get", "/api/tokenize", {}, 405),
    ("get", "/api/messages?lang=fr", {}, 422),
]


def test_a_bad_lang_on_the_page_gives_the_page_with_a_notice(client):
    """/?lang=kr answered a bare JSON 422: a person now gets the page, in the language they would get anyway."""
    r = client.get("/?lang=kr", headers={"accept-language": "ko-KR,ko;q=0.9"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="ko">' in r.text and "&#x27;kr&#x27;" in r.text and "?lang=ko" in r.text
    assert "seqlab_lang" not in r.headers.get("set-cookie", "")  # a bad choice is not remembered
    r = client.get("/?lang=%3Cscript%3E", headers={"accept-language": "en"})
    assert "<script>" not in r.text.split("</head>")[1].split("<script", 1)[0] and "&lt;script&gt;" in r.text
    assert '<p id="page-notice" class="warn" role="alert"></p>' in client.get("/").text  # no notice otherwise
    r = client.get("/?lang=kr", headers={"accept-language": "ko", "cookie": "seqlab_lang=en"})
    assert '<html lang="en">' in r.text  # the language the cookie chose, as without the bad ?lang=
    r = client.get("/?lang=__MESSAGES__", headers={"accept-language": "en"})
    notice = r.text.split('id="page-notice"')[1].split("</p>")[0]
    assert "__MESSAGES__" in notice and "{" not in notice  # the user's text is not read as a placeholder


@pytest.mark.parametrize("method,path,kwargs,status", BAD)
def test_bad_input_gets_4xx_with_a_message_for_a_person(client, method, path, kwargs, status):
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body["error"], str) and body["error"] and isinstance(body.get("hint"), str)
    assert "Traceback" not in r.text and 'File "' not in r.text and "openapi" not in r.text.lower()
    assert "Input should be" not in r.text  # pydantic's own wording is not for the page's readers


def test_a_cell_named_twice_is_refused_in_words(client):
    r = client.post("/api/gradflow", json={"cells": ["lstm", "gru", "lstm"]})
    assert r.status_code == 422 and "cells: lists lstm twice" in r.json()["error"]
    r = client.post("/api/tokenize", json={"text": "   "})
    assert r.status_code == 422 and "text: has no character that shows" in r.json()["error"]
    r = client.post("/api/tokenize", json={"text": ""})
    assert r.status_code == 422 and "text: is empty" in r.json()["error"]


def test_strict_types_say_what_was_expected_and_what_came(client):
    r = client.post("/api/trace", json={"text": "x", "hidden": True}).json()
    assert r["error"] == "hidden size (hidden): expected a whole number such as 4, got true"  # the page's label
    r = client.post("/api/trace", json={"text": "x", "hidden": "4"}).json()
    assert r["error"] == 'hidden size (hidden): expected a whole number such as 4, got "4"'
    r = client.post("/api/gradflow", json={"steps": 1}).json()
    assert r["error"] == "steps: must be at least 2, got 1"
    r = client.post("/api/tokenize", json={"text": "  "}).json()
    assert r["error"].startswith("text: has no character that shows")


def test_field_names_are_the_pages_words_in_the_readers_language(client):
    """ "b: 비어 있습니다" and "'rnn', 'lstm' or 'gru' 중 하나여야": API names and English inside Korean messages."""
    r = client.post("/api/similarity?lang=ko", json={"a": "영화", "b": "\u200b"}).json()
    assert r["error"].startswith("두 번째 문장 (b)")
    r = client.post("/api/trace?lang=ko", json={"text": "x", "cell": "transformer"}).json()
    assert " or " not in r["error"] and "'rnn', 'lstm', 'gru'" in r["error"]


def test_errors_speak_the_request_language(client):
    r = client.post("/api/trace?lang=ko", json={"text": "x", "hidden": True}).json()
    assert "정수" in r["error"] and "true" in r["error"]
    r = client.post("/api/tokenize", json={"text": "x", "model": "nope"}, headers={"accept-language": "ko-KR,ko"}).json()
    assert "nope" in r["error"] and re.search("[가-힣]", r["error"])
    r = client.post("/api/tokenize", json={"text": "x", "model": "nope"},
                    headers={"accept-language": "ko", "cookie": "seqlab_lang=en"}).json()
    assert not re.search("[가-힣]", r["error"])  # the page's toggle (cookie) wins over Accept-Language


def test_data_is_the_same_in_every_language(client, korean):
    for path, body in [("/api/tokenize", {"text": korean}), ("/api/trace", {"text": korean, "hidden": 2}),
                       ("/api/attention", {"text": korean, "layer": 1, "head": 2})]:
        assert client.post(path + "?lang=ko", json=body).content == client.post(path + "?lang=en", json=body).content


LONG_FLOAT = re.compile(rb"\d\.0*[1-9]\d{6,}")  # seven or more significant digits after the point


@pytest.mark.parametrize("path,body", [
    ("/api/embed", {"text": "안녕하세요, 오늘 날씨가 정말 좋네요", "full": True}),
    ("/api/similarity", {"a": "영화가 좋다", "b": "영화가 좋았다"}),
    ("/api/attention", {"text": "안녕하세요, 오늘 날씨가 정말 좋네요", "head": 1}),
    ("/api/trace", {"text": "안녕하세요", "hidden": 3, "backward": True}),
    ("/api/trace", {"text": "안녕하세요", "hidden": 3, "backward": True, "full": True}),
    ("/api/gradflow", {"steps": 20, "hidden": 8}),
    ("/api/analogy", {"expression": "왕 - 남자 + 여자"}),
])
def test_numbers_are_sent_at_the_precision_shown(client, path, body):
    r = client.post(path, json=body)
    assert r.status_code == 200
    assert not LONG_FLOAT.search(r.content), LONG_FLOAT.search(r.content).group(0)  # no 0.03310000151395798


def test_attention_is_one_matrix_per_request_and_small(client):
    text = " ".join((LONG * 20).split()[:200])
    heads = [client.post("/api/attention", json={"text": text, "layer": 5, "head": h}) for h in range(12)]
    mean = client.post("/api/attention", json={"text": text, "layer": 5})
    assert all(r.status_code == 200 for r in heads) and mean.json()["summary"] == "mean_over_heads"
    T = len(mean.json()["tokens"])
    assert T == 128 and len(mean.json()["weights"]) == T and len(mean.json()["weights"][0]) == T
    assert len(mean.content) <= 1_000_000 and max(len(r.content) for r in heads) <= 1_000_000
    i, j = 7, 3  # the mean over heads is the mean of the heads (each rounded to 3 decimals)
    assert abs(sum(r.json()["weights"][i][j] for r in heads) / 12 - mean.json()["weights"][i][j]) < 2e-3


def test_a_long_full_trace_is_bounded(client):
    text = " ".join((LONG * 30).split()[:140])
    r = client.post("/api/trace", json={"text": text, "hidden": 64, "backward": True, "full": True})
    assert r.status_code == 200 and len(r.json()["steps"]) >= 250
    assert len(r.content) < 8 * 2**20  # was 110 MB: per-step dW_hh over 64 numbers is left out
    step = r.json()["backward"]["steps"][5]
    assert step["dW_hh"]["shape"] == [256, 64] and step["dW_hh_norm"] > 0
    assert len(r.json()["weights"]["W_ih"]) == 256 and len(r.json()["backward"]["dW_ih"][0]) == 384


def test_no_answer_is_larger_than_the_bound():
    from seqlab.errors import InputError
    from seqlab.web.serialize import MAX_RESPONSE_BYTES, json_bytes

    with pytest.raises(InputError, match="MB"):
        json_bytes({"x": [0.123456] * (MAX_RESPONSE_BYTES // 8 + 1)})


def test_page_and_head(client):
    client.cookies.clear()
    page = client.get("/?lang=ko")
    assert page.status_code == 200 and '<html lang="ko">' in page.text and page.cookies.get("seqlab_lang") == "ko"
    assert '<html lang="ko">' in client.get("/", headers={"accept-language": "en-US"}).text  # the choice is kept
    client.cookies.clear()
    head = client.head("/")
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/html") and head.content == b""
    assert '<html lang="en">' in client.get("/", headers={"accept-language": "en-US"}).text
    assert '<html lang="ko">' in client.get("/", headers={"accept-language": "ko-KR,ko;q=0.9"}).text
    messages = client.get("/api/messages?lang=ko").json()
    assert messages["lang"] == "ko" and messages["messages"]["Run"] != "Run"


def test_docs_are_served_from_this_server(client):
    for path in ("/docs", "/redoc"):
        html = client.get(path).text
        urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html) + re.findall(r"https?://[^\s\"'<>]+", html)
        assert urls and all(u.startswith("/") for u in urls), urls
        for u in urls:
            if u.startswith("/static-offline-docs/"):
                assert client.get(u).status_code == 200, u


def test_page_scripts_are_extracted_for_the_catalog():
    """The page gets its words from the catalog: the msgids it looks up are the ones Babel extracts."""
    from pathlib import Path

    from babel.messages.extract import extract_from_file

    from seqlab.web.messages import SCRIPTS, STATIC, page_msgids

    babel = set()
    for name in SCRIPTS:
        for _line, message, _comments, _context in extract_from_file("javascript", str(Path(STATIC) / name),
                                                                    keywords={"t": None}):
            babel.add(message)
    assert set(page_msgids()) == babel and len(babel) > 100


def test_huge_body_is_a_413_that_urllib_can_read(server):
    data = json.dumps({"text": "가" * 1_200_000}).encode()  # 3.6 MB
    request = urllib.request.Request(server + "/api/tokenize", data=data, headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60)
    assert caught.value.code == 413 and "KB" in json.loads(caught.value.read())["error"]


def test_head_on_a_real_server(server):
    request = urllib.request.Request(server + "/", method="HEAD")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.headers["content-type"].startswith("text/html")
        assert response.read() == b""


def test_default_host_is_loopback():
    assert ServeConfig().host == "127.0.0.1"


def test_head_answers_like_get_on_every_get_route(server):
    """Not only the page: the docs, the API's GET routes and the static files answer HEAD (status, headers, no body)."""
    for path in ("/", "/docs", "/redoc", "/openapi.json", "/api/models", "/api/wordvectors", "/static/app.js",
                 "/static/views.js", "/static/fonts/DejaVuSans.ttf"):
        with urllib.request.urlopen(server + path, timeout=30) as got:
            length = len(got.read())
            kind = got.headers["content-type"]
        with urllib.request.urlopen(urllib.request.Request(server + path, method="HEAD"), timeout=30) as head:
            assert head.status == 200 and head.read() == b"", path
            assert head.headers["content-type"] == kind, path
            if head.headers.get("content-length") is not None:
                assert int(head.headers["content-length"]) == length, path


def test_analogy_errors_are_in_the_readers_language_without_command_line_advice(client):
    r = client.post("/api/analogy?lang=ko", json={"expression": "아버지 + + 여자"})
    assert r.status_code == 400 and "operator" not in r.json()["error"] and "연산자" in r.json()["error"]
    r = client.post("/api/analogy?lang=en", json={"expression": "아버지 - 아버지"})
    assert "cancels out" in r.json()["error"]


def test_the_page_learns_every_field_limit_from_the_server(client):
    """The page repeated the analogy and word limits (200, 100) as numbers of its own; it now reads them here."""
    info = client.get("/api/models").json()
    too_long = client.post("/api/analogy", json={"expression": "왕" * (info["max_expression"] + 1)})
    assert too_long.status_code == 422
    assert client.post("/api/neighbors", json={"word": "왕" * (info["max_word"] + 1)}).status_code == 422
    assert info["max_text"] == 2000


def test_the_comparison_sends_the_tokens_it_draws_and_counts_the_whole_text(client):
    rows = client.post("/api/compare", json={"text": "😀" * 2000}).json()["tokenizers"]
    e5 = next(r for r in rows if r["model"] == "e5-small")
    assert len(e5["tokens"]) == len(e5["offsets"]) == len(e5["continuation"]) == 256
    assert e5["shown_of"]["tokens"] == 2002 and e5["summary"]["tokens"] == 2000
    assert all("shown_of" not in r for r in client.post("/api/compare", json={"text": "안녕 영화"}).json()["tokenizers"])
