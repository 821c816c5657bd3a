"""Write ``seqlab/data/korean_derived_predicates.txt``: verbs and adjectives made of a noun or root + 하다.

wordfreq's Korean list is split into morphemes, so 사랑하다, 행복하다 and 중요하다 appear in it only
as 사랑, 행복, 중요 and 하. Not every noun takes 하다 (공부하다, but not 학교하다), and Kiwi's
language model knows which do: after 사랑/NNG its three most likely next morphemes include
하/XSV, after 학교/NNG they do not. This script asks it for every entry of wordfreq's Korean
list that Kiwi reads as one noun or root (NNG, XR), and keeps the dictionary form
(root + 하다) of those whose next morpheme is 하/XSV or 하/XSA among the model's first
three guesses. About a minute; the result depends only on wordfreq's list and
kiwipiepy-model, whose versions the file's header records.

    python scripts/derived_predicates.py
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "seqlab" / "data" / "korean_derived_predicates.txt"
ENTRIES = 30_000  # wordfreq's Korean entries considered (the default vocabulary's size)
GUESSES = 3  # the language model's first guesses that must include 하/XSV or 하/XSA


def main() -> None:
    import wordfreq
    from kiwipiepy import Kiwi

    kiwi = Kiwi(model_type="cong")
    entries = [w for w in wordfreq.get_frequency_dict("ko") if any("가" <= c <= "힣" for c in w)][:ENTRIES]
    roots = []
    for word, result in zip(entries, kiwi.analyze(entries, top_n=1)):
        tokens = result[0][0]
        if len(tokens) == 1 and tokens[0].form == word and tokens[0].tag in ("NNG", "XR") and not tokens[0].oov:
            roots.append((word, tokens[0].id))
    kept = []
    for root, morpheme_id in roots:
        guesses = kiwi.predict_next_morpheme([morpheme_id], top_n=GUESSES)
        if any(g.form == "하" and g.tag.split("-")[0] in ("XSV", "XSA") for g in guesses):
            kept.append(root + "하다")
    header = [
        "# Verbs and adjectives of a noun or root + 하다 (사랑하다, 행복하다), for seqlab's word-vector",
        "# vocabulary: wordfreq's Korean list holds only their pieces. Written by scripts/derived_predicates.py:",
        f"# every one of wordfreq's {ENTRIES:,} most frequent Korean entries that Kiwi reads as one noun or root",
        f"# (NNG, XR), kept when Kiwi's language model guesses 하/XSV or 하/XSA among its first {GUESSES} next",
        (f"# morphemes after it. wordfreq {version('wordfreq')}, kiwipiepy-model {version('kiwipiepy-model')};"
         f" {len(kept):,} of {len(roots):,} roots."),
        "# In wordfreq's order. One word per line; lines starting with # are comments.",
    ]
    OUT.write_text("\n".join(header + kept) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(kept):,} of {len(roots):,} roots")


if __name__ == "__main__":
    main()
