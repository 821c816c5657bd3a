"""What a word-vector query returns: the nearest words (``neighbors``) and an analogy's answers, as records.

Rendering is elsewhere (:mod:`seqlab.render.vectors`); ``to_dict`` is the ``--json`` and web shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from seqlab.display import Displayable
from seqlab.vectors.analogy import DEFAULT_METHOD
from seqlab.vectors.word_input import expression_of, net_coefficients


@dataclass(frozen=True)
class Neighbor:
    """A word and its score: the cosine to the query word, or the analogy's score (3CosAdd/3CosMul)."""

    word: str
    score: float

    def to_dict(self) -> dict:
        return {"word": self.word, "score": round(self.score, 6)}


# A word's mean cosine with the other words (NeighborsResult.typical_cosine), or two frequent words' (a training's), at
# or above these: the vectors share one direction, so a cosine reads against it, not against 0 (word2vec on 3,000 NSMC
# reviews: 영화 0.85 with an average word); or they have collapsed and hardly tell words apart (300 reviews: 0.997).
# Kiwi's and the transformers' word vectors: about 0.
SHARED_DIRECTION = 0.5
COLLAPSED = 0.9


def rounded_mean(value: float | None) -> float | None:
    """A mean cosine as JSON carries it: 4 decimals, or null where none was measured."""
    return None if value is None else round(value, 4)


class RankedWords:
    """A result is also the sequence of its ranked words: ``result[0].word``, ``for n in result``, ``len(result)``."""

    results: list[Neighbor]

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self):
        return iter(self.results)

    def __getitem__(self, i):
        return self.results[i]


@dataclass(repr=False)  # Displayable's short repr
class AnalogyResult(RankedWords, Displayable):
    """``seqlab analogy``: the words closest to ``positive - negative`` (the input words left out)."""

    expression: str
    positive: list[str]
    negative: list[str]
    results: list[Neighbor]
    source: str
    method: str = DEFAULT_METHOD  # 3cosmul or 3cosadd: what the scores are
    oov: list[str] = field(default_factory=list)  # input words not in the vocabulary, embedded on the fly
    k: int = 0  # how many were asked for: fewer results come when the vocabulary has fewer other words
    compounds: dict[str, str] = field(default_factory=dict)  # top answers built on a question word: word -> reading

    @classmethod
    def written(cls, positive: list[str], negative: list[str], *args) -> AnalogyResult:
        """The result of ``analogy(positive, negative)``, its expression written as the lecture writes it."""
        return cls(expression_of(positive, negative), positive, negative, *args)

    @property
    def net(self) -> dict[str, int]:
        """Each word's coefficient in the sum, zeros left out: 왕 + 왕 - 왕 is {"왕": 1}, 왕 - 남자 + 남자 {"왕": 1}."""
        return net_coefficients(self.positive, self.negative)

    @property
    def one_word(self) -> str | None:
        """The word the expression comes to when one word alone is left with a positive coefficient (왕, 왕 + 왕 - 왕,
        왕 - 남자 + 남자): the results are its nearest words, not an analogy's answer. None for an analogy."""
        net = self.net
        return next(iter(net)) if len(net) == 1 and next(iter(net.values())) > 0 else None

    @property
    def cancelled(self) -> list[str]:
        """Words added and subtracted as often (왕 - 남자 + 남자): under 3CosAdd they cancel out (왕 + 왕 - 왕 does
        not: 왕 is left, once)."""
        net = self.net
        return [w for w in dict.fromkeys(self.negative) if w in self.positive and w not in net]

    def to_dict(self) -> dict:
        return {"expression": self.expression, "positive": self.positive, "negative": self.negative,
                "source": self.source, "method": self.method, "oov": self.oov, "k": self.k,
                "cancelled": self.cancelled, "compounds": self.compounds,
                "results": [n.to_dict() for n in self.results]}


@dataclass(repr=False)  # Displayable's short repr
class NeighborsResult(RankedWords, Displayable):
    """``seqlab neighbors``: the nearest words to ``word`` by cosine."""

    word: str
    source: str
    results: list[Neighbor]
    in_vocabulary: bool = True  # False: the word was embedded on the fly (embed_oov)
    k: int = 0  # how many were asked for: fewer results come when the vocabulary has fewer other words
    reading: str = ""  # Kiwi's vectors: the morphemes the word was read as ("늘/VV ᆫ/ETM" for 는)
    typical_cosine: float | None = None  # the word's mean cosine with the others: its neighbours' read against it

    def to_dict(self) -> dict:
        return {"word": self.word, "source": self.source, "in_vocabulary": self.in_vocabulary, "k": self.k,
                "reading": self.reading, "typical_cosine": rounded_mean(self.typical_cosine),
                "results": [n.to_dict() for n in self.results]}
