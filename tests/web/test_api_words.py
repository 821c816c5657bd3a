"""/api/analogy and /api/neighbors say what the command says beside its table, in the request's language, from the
one function that words it (the page and a notebook showed neighbours of cancelled words as an answer, unsaid)."""


def test_an_analogy_whose_words_cancel_out_says_so(client):
    answer = client.post("/api/analogy", json={"expression": "영화 - 배우 + 배우"}).json()
    assert answer["cancelled"] == ["배우"] and answer["notes"] == ["added and subtracted, so they cancel out: 배우"]
    korean = client.post("/api/analogy?lang=ko", json={"expression": "영화 - 배우 + 배우"}).json()
    assert len(korean["notes"]) == 1 and "배우" in korean["notes"][0] and "cancel" not in korean["notes"][0]


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
    assert parts[0][0] == "words" and notes == ["added and subtracted, so they cancel out: 배우"]
    _parts, notes = words_parts(vectors.solve("영화", 5))
    assert notes[0].startswith("영화 is one word, not an analogy")
