"""The API's answers carry what the command says beside its numbers, worded once by the library: /api/analogy and
/api/neighbors their caveats (``notes``), /api/gradflow its verdicts (``verdicts``), in the request's language."""


# /api/analogy and /api/neighbors say what the command says beside its table, in the request's language, from the
# one function that words it (the page and a notebook showed neighbours of cancelled words as an answer, unsaid).


def test_an_analogy_whose_words_cancel_out_says_so(client):
    answer = client.post("/api/analogy", json={"expression": "영화 - 배우 + 배우"}).json()
    left = "영화 - 배우 + 배우 comes to 영화 alone: these are its nearest words, not an analogy's answer."
    assert answer["cancelled"] == ["배우"] and answer["notes"] == ["added and subtracted, so they cancel out: 배우",
                                                                   left]
    korean = client.post("/api/analogy?lang=ko", json={"expression": "영화 - 배우 + 배우"}).json()
    assert len(korean["notes"]) == 2 and "배우" in korean["notes"][0] and "cancel" not in korean["notes"][0]
    # 영화 + 영화 - 영화 is 영화 once: nothing cancels out (it was said to), and what is left is said
    twice = client.post("/api/analogy", json={"expression": "영화 + 영화 - 영화"}).json()
    assert twice["cancelled"] == [] and twice["notes"] == [
        "영화 + 영화 - 영화 comes to 영화 alone: these are its nearest words, not an analogy's answer."]
    doubled = client.post("/api/analogy", json={"expression": "영화 + 영화"}).json()
    assert doubled["notes"] == ["영화 + 영화 comes to 영화 alone: these are its nearest words, not an analogy's answer."]
    # what is left once words cancel out is only subtracted: refused (the words farthest from it are no answer)
    minus = client.post("/api/analogy", json={"expression": "영화 - 영화 - 배우"})
    assert minus.status_code == 400 and "it is only minus 배우" in minus.json()["error"]


def test_an_analogy_of_one_word_says_it_gives_neighbours_and_a_plain_one_says_nothing(client):
    one = client.post("/api/analogy", json={"expression": "영화"}).json()
    said = ("영화 is one word, not an analogy: these are its nearest words (an analogy joins words with + and -, "
            "e.g. 왕 - 남자 + 여자).")
    assert one["notes"] == [said]
    assert client.post("/api/analogy", json={"expression": "아버지 - 남자 + 여자"}).json()["notes"] == []
    assert client.post("/api/neighbors", json={"word": "영화"}).json()["notes"] == []


def test_a_notebook_says_the_same_notes_as_the_command(client):
    from seqlab.render.view_records import words_parts

    vectors = client.app.state.service.wordvectors()
    parts, notes = words_parts(vectors.solve("영화 - 배우 + 배우", 5))
    assert parts[0][0] == "words" and notes[0] == "added and subtracted, so they cancel out: 배우" and len(notes) == 2
    _parts, notes = words_parts(vectors.solve("영화", 5))
    assert notes[0].startswith("영화 is one word, not an analogy")


# /api/gradflow carries the command's verdicts (the page wrote its own, without the RNN's bound, the GRU's line
# or the forget bias to try, and a notebook showed the forget-gate sentence twice in two wordings).


def test_the_page_gets_the_commands_verdicts_with_a_hint_for_its_own_boxes(client):
    answer = client.post("/api/gradflow", json={"steps": 100, "hidden": 8, "forget_bias": 0}).json()
    said = " ".join(answer["verdicts"])
    assert [line.split(" ")[0].rstrip(":") for line in answer["verdicts"]] == ["rnn", "lstm", "gru"]
    assert "spectral radius of W_hh" in said and "units whose f stays nearest 1" in said
    assert "press Compute" in said and "--forget-bias" not in said and "forget_bias=" not in said
    korean = client.post("/api/gradflow?lang=ko", json={"steps": 100, "hidden": 8, "forget_bias": 0}).json()
    assert "spectral radius" not in " ".join(korean["verdicts"])


def test_a_norm_that_underflowed_is_said_in_the_notes():
    from seqlab.lab.gradflow import gradflow
    from seqlab.render.lab import gradflow_notes

    report = gradflow(["rnn"], 300, 8, seed=0)
    report.cells["rnn"].grad_norms[0] = 0.0  # as a product of 300 factors under 1 can come out
    assert gradflow_notes(report)[0].startswith("0: the norm underflowed")
    assert not gradflow_notes(gradflow(["rnn"], 20, 8, seed=0))[0].startswith("0:")
