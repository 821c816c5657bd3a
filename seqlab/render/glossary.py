"""One-line definitions of the jargon seqlab's output uses: ``seqlab glossary``, and hovers on the web page."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.i18n import N_, _, translation, use_language
from seqlab.render.console import titled_table


def _entries() -> dict[str, str]:
    """English term -> definition in the interface language."""
    return {
        N_("tokenization"): _("splitting text into tokens, the units a model reads: words, morphemes (Kiwi), subwords "
                              "(WordPiece, SentencePiece) or characters"),
        N_("vocabulary"): _("the tokens a tokenizer knows, each with its number (id); a token outside it is OOV"),
        N_("integer encoding"): _("turning each token into its number in the vocabulary (input_ids), so that a model "
                                  "can look up its vector"),
        "input_ids": _("the number of each token in the model's vocabulary: what the model actually reads"),
        N_("offsets"): _("[start, end) of each token as character positions in the original text, shown "
                             "as text[start:end] (Python's slice: from start up to, not including, end; 안녕하세요, "
                             "is text[0:6], six characters)"),
        "attention_mask": _("1 for a real token, 0 for padding: the model ignores the positions marked 0"),
        "special_tokens_mask": _("1 for the model's special tokens (<s>, </s>, [CLS], [SEP]) that the tokenizer adds, "
                                 "0 for pieces of the text"),
        "token_type_ids": _("which sentence of a pair each token belongs to (0 first, 1 second), for BERT models"),
        N_("fertility"): _("tokens per word (어절): how finely a tokenizer cuts the text; higher means longer sequences"),
        N_("[UNK] rate"): _("the share of tokens the model does not know (OOV) and reads as one unknown token"),
        "last_hidden_state": _("the transformer's output: one vector of hidden-size numbers per token, shape "
                               "[batch, sequence length, hidden size]"),
        N_("embedding"): _("a vector of numbers for each token id (a row of the embedding matrix), or for a whole "
                           "text; texts of similar meaning get vectors that point the same way"),
        N_("cosine"): _("cosine similarity: a·b / (‖a‖‖b‖), from -1 (opposite) through 0 (orthogonal) to 1 (same "
                    "direction); a model's sentence vectors share a common direction, so unrelated texts often score "
                    "0.7-0.8 with e5: compare scores, do not read one alone"),
        "3CosAdd": _("the analogy rule a : b = c : ?, answered by the word closest to b - a + c (inputs left out)"),
        "3CosMul": _("argmax_d cos′(d,b)·cos′(d,c) / (cos′(d,a) + 0.001) with cos′ = (cos+1)/2 (Levy & Goldberg "
                     "2014): it multiplies cosines instead of adding them, so that one large similarity "
                     "does not drown the others"),
        "PCA": _("principal component analysis: the directions in which the vectors vary most, used to draw them in "
                 "2-D"),
        "UMAP": _("a nonlinear projection to 2-D that keeps near neighbours near"),
        N_("spectral radius"): _("the largest absolute eigenvalue of W_hh: below 1, repeated multiplication shrinks a "
                             "vector (gradients vanish); above 1, it can grow (they explode)"),
        N_("label"): _("the answer a classifier learns to give for a text (NSMC: 0 negative, 1 positive)"),
        "macro-F1": _("the mean over classes of F1, the harmonic mean of precision and recall: each class counts "
                      "the same"),
        "RNN": _("recurrent neural network: h_t = tanh(W_xh·x_t + W_hh·h_{t-1} + b), the same weights at every "
                 "time step"),
        N_("time step"): _("one position t of a sequence: a recurrent layer reads x_t and h_{t-1} and writes h_t"),
        N_("backpropagation"): _("the gradient of the loss for every weight, by the chain rule, from the output back "
                                 "towards the input"),
        "BPTT": _("backpropagation through time: the gradient flows back from the last step through every earlier "
                  "one"),
        N_("weight sharing"): _("the same W_xh, W_hh and b serve every time step, so each gradient is a sum over steps"),
        N_("hidden state"): _("h_t, the vector a recurrent layer carries from step to step: what it has read so far, "
                              "in H numbers"),
        "LSTM": _("long short-term memory: an RNN with a cell state c_t and forget, input and output gates, so "
                  "that information and gradients can travel over many steps"),
        N_("cell state"): _("c_t, the LSTM's second memory: changed only by ⊙ and + (c_t = f⊙c_{t-1} + i⊙g), so "
                            "information and gradients can travel far back"),
        N_("forget gate"): _("f = σ(W_xf·x_t + W_hf·h_{t-1} + b_f): per unit, the share of c_{t-1} kept (1 keeps "
                             "it, 0 forgets it)"),
        N_("input gate"): _("i = σ(…): per unit, how much of the candidate g is written into the cell state"),
        N_("output gate"): _("o = σ(…): per unit, how much of tanh(c_t) is shown as the hidden state h_t"),
        N_("candidate"): _("LSTM: g = tanh(W_xg·x_t + W_hg·h_{t-1} + b_g) (the lecture's c̃_t), the new values the "
                           "input gate writes into the cell state; GRU: n = tanh(W_xn·x_t + b_xn + r⊙(W_hn·h_{t-1} + b_hn)), "
                           "the new state the update gate mixes with h_{t-1}"),
        N_("vanishing gradient"): _("‖∂L/∂h_k‖ shrinking step by step as k moves away from the loss: the early "
                                    "steps barely learn (seqlab gradflow shows it)"),
        N_("normalization"): _("rewriting text to one Unicode form before tokenizing: NFC composes 한 from ᄒ ᅡ ᆫ, "
                               "NFKC also maps look-alikes (① to 1, ｈ to h); a model may normalize again itself"),
        "NFC": _("Unicode's composed form: a syllable or accented letter as one code point (한, é), seqlab's default"),
        N_("mean pooling"): _("a sentence vector as the average of its token vectors (attention_mask 1 only)"),
        N_("sentence vector"): _("one vector for a whole text, pooled from its token vectors (mean, or [CLS]): what "
                                 "similarity and search compare"),
        "GRU": _("gated recurrent unit: an RNN with a reset gate r and an update gate z and no cell state; "
                 "h_t = (1-z)⊙n + z⊙h_{t-1}, as torch writes it"),
        N_("reset gate"): _("GRU: r = σ(W_xr·x_t + W_hr·h_{t-1} + b_r); the candidate reads r⊙(W_hn·h_{t-1} + b_hn), "
                            "so an r near 0 lets it ignore the past"),
        N_("update gate"): _("GRU: z = σ(W_xz·x_t + W_hz·h_{t-1} + b_z), the share of h_{t-1} kept as it is (1 copies "
                             "it, which lets a gradient travel far back)"),
        "Seq2Seq": _("an encoder reads the source into vectors, a decoder writes the output from them one step at a "
                     "time (seqlab: spacing restoration)"),
        N_("attention"): _("weights over the source positions, summing to 1, that say where the decoder looks at "
                           "each output step"),
        N_("teacher forcing"): _("in training, the decoder is fed the true previous output instead of its own guess"),
        N_("skip-gram"): _("word2vec's task: predict the words around each word; the vectors that do it well are the "
                           "word vectors"),
        N_("padding"): _("filler ids (<pad>) that make the texts of a batch equally long; attention_mask marks them 0"),
        N_("truncation"): _("cutting a text to the model's window (max_length); seqlab says how many tokens were cut"),
        N_("subword"): _("a piece of a word (▁ starts a word in e5, ## continues one in BERT): a rare word becomes "
                         "known pieces instead of [UNK]"),
        "OOV": _("out of vocabulary: a word or character the vocabulary lacks, read as the unknown token [UNK]"),
        "MSE": _("mean squared error: the average of (prediction - target)²; the adding problem's baseline of "
                 "always predicting 1 scores about 0.167"),
        "MAE": _("mean absolute error: the average of |forecast - actual|, in the series' own units"),
        "RMSE": _("root mean squared error: like MAE, but a large error weighs more"),
        N_("seasonal naive"): _("the forecast that repeats the value one season earlier (12 months back for "
                                "monthly CO2)"),
        "CER": _("character error rate: the edit distance to the reference (insertions, deletions, substitutions) "
                 "over its length; lower is better"),
        N_("boundary F1"): _("spacing: F1 of the spaces placed, from precision (placed spaces that are right) and "
                             "recall (right spaces that were placed)"),
        N_("boundary accuracy"): _("spacing: the share of positions after a character where \"a space follows or "
                                   "not\" is decided as in the reference; an output whose characters differ from the "
                                   "reference's scores 0 on its line"),
        N_("aligned char accuracy"): _("spacing: output and reference aligned on their characters (spaces left out); "
                                       "a character is right when it is the same and the space after it is decided "
                                       "as in the reference"),
        N_("positional char accuracy"): _("spacing: the i-th character of the output against the i-th of the "
                                          "reference; one missing or extra space shifts every later character, so "
                                          "it understates an output that keeps the text"),
        N_("exact match"): _("the share of outputs identical to their reference, every space included"),
        N_("monotonic attention"): _("Seq2Seq spacing: each output step reads the one source character it has "
                                     "reached (weight 1), moving left to right; not learned, unlike additive "
                                     "(Bahdanau) attention"),
        N_("adding problem"): _("a long-memory task (Hochreiter & Schmidhuber 1997): pairs (value, marker) over T "
                                "steps, two of them marked; the target is the sum of the two marked values, so the "
                                "model must remember them across the sequence"),
    }


def glossary() -> dict[str, str]:
    """Term -> definition, in the interface language (terms as the output prints them; identifiers stay)."""
    return {_(k): v for k, v in _entries().items()}


def _holds(key: str, term: str | None) -> bool:
    """Whether the entry ``key`` (its English term) holds ``term`` in English, in the interface language or in
    Korean: a Korean-first tool finds 코사인 in its English interface too."""
    if term is None:
        return True
    names = (key, _(key), translation("ko").gettext(key))
    return any(term.lower() in name.lower() for name in names)


def _found(term: str | None) -> dict[str, str]:
    """English term -> definition of the entries whose term holds ``term``; when no term does, those whose
    definition mentions it (``glossary gate`` finds the forget gate's entry by its name, ``glossary σ`` by its
    definition)."""
    entries = _entries()
    named = {k: v for k, v in entries.items() if _holds(k, term)}
    if named or term is None:
        return named
    with use_language("en"):  # the English definitions too: a Korean-first tool finds "gate" in Korean as well
        english = _entries()
    return {k: v for k, v in entries.items() if term.lower() in v.lower() or term.lower() in english[k].lower()}


def found_by_definition(term: str | None) -> bool:
    """Whether ``term`` names no entry, so that the entries shown are those whose definition mentions it."""
    return term is not None and not any(_holds(k, term) for k in _entries())


def matching(term: str | None = None) -> dict[str, str]:
    """The entries whose term holds ``term`` in English, Korean or the interface language (all for None); when
    none does, the entries whose definition mentions it."""
    return {_(k): v for k, v in _found(term).items()}


def glossary_records(term: str | None = None) -> dict[str, dict[str, str]]:
    """``glossary --json``: ``{English term: {"term": as the interface names it, "definition": …}}``, the web page's shape.

    The keys are the same in every interface language, so a script can read ``d["offsets"]`` anywhere.
    """
    return {k: {"term": _(k), "definition": v} for k, v in _found(term).items()}


def glossary_table(term: str | None = None) -> Table:
    """The glossary, or the entries matching ``term``."""
    entries = matching(term)
    title = _("glossary: no term is named {term!r}; these definitions mention it").format(term=term) \
        if found_by_definition(term) else _("glossary")
    table = titled_table(title, title_justify="left", show_lines=False)
    table.add_column(_("term"), no_wrap=True, style="bold")
    table.add_column(_("meaning"), overflow="fold")  # wrapped whole: never cut to "…" mid-word
    for key, value in entries.items():
        table.add_row(escape(key), escape(value))
    return table


def render_glossary(console: Console, term: str | None = None) -> int:
    """Print the glossary (or the entries matching ``term``); returns how many were printed."""
    table = glossary_table(term)
    if table.row_count:
        console.print(table)
    return table.row_count
