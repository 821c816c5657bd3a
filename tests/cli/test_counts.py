"""Counts read as English: one of a thing in the singular (the page said "1 characters"; the CLI had the same
messages: "1 stretches", "1 tokens are unknown")."""


def test_one_of_a_thing_is_said_in_the_singular(cli):
    code, out, _ = cli("explain", "e\u0301 삵", "--lang", "en")
    assert code == 0
    assert "1 stretch of the text was rewritten to NFC" in out
    assert "1 token is unknown to the model (OOV): it is not in its vocabulary." in out
    code, out, _ = cli("explain", "e\u0301 삵 삵", "--lang", "en")
    assert "2 tokens are unknown to the model" in out and "1 stretch of" in out
    # "truncated to 1 tokens": each count of the line takes its own plural
    code, out, _ = cli("tokenize", "나는 학교에 간다", "--max-length", "1", "-m", "char", "--lang", "en")
    assert code == 0 and "truncated to 1 token: 8 tokens dropped" in " ".join(out.split()), out
