"""seqlab: Korean-first NLP pipeline with every number visible.

text -> tokens -> ids -> vectors -> sequence models, each stage returning
plain records that the CLI, the web app and your own code render or use.

Every mistake seqlab can name raises a :class:`SeqlabError`, with a message and a hint: an :class:`InputError` for
input that cannot be used (a text, a file, a value out of range), a :class:`UsageError` for arguments that do not fit
together or are malformed (exit code 2 on the command line), a :class:`ModelUnavailable` for a model that cannot load.
Catch ``SeqlabError`` for all of them. What seqlab did beside a result is said on stderr (:mod:`seqlab.notes`).

>>> import seqlab
>>> seqlab.tokenize("안녕하세요", model="char").tokens
['안', '녕', '하', '세', '요']
"""

from __future__ import annotations

__version__ = "0.1.0"

from seqlab.errors import InputError, ModelUnavailable, SeqlabError, UsageError
from seqlab.notes import say_notes_on_stderr

say_notes_on_stderr()  # what the library did beside its results (a first-use build, skipped lines) is heard

# imported on first use, so that `import seqlab.cli` (and every command's start-up) loads only what it needs
_LAZY = {"Batch": "seqlab.ids.batch", "Vocabulary": "seqlab.ids.vocab", "DEFAULT_MODEL": "seqlab.pretrained.registry",
         "load_tokenizer": "seqlab.pretrained.loading", "TokenRecord": "seqlab.tokens.record",
         "run_trace": "seqlab.pipeline.tracing", "explain": "seqlab.pipeline.explain"}  # stage 5, and all stages


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'seqlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The API, the lazily imported names included (what ``dir(seqlab)`` and tab completion offer)."""
    return sorted({*__all__, "__version__"})


def set_language(lang: str) -> None:
    """Speak ``lang`` from now on: ``"ko"`` (한국어) or ``"en"``, in any spelling (``"KO"``, ``"ko-KR"``).

    Messages, errors and every record's display (terminal text and the notebook's views) follow it. A session
    starts in the language of ``SEQLAB_LANG``, else of the locale (``LANG``), as the command line does.

    >>> set_language("KO"); shown = tokenize("안녕", model="char")._repr_mimebundle_()["text/plain"]; set_language("en")
    >>> shown.splitlines()[0].strip()
    '토큰 2개 · 모델 char'
    """
    from seqlab import i18n

    try:
        i18n.set_language(lang)
    except i18n.LanguageError:
        raise InputError(i18n._("unknown language {value!r}").format(value=lang),
                         i18n._('Use "ko" (Korean) or "en" (English).')) from None


def tokenize(text: str, model: str | None = None, errors: str = "strict", max_length: int | None = None, **kwargs):
    """Tokenize and encode one text with ``model`` (default e5-small): a :class:`~seqlab.tokens.record.TokenRecord`.

    Args:
        text: the text, as written (offsets point into it).
        model: ``e5-small``, ``minilm``, ``kiwi``, ``char``, ``whitespace``, a hub id or a local folder.
        errors: ``"strict"`` refuses a lone surrogate (text that is not valid Unicode); ``"replace"`` reads it
            as U+FFFD.
        max_length: keep at most this many tokens (the specials around the text stay); ``dropped`` counts the rest.
            None: every token.
        **kwargs: go to :func:`load_tokenizer` (``vocab``, ``normalization``, ``prefix``).

    Returns:
        tokens, input_ids, offsets, word_ids and every [UNK] with its reason.

    >>> tokenize("학교에 갔다", model="kiwi").tokens
    ['학교/NNG', '에/JKB', '가/VV', '었/EP', '다/EF']
    """
    from seqlab.errors import check_number
    from seqlab.ids.limits import MAX_LENGTH
    from seqlab.pretrained.loading import load_tokenizer
    from seqlab.tokens.record import truncate

    check_number("max_length", max_length, 1, MAX_LENGTH, whole=True)
    record = load_tokenizer(model, **kwargs).encode(text, errors)
    return record if max_length is None else truncate(record, max_length)


def encode_batch(texts, model: str | None = None, padding: str = "longest", max_length: int | None = None,
                 truncation: bool = True, errors: str = "strict", **kwargs):
    """Encode many texts into one padded :class:`~seqlab.ids.batch.Batch` (``.to_torch()`` for tensors).

    Args:
        texts: a list of texts.
        padding: ``longest`` (to the longest text), ``max_length``, or ``none`` (Hugging Face's True, False and
            ``"do_not_pad"`` mean the same).
        max_length: with ``truncation`` (the default), cut each text to this many tokens, specials kept; None cuts
            at the model's window (512 for e5-small; a tokenizer without a model cuts nothing), unlike
            :func:`tokenize`, whose None keeps every token. With ``padding="max_length"``, the width padded to.
        truncation: False keeps every token (``max_length`` then only sets the padded width, as in Hugging Face),
            and a row longer than the model's window is said (Hugging Face's ``"longest_first"`` and
            ``"do_not_truncate"`` are taken too; anything else is refused).
        errors: ``"strict"`` or ``"replace"``, as in :func:`tokenize`.

    Returns:
        input_ids and attention_mask of shape ``[batch, seq_len]``, and what truncation cut.
    """
    from seqlab.pretrained.loading import load_tokenizer

    return load_tokenizer(model, **kwargs).batch(texts, padding=padding, max_length=max_length,
                                                 truncation=truncation, errors=errors)


