"""Limits of word-vector training (``seqlab wordvec train``, :func:`seqlab.vectors.wordvec_training.train_word_vectors`),
shared by the library, the CLI's range checks and their help (no imports, so that ``seqlab --help`` does not load
NumPy). Each range is (lowest, highest). Also the vectors' display defaults that the CLI's help names, and the
time the first ONNX export of the default model takes, which the server's messages state."""

PREVIEW = 6  # numbers per token vector that a preview shows (seqlab embed --json, a record's to_json(), the tables)
PAGE_PREVIEW = 8  # the page's and a notebook's views: a wider box than a terminal column shows two more
EXPORT_SECONDS = 30  # the first ONNX export of the default model on a 2-core CPU (24-30 s measured, benchmarks.md)
PREVIEW_RANGE = (1, 1024)  # the numbers per token vector a preview may ask for (embed --preview, /api/embed's preview)

WORDVEC_DIM = (2, 1000)  # one number per word says nothing; beyond 1000 the vectors outgrow any corpus' evidence
WORDVEC_WINDOW = (1, 50)  # words on each side of the centre word
WORDVEC_EPOCHS = (1, 100)
WORDVEC_WORKERS = (1, 64)  # gensim's threads
