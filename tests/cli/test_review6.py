"""The CLI, sixth round: defects a new user found trying every command (silent cuts, exit codes, JSON Lines).

Each test names the defects it guards against; each failed before its fix.
"""

import json

LONG = "영화가 정말 재미있었어요 " * 200  # about 1,000 tokens: past e5-small's 512


def test_similarity_and_search_say_what_they_did_not_read(cli, tmp_path):
    """similarity and search cut a long query (and search's index a long line) at the model's window in silence;
    embed said it."""
    code, out, err = cli("similarity", LONG, "영화", "--json")
    rec = json.loads(out)
    assert code == 0 and rec["max_length"] == 512 and rec["dropped"][0] > 400 and rec["dropped"][1] == 0
    assert "the first sentence is longer than e5-small reads (512 tokens)" in " ".join(err.split())
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(LONG + "\n좋은 영화\n나쁜 영화\n", encoding="utf-8")
    code, out, err = cli("search", LONG, "--corpus", str(corpus), "-k", "2", "--json")
    result, err = json.loads(out), " ".join(err.split())
    assert code == 0 and result["truncated_lines"] == 1 and result["query_dropped"] > 400
    assert "1 line of corpus.txt is longer than the model reads" in err and "the query is longer" in err
    code, out, err = cli("embed", "-f", str(corpus), "--out", str(tmp_path / "vectors"), "--json")
    assert code == 0 and json.loads(out)["truncated_lines"] == 1
    assert "1 line of corpus.txt is longer than the model reads" in " ".join(err.split())
    manifest = json.loads((tmp_path / "vectors" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["truncated_lines"] == 1 and manifest["max_length"] == 512


def test_the_corpus_job_checks_its_out_like_every_command(cli, tmp_path):
    """embed -f F --out F, --out FOLDER-OF-OTHER-FILES and a resume with other settings exited 1 where train,
    vocab build and tokenizer train exit 2 (the README's table: usage); a path under a file failed only after
    the work had started."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("하나\n둘\n", encoding="utf-8")
    assert cli("embed", "-f", str(corpus), "--out", str(corpus))[0] == 2
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "mine.txt").write_text("x")
    code, _, err = cli("embed", "-f", str(corpus), "--out", str(tmp_path / "busy"))
    assert code == 2 and "not empty" in err
    code, _, err = cli("embed", "-f", str(corpus), "--out", str(corpus) + "/sub")
    assert code == 1 and "not a writable folder" in err and "manifest" not in err
    assert cli("embed", "-f", str(corpus), "--out", str(tmp_path / "v"))[0] == 0
    code, _, err = cli("embed", "-f", str(corpus), "--out", str(tmp_path / "v"), "--batch-size", "8")
    assert code == 2 and "other settings" in err


def test_explain_keeps_a_blank_line_in_its_json_lines(cli_process):
    """explain - --json dropped blank lines, so output line k no longer answered input line k (tokenize, embed and
    predict keep their place)."""
    proc = cli_process("explain", "-", "--json", "-m", "char", input="가\n\n나\n".encode())
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert proc.returncode == 0 and len(lines) == 3
    assert lines[1] == {"text": "", "skipped": "empty line"} and lines[2]["text"] == "나"


def test_lists_name_the_bad_item_and_runs_that_are_not_there_are_said_so(cli, tmp_path, reviews):
    """long-term --lengths a and --forget-bias TORCH got one message about both options; predict on a folder that
    does not exist said it "is not a directory"; tokenizer train made 199 tokens for --vocab-size 100 in silence."""
    code, _, err = cli("long-term", "--lengths", "100,a")
    assert code == 2 and "'a' is not one" in err and "--forget-bias" not in err
    code, _, err = cli("long-term", "--forget-bias", "1,torchy")  # (TORCH is torch: choices are taken in any case)
    assert code == 2 and "'torchy' is not one" in err
    code, _, err = cli("predict", str(tmp_path / "nonexist"), "좋다")
    assert code == 1 and "does not exist" in err
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(reviews[:300]) + "\n", encoding="utf-8")  # far more than 100 characters
    code, out, err = cli("tokenizer", "train", "-f", str(corpus), "--out", str(tmp_path / "tk"), "--vocab-size",
                         "100", "--json")
    size = json.loads(out)["vocab_size"]
    assert code == 0 and size > 100
    assert f"the tokenizer has {size:,} tokens, more than the 100 asked for" in " ".join(err.split())


def test_data_files_that_cannot_be_used_are_named_for_what_they_are(cli, tmp_path):
    """A one-line CP949 file was "empty"; a file of blank lines "has no column 'document'; its header is []"; a
    JSONL file without --text-col gave "200 bad rows: missing label" instead of naming the key."""
    cases = {"cp949.txt": "좋은 영화\t1\n".encode("cp949"), "blanks.txt": b"\n\n\n",
             "d.jsonl": '{"review": "좋다", "y": 1}\n{"review": "싫다", "y": 0}\n'.encode()}
    said = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        code, _, err = cli("train", "--data", str(tmp_path / name), "--model", "tfidf", "--out", str(tmp_path / name[:2]))
        assert code == 1, (name, err)
        said[name] = " ".join(err.split())
    assert "is not UTF-8" in said["cp949.txt"] and "CP949" in said["cp949.txt"]
    assert "has no text" in said["blanks.txt"] and "header is []" not in said["blanks.txt"]
    assert "has the key 'document'" in said["d.jsonl"] and "['review', 'y']" in said["d.jsonl"]


def test_a_csv_table_is_not_read_as_one_text_per_line(cli, tmp_path):
    """tokenize, vocab build and wordvec train read a .csv table as plain lines in silence: its header and labels
    became texts (a tab-separated table was already refused)."""
    table = tmp_path / "d.csv"
    table.write_text('review,y\n좋다,1\n"싫다, 정말",0\n', encoding="utf-8")
    code, _, err = cli("tokenize", "-f", str(table), "-m", "char")
    assert code == 1 and "2 comma-separated fields" in " ".join(err.split())
    prose = tmp_path / "d.txt"  # commas in ordinary text are text
    prose.write_text("좋다, 정말\n싫다, 정말\n", encoding="utf-8")
    assert cli("tokenize", "-f", str(prose), "-m", "char")[0] == 0


def test_a_plot_of_too_few_items_is_refused_before_any_vectors_load(cli, monkeypatch):
    """`plot 영화 --out x.png` in a fresh home built the word vectors (minutes) and then said three items are
    needed, without saying what to do."""
    from seqlab.vectors import wordvectors

    def never(*args, **kwargs):
        raise AssertionError("the word vectors were loaded")

    monkeypatch.setattr(wordvectors, "from_model", never)  # what plot's word vectors come through
    code, _out, err = cli("plot", "영화", "--out", "x.png", "--lang", "en")
    assert code == 1 and "at least 3 items; 1 was given" in err and "seqlab plot 왕 여왕 남자 여자" in err, err


def test_a_narrow_models_listing_keeps_each_line_under_its_model(cli, monkeypatch):
    """At 80 columns a wrapped description or source started at column 0, between two models' names."""
    monkeypatch.setenv("COLUMNS", "60")
    code, out, _err = cli("models", "--lang", "en")
    lines = out.splitlines()
    body = lines[1: next(i for i, line in enumerate(lines) if line.startswith("Any Hugging Face"))]
    names = {"e5-small (default)", "minilm", "kiwi", "char", "whitespace"}
    assert code == 0 and {line for line in body if not line.startswith("  ")} == names, out


def test_ranges_in_errors_are_written_as_the_help_writes_them(cli):
    """`--steps 9999999` said "between 1 and 100000, got 9999999", where the help says 100,000."""
    code, _out, err = cli("long-term", "--steps", "9999999", "--lang", "en")
    assert code == 2 and "between 1 and 100,000, got 9,999,999" in err, err


def test_a_cosine_of_two_unreadable_sentences_says_so(cli):
    """minilm read 좋다 and 나쁘다 both as [CLS] [UNK] [SEP]: cosine = 1.0000, and nothing said why."""
    code, out, err = cli("similarity", "좋다", "나쁘다", "-m", "minilm", "--json")
    record = json.loads(out)
    assert code == 0 and record["cosine"] > 0.9999 and record["same_tokens"] and record["unknown"] == [1, 1]
    assert "both sentences are the same tokens" in " ".join(err.split())
    code, out, err = cli("similarity", "좋은 영화", "나쁜 영화", "--json")
    assert code == 0 and not json.loads(out)["same_tokens"] and "same tokens" not in err
    # one text in two Unicode forms (NFC, NFD) is one text: its cosine 1 is the answer, not a warning
    import unicodedata

    code, out, err = cli("similarity", "한국어", unicodedata.normalize("NFD", "한국어"), "--json")
    assert code == 0 and not json.loads(out)["same_tokens"] and "same tokens" not in err


def test_a_long_trace_shows_fifty_steps_in_the_terminal_and_says_where_the_rest_is(cli):
    """A 2,502-token text printed 62,598 lines with no note; --contextual crashed past 512 tokens."""
    text = "영화가 정말 좋았다 " * 30
    code, out, _err = cli("trace", "rnn", text, "--hidden", "2")
    said = " ".join(out.split())
    tables = sum(line.startswith("t = ") and "token" in line for line in out.splitlines())
    assert code == 0 and tables == 50 and "steps not shown here (t = 49–" in said and "--json" in said
    code, out, _err = cli("trace", "rnn", text, "--hidden", "2", "--json")
    assert len(json.loads(out)["steps"]) > 50  # the JSON has every step
    code, out, _err = cli("trace", "rnn", "영화가 정말 좋았다 " * 200, "--hidden", "2", "--contextual", "--json")
    record = json.loads(out)
    assert code == 0 and len(record["steps"]) == record["max_length"] == 512 and record["dropped"] > 0
