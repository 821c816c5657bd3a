"""Stage 3: ids -> vectors. Contextual token vectors, sentence vectors, similarity, word vectors."""
