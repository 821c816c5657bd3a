"""Stage 2, tokenization: text -> tokens (Hugging Face subwords, Kiwi morphemes, characters, words), each token
with its id, offsets into the original text and every unknown explained; comparisons and tokenizer training.

Which model a name means, and loading it, is :mod:`seqlab.pretrained`.
"""
