"""One-line definitions of the jargon seqlab's output uses: ``seqlab glossary``, and hovers on the web page."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from seqlab.i18n import N_, _, translation
from seqlab.render.console import titled_table


def _entries() -> dict[str, str]:
    """English term -> definition in the interface language."""
    return {
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
        N_("cosine"): _("cosine similarity: a·b / (‖a‖‖b‖), from -1 (opposite) through 0 (unrelated) to 1 (same "
                    "direction)"),
        "3CosAdd": _("the analogy rule a : b = c : ?, answered by the word closest to b - a + c (inputs left out)"),
        "3CosMul": _("an analogy rule that multiplies cosines instead of adding them, so that one large similarity "
                     "does not drown the others"),
        "PCA": _("principal component analysis: the directions in which the vectors vary most, used to draw them in "
                 "2-D"),
        "UMAP": _("a nonlinear projection to 2-D that keeps near neighbours near"),
        N_("spectral radius"): _("the largest absolute eigenvalue of W_hh: below 1, repeated multiplication shrinks a "
                             "vector (gradients vanish); above 1, it can grow (they explode)"),
        "macro-F1": _("the mean over classes of F1, the harmonic mean of precision and recall: each class counts "
                      "the same"),
        "BPTT": _("backpropagation through time: the gradient flows back from the last step through every earlier "
                  "one"),
        N_("weight sharing"): _("the same W_xh, W_hh and b serve every time step, so each gradient is a sum over steps"),
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


def matching(term: str | None = None) -> dict[str, str]:
    """The entries whose term holds ``term`` in English, Korean or the interface language (all for None)."""
    return {_(k): v for k, v in _entries().items() if _holds(k, term)}


def glossary_records(term: str | None = None) -> dict[str, dict[str, str]]:
    """``glossary --json``: ``{English term: {"term": as the interface names it, "definition": …}}``, the web page's shape.

    The keys are the same in every interface language, so a script can read ``d["offsets"]`` anywhere.
    """
    return {k: {"term": _(k), "definition": v} for k, v in _entries().items() if _holds(k, term)}


def glossary_table(term: str | None = None) -> Table:
    """The glossary, or the entries matching ``term``."""
    entries = matching(term)
    table = titled_table(_("glossary"), title_justify="left", show_lines=False)
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
