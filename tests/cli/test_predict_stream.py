"""``seqlab predict -f`` streams: each block of texts is written once it is answered, not all at the end."""

import json


def test_predict_writes_each_block_before_it_predicts_the_next(tmp_path, cli, nsmc_rows, monkeypatch):
    """A 150,000-line file printed nothing until every text was predicted (minutes of silence on stdout, and every
    answer held in memory); the answers are the same, in the same order, blank lines in their place."""
    from seqlab.render import console as rendering
    from seqlab.training import predictors

    data = tmp_path / "train.tsv"
    data.write_text("id\tdocument\tlabel\n" + "\n".join("\t".join(r) for r in nsmc_rows[:200]) + "\n",
                    encoding="utf-8")
    assert cli("train", "--data", str(data), "--out", str(tmp_path / "run"), "--model", "tfidf")[0] == 0
    texts = [r[1] for r in nsmc_rows[200:225]]
    texts[7] = ""
    file = tmp_path / "texts.txt"
    file.write_text("\n".join(texts) + "\n", encoding="utf-8")
    whole = [json.loads(x) for x in cli("predict", str(tmp_path / "run"), "-f", str(file), "--json")[1].splitlines()]

    events = []
    real_predict, real_print = predictors.predict_texts, rendering.print_json
    monkeypatch.setattr(predictors, "PREDICT_BLOCK", 10)
    monkeypatch.setattr(predictors, "predict_texts", lambda *a, **k: (events.append("predict"), real_predict(*a, **k))[1])
    monkeypatch.setattr(rendering, "print_json", lambda r, **k: (events.append("print"), real_print(r, **k))[1])
    code, out, _err = cli("predict", str(tmp_path / "run"), "-f", str(file), "--json")
    streamed = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and streamed == whole and len(streamed) == 25 and streamed[7] == {"text": "", "skipped": "empty line"}
    assert events == ["predict", *["print"] * 10] * 2 + ["predict", *["print"] * 5], events


def test_predict_checks_its_run_folder_when_every_line_is_blank(tmp_path, cli):
    """With blank lines only, no text reached predict_texts, so a missing folder was never said (a diff review)."""
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n", encoding="utf-8")
    code, _out, err = cli("--lang", "en", "predict", str(tmp_path / "nosuchrun"), "-f", str(blank))
    assert code == 1 and "nosuchrun does not exist" in err, err