def embed(texts, model: str | None = None, *, pooling: str | None = None, normalize: bool = True,
          prefix: str = "", layers: bool = False, errors: str = "strict", long: str = "truncate",
          stride: int | None = None):
    """``last_hidden_state`` records (one per text) from ``AutoModel``; ``pooling`` adds a sentence vector.

    Args:
        texts: one text (one record back) or a list of texts (a list back, in the same order).
        model: a transformer with vectors (default e5-small).
        pooling: ``mean``, ``cls`` or ``max`` for a sentence vector (``.pooled``); None for token vectors only.
        normalize: scale the sentence vector to length 1.
        prefix: put before each text; "" (the default) embeds the text as given, while :func:`similarity` gives
            e5 ``"query: "`` on both sides, as its model card advises: the two numbers differ for that reason.
        layers: keep every layer's hidden states too.
        errors: ``"strict"`` or ``"replace"``, as in :func:`tokenize`.
        long: a text longer than the model's window: ``"truncate"`` (the record says what was cut) or ``"window"``
            (overlapping windows, ``stride`` tokens apart, each token's vectors averaged).

    Every record keeps its token matrix, to be shown. For sentence vectors of many texts (a corpus),
    ``load_encoder(model).sentence_vectors(texts)`` computes the same vectors about twice as fast, keeping none;
    :func:`seqlab.vectors.corpus_job.embed_corpus` does it for a file, in resumable shards.

    >>> embed("안녕하세요").shape             # doctest: +SKIP
    [1, 3, 384]
    """
    from seqlab.text.unicode import require_texts
    from seqlab.tokens.base import as_texts
    from seqlab.vectors.encoder import load_encoder

    # a blank text gave the vector of <s></s> alone: refused, as similarity and the command line refuse it
    records = load_encoder(model).embed_many(require_texts(as_texts(texts)), prefix=prefix,
                                             layers=layers, pooling=pooling, normalize=normalize, errors=errors,
                                             long=long, stride=stride)
    return records[0] if isinstance(texts, str) else records


def similarity(a: str, b: str, model: str | None = None, **kwargs):
    """Cosine similarity of two sentences (see :func:`seqlab.vectors.similarity.similarity`).

    For e5 both get ``"query: "`` unless ``prefix=`` says otherwise; an empty sentence is refused.

    >>> round(similarity("영화가 재밌다", "영화가 재미있다").cosine, 2)   # doctest: +SKIP
    0.99
    """
    from seqlab.vectors.similarity import similarity as run

    return run(a, b, model, **kwargs)


def model_path(model: str | None = None) -> str:
    """What ``AutoTokenizer/AutoModel.from_pretrained`` accept for ``model``: the lecture's own code, offline.

    For the embedded models (e5-small, minilm) the local folder, converted or installed on first use;
    for anything else the name itself (a hub id or a directory).

    >>> from transformers import AutoTokenizer                          # doctest: +SKIP
    >>> AutoTokenizer.from_pretrained(model_path("e5-small"))   # doctest: +SKIP
    """
    from seqlab.i18n import _
    from seqlab.pretrained.install import hf_directory
    from seqlab.pretrained.registry import embedded_names, resolve

    spec = resolve(model)
    if spec.kind != "hf":
        raise InputError(_("{name} is not a Hugging Face model: it has no folder for from_pretrained").format(
            name=spec.name), _("Use {names}, a hub id or a model directory.").format(names=embedded_names(True)))
    return hf_directory(spec)


def read_embeddings(directory, mmap: bool = False):
    """The (N, H) float32 output of ``seqlab embed -f FILE --out DIR``, rows in file order."""
    from seqlab.vectors.corpus_job import read_embeddings as read

    return read(directory, mmap)


def word_vectors(model: str | None = None, **kwargs):
    """Word vectors for nearest words and analogies (왕 - 남자 + 여자 ≈ 여왕), built once and cached.

    Args:
        model: ``kiwi`` (the default: Kiwi's own morpheme vectors) or a transformer (``e5-small``, ``minilm``),
            whose vectors are read out over wordfreq's most frequent words.
        **kwargs: go to :func:`seqlab.vectors.wordvectors.from_model` (``progress``, ``korean``, ``english``).

    Returns:
        a :class:`~seqlab.vectors.word_set.WordVectors`: ``.neighbors(word)``, ``.analogy(positive, negative)``,
        ``.solve("왕 - 남자 + 여자")``.

    >>> word_vectors("e5-small").solve("왕 - 남자 + 여자").results[0].word   # doctest: +SKIP
    '여왕'
    """
    from seqlab.vectors.wordvectors import from_model

    return from_model(model, **kwargs)


__all__ = [
    "DEFAULT_MODEL", "Batch", "InputError", "ModelUnavailable", "SeqlabError", "TokenRecord", "UsageError",
    "Vocabulary",
    "embed", "encode_batch", "explain", "load_tokenizer", "model_path", "read_embeddings", "run_trace",
    "set_language", "similarity", "tokenize", "word_vectors",
]
