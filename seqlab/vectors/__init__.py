"""Stage 4, embedding: ids -> vectors. Contextual token vectors, sentence vectors, similarity, word vectors."""
