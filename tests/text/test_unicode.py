import random
import re
import unicodedata

import pytest

from seqlab.errors import InputError
from seqlab.text.unicode import clean_surrogates, normalize

SAMPLES = [
    "한국어 문장입니다",
    "Café crème brûlée",
    "e\u0301\u0327 a\u030a\u0328",  # stacked combining marks in non-canonical order
    "\u1100\u1161\u11a8 \u1100\u1161",  # conjoining jamo L V T, L V
    "가\u11a8",  # LV syllable + T jamo composes to 각
    "Ω\u212b\u2126",  # singletons: ANGSTROM SIGN, OHM SIGN
    "👨\u200d👩\u200d👧 family",
    "שלום עולם مرحبا",
    "a\x00b\x01c\u202e",
]


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKC", "NFKD"])
def test_normalized_text_matches_unicodedata(text, form):
    n = normalize(text, form)
    assert n.text == unicodedata.normalize(form, text)


@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKC"])
def test_every_normalized_span_maps_to_original_that_normalizes_to_it(text, form):
    n = normalize(text, form)
    i = 0
    while i < len(n.text):
        s, e = n.to_original(i, i + 1)
        j = i + 1
        while j < len(n.text) and n.to_original(j, j + 1) == (s, e):
            j += 1
        assert unicodedata.normalize(form, text[s:e]) == n.text[i:j]
        i = j


def test_nfd_hangul_maps_each_syllable_to_its_three_jamo():
    nfd = unicodedata.normalize("NFD", "한글")
    n = normalize(nfd)
    assert n.text == "한글" and len(nfd) == 6
    assert n.to_original(0, 1) == (0, 3) and n.to_original(1, 2) == (3, 6)
    assert n.to_original(0, 2) == (0, 6)


def test_random_mixed_text_against_brute_force():
    rng = random.Random(0)
    alphabet = list("가각한글abcé") + ["\u0301", "\u0327", "\u1100", "\u1161", "\u11a8", "\u212b", " ", "😀"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        for form in ("NFC", "NFKC"):
            assert normalize(text, form).text == unicodedata.normalize(form, text)


def test_normalized_text_unchanged_is_identity():
    n = normalize("안녕하세요")
    assert not n.changed and n.to_original(1, 3) == (1, 3)


def _offsets_one_cluster_at_a_time(text: str, form: str) -> tuple[list[int], list[int]]:
    """The offsets :func:`normalize` must give, the slow way: each grapheme-like cluster on its own."""
    starts, ends = [], []
    for match in re.finditer(r".[\u0300-\u036f\u1160-\u11ff]*", text, re.DOTALL):
        a, b = match.span()
        new = unicodedata.normalize(form, match.group())
        if new == match.group():
            starts += range(a, b)
            ends += range(a + 1, b + 1)
        else:
            starts += [a] * len(new)
            ends += [b] * len(new)
    return starts, ends


@pytest.mark.parametrize("form", ["NFC", "NFKC", "NFKD"])
def test_every_offset_of_a_long_text_maps_back(form):
    """Each offset against a cluster-by-cluster reference, and a megabyte in NFC normalized whole (its offsets are
    built in one numpy pass: one small array per changed cluster took 12 s; tests never assert timings)."""
    unit = unicodedata.normalize("NFD", "한국어 문장 ") + "e\u0301 ﬁ ㄱ x "
    n = normalize(unit * 40, form)
    starts, ends = _offsets_one_cluster_at_a_time(unit * 40, form)
    assert n.text == unicodedata.normalize(form, unit * 40)
    assert n.starts.tolist() == starts and n.ends.tolist() == ends
    if form != "NFC":
        return
    big = unit * 60_000
    n = normalize(big, form)
    assert len(big.encode()) > 1_000_000 and n.text == unicodedata.normalize(form, big)
    assert len(n.starts) == len(n.text) and n.to_original(len(n.text) - 2, len(n.text)) == (len(big) - 2, len(big))


def test_lone_surrogate_is_refused_with_position_or_replaced():
    with pytest.raises(InputError, match="U\\+D83D at character 2"):
        clean_surrogates("ab\ud83dc")
    assert clean_surrogates("ab\ud83dc", "replace") == "ab\ufffdc"


def test_undecodable_argv_bytes_are_named_as_bytes():
    with pytest.raises(InputError, match="byte 0xFF"):
        clean_surrogates("x\udcff")


def test_unknown_form_is_an_input_error():
    with pytest.raises(InputError):
        normalize("x", "NFX")
