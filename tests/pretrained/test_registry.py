import errno
import json
import socket
import time

import pytest

from seqlab.errors import ModelUnavailable
from seqlab.i18n import use_language
from seqlab.pretrained.install import hub_unreachable_reason
from seqlab.pretrained.loading import load_tokenizer
from seqlab.pretrained.registry import DEFAULT_MODEL, E5_PREFIXES, EMBEDDED, e5_prefix, resolve, uses_e5_prefixes


def test_embedded_models_and_default():
    assert list(EMBEDDED) == ["e5-small", "minilm", "kiwi", "char", "whitespace"]
    assert DEFAULT_MODEL == "e5-small" and load_tokenizer().name == "e5-small"


def test_local_directory_is_a_model(tmp_path):
    from seqlab.pretrained.install import minilm_path

    assert resolve(str(minilm_path())).kind == "hf"
    assert load_tokenizer(str(minilm_path())).encode("hi").tokens == ["[CLS]", "hi", "[SEP]"]


def test_offline_hub_id_fails_fast_with_a_clear_message(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    t0 = time.perf_counter()
    with pytest.raises(ModelUnavailable) as info:
        load_tokenizer("klue/bert-base")
    msg = str(info.value)
    assert time.perf_counter() - t0 < 20
    assert "klue/bert-base" in msg and "path of a folder with" in msg and "network" in msg  # not "--model": in train it names the classifier
    assert all(name in msg for name in EMBEDDED)


def test_unreachable_hub_fails_fast(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    t0 = time.perf_counter()
    with pytest.raises(ModelUnavailable, match="unreachable"):
        load_tokenizer("someone/missing-model")
    assert time.perf_counter() - t0 < 20


@pytest.mark.parametrize("error, korean", [
    (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "호스트 이름을 찾을 수 없습니다"),
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "연결이 거부"),
    (TimeoutError("timed out"), "시간이 초과"),
])
def test_why_the_hub_is_unreachable_is_said_in_the_users_language(monkeypatch, error, korean):
    """"(Name or service not known)": the OS's English words in a Korean message."""
    def refuse(*_args, **_kwargs):
        raise error

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with use_language("ko"):
        reason = hub_unreachable_reason()
    assert korean in reason and str(error.args[-1]) not in reason


def test_a_missing_file_is_not_read_as_a_host_name_lookup(monkeypatch):
    """On macOS EAI_AGAIN is 2, as ENOENT: one table of both made every missing file "could not be looked up"."""
    from seqlab.text.reading import os_reason

    monkeypatch.setattr(socket, "EAI_AGAIN", errno.ENOENT)
    monkeypatch.setattr(socket, "EAI_NONAME", errno.ENOEXEC)
    with use_language("en"):
        assert os_reason(FileNotFoundError(errno.ENOENT, "No such file")) == "it does not exist"
        assert "looked up" in os_reason(socket.gaierror(errno.ENOENT, "Temporary failure in name resolution"))


def test_nonsense_names_and_files(tmp_path):
    with pytest.raises(ModelUnavailable, match="model folder ./no/such/dir does not exist"):
        resolve("./no/such/dir")
    with pytest.raises(ModelUnavailable, match="neither"):
        resolve("not a model name")
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(ModelUnavailable, match="is a file"):
        resolve(str(f))


@pytest.mark.parametrize("name, e5", [("e5-small", True), ("minilm", False), ("intfloat/multilingual-e5-base", True),
                                      ("team/le5ter", False), ("intfloat/e5_small.v2", True), ("klue/bert-base", False)])
def test_one_rule_decides_the_e5_prefixes(name, e5):
    """The prefix that embed/similarity/search add and the one `--prefix` accepts come from the same rule: a name
    holding "e5" inside another word (le5ter) is not an e5 model for either."""
    from seqlab.vectors.encoder import default_prefix

    assert uses_e5_prefixes(name) is e5
    for role in ("query", "passage"):
        assert default_prefix(name, role) == e5_prefix(name, role) == (E5_PREFIXES[role] if e5 else "")


def test_the_cli_accepts_the_prefix_for_the_models_the_library_gives_it_to(cli):
    """--prefix and the library's default prefix follow the same rule: le5ter is no e5 model for either."""
    code, _out, err = cli("tokenize", "영화", "-m", "team/le5ter", "--prefix", "query", "--lang", "en")
    assert code == 2 and "was not trained with it" in err, err
    code, _out, err = cli("tokenize", "영화", "-m", "intfloat/multilingual-e5-base", "--prefix", "query",
                          "--lang", "en")
    assert "was not trained with it" not in err  # accepted; loading the hub model offline fails afterwards


def test_e5_prefix_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="query, passage"):
        e5_prefix("e5-small", "document")


def test_the_librarys_prefix_takes_the_role_names_the_cli_takes(cli):
    """seqlab.tokenize("영화", prefix="query") read "query영화": the library took the CLI's role name as the text
    itself, and embedded the wrong string in silence; --prefix QUERY was the one choice refused in another case."""
    import seqlab

    for role, text in (("query", "query: "), ("Passage", "passage: "), ("none", "")):
        assert seqlab.tokenize("영화", prefix=role).tokens == seqlab.tokenize("영화", prefix=text).tokens
    assert seqlab.tokenize("영화", prefix="질문: ").tokens != seqlab.tokenize("영화").tokens  # any other text as given
    code, out, err = cli("tokenize", "영화", "--prefix", "QUERY", "--json")
    assert code == 0 and json.loads(out)["text"] == "query: 영화", err
