"""Limits of stage 3's options, shared by the library, the CLI's range checks and their help (no imports, so that
``seqlab --help`` does not load NumPy)."""

# the largest minimum count of vocab build, train, tokenizer train and wordvec train: more than any corpus holds, and
# within what the tokenizers library's trainers take (a 31-digit value overflowed in them: "internal error")
MAX_MIN_COUNT = 10**9

# the largest vocabulary vocab build and tokenizer train make; a trained tokenizer's smallest (below it, its alphabet of
# Korean syllables alone fills it)
MAX_VOCAB = 1_000_000
MIN_TRAINED_VOCAB = 100

# the longest sequence max_length may ask for (tokenize, encode_batch, tokenize --max-length): far beyond any model's
# window (512 for e5-small), and a padded batch of it stays megabytes (10**11 asked for 745 GiB: a MemoryError)
MAX_LENGTH = 1_000_000
