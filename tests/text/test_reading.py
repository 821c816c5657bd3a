import pytest

from seqlab.errors import InputError
from seqlab.text.reading import iter_lines, read_lines
from seqlab.text.tables import iter_texts


def test_reads_lines_strips_endings_and_bom(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("\ufeff첫 줄\r\n둘째 줄\n\n셋째".encode())
    assert read_lines(p) == ["첫 줄", "둘째 줄", "", "셋째"]


def test_invalid_utf8_names_line_and_byte_offset(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes("좋아요\n".encode() + b"ab\xffcd\n")
    with pytest.raises(InputError) as info:
        read_lines(p)
    msg = str(info.value)
    assert "line 2" in msg and "byte offset 12" in msg and "0xFF" in msg and 'errors="replace"' in msg
    assert "--errors replace" in info.value.cli_hint


def test_invalid_utf8_replaced_on_request(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_bytes(b"ab\xffcd\n")
    assert read_lines(p, errors="replace") == ["ab\ufffdcd"]


def test_surrogate_bytes_from_cesu_are_invalid_utf8(tmp_path):
    p = tmp_path / "sur.txt"
    p.write_bytes(b"x\xed\xa0\xbdy\n")  # an encoded lone surrogate U+D83D
    with pytest.raises(InputError, match="line 1"):
        read_lines(p)
    assert read_lines(p, errors="replace")[0].startswith("x\ufffd")


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n....", b"text\x00with nul", b"PK\x03\x04zip"])
def test_binary_files_are_refused(tmp_path, content):
    p = tmp_path / "blob.bin"
    p.write_bytes(content)
    with pytest.raises(InputError, match="binary"):
        read_lines(p)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_lines(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder, not a text file"):
        read_lines(tmp_path)


def test_line_numbers_and_tsv_column(tmp_path):
    p = tmp_path / "d.tsv"
    p.write_text("id\tdocument\tlabel\n1\t재밌다\t1\n2\t별로\t0\nbroken\n", encoding="utf-8")
    assert list(iter_texts(p, text_col="document")) == [(2, "재밌다"), (3, "별로")]
    assert [n for n, _ in iter_lines(p)] == [1, 2, 3, 4]
    with pytest.raises(InputError, match="no column"):
        list(iter_texts(p, text_col="text"))


def test_utf16_text_is_named_with_the_command_that_converts_it(tmp_path, monkeypatch):
    """A file saved as Windows' "Unicode text" (UTF-16) was "a binary file", with no hint (train gave none at all);
    on standard input, its byte-order mark got "iconv -f CP949"."""
    import io
    import sys

    from seqlab.text.reading import check_text_file, iter_lines, wide_encoding
    from seqlab.training.data import load_dataset

    with_bom, without = tmp_path / "a.txt", tmp_path / "b.tsv"
    with_bom.write_bytes("영화가 좋다\n별로다\n".encode("utf-16"))
    without.write_bytes("id\tdocument\tlabel\n1\t정말 좋다\t1\n".encode("utf-16-le"))
    assert wide_encoding(with_bom.read_bytes()) == "UTF-16" and wide_encoding(without.read_bytes()) == "UTF-16LE"
    assert wide_encoding("정말 좋다\n".encode("utf-16-be")) == "UTF-16BE"  # iconv needs the byte order said
    assert wide_encoding("abc".encode("utf-32")) == "UTF-32" and wide_encoding(b"\x89PNG\r\n\x1a\n\x00\x00") is None
    # binary files with many NULs are not text: an array of small numbers, compiled Python
    import marshal

    import numpy as np

    array = io.BytesIO()
    np.save(array, np.arange(300, dtype=np.uint16))
    code = b"\xa7\r\r\n" + b"\x00" * 12 + marshal.dumps(compile("x = [i * 2 for i in range(10)]\n" * 20, "m", "exec"))
    assert wide_encoding(array.getvalue()) is None and wide_encoding(code) is None
    for path, read, encoding in [(with_bom, check_text_file, "UTF-16"), (with_bom, lambda p: list(iter_lines(p)), "UTF-16"),
                                 (without, lambda p: load_dataset(p), "UTF-16LE")]:
        with pytest.raises(InputError, match=f"is {encoding} text, not UTF-8") as err:
            read(path)
        assert f"iconv -f {encoding} -t UTF-8 {path}" in str(err.value)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO("좋다\n".encode("utf-16")))))
    with pytest.raises(InputError, match="standard input is UTF-16 text") as err:
        list(iter_lines("-"))
    assert "iconv -f UTF-16 -t UTF-8 FILE" in str(err.value) and "CP949" not in str(err.value)


def test_a_csv_field_across_lines_keeps_its_line_break_and_rows_are_numbered_by_file_line(tmp_path):
    """"여러 줄⏎리뷰 영화" was read as "여러 줄리뷰 영화" (two words glued), and the row after it was called line 4
    where the file has it on line 5 (row numbers shown as line numbers)."""
    p = tmp_path / "c.csv"
    p.write_text('id,text,label\n1,"좋은 영화, 정말 최고",1\n2,"여러 줄\n리뷰 영화",0\n3,그냥 그래,0\n', encoding="utf-8")
    assert list(iter_texts(p, text_col="text")) == [(2, "좋은 영화, 정말 최고"), (3, "여러 줄\n리뷰 영화"), (5, "그냥 그래")]
    tsv = tmp_path / "t.tsv"
    tsv.write_text("id\ttext\n1\ta\n\n2\tb\n", encoding="utf-8")  # a blank line keeps the numbering
    assert list(iter_texts(tsv, text_col="text")) == [(2, "a"), (4, "b")]


def test_a_csv_table_is_refused_even_when_a_quoted_field_spans_lines(tmp_path):
    """A .csv with a header and a two-line quoted review at its fifth line was read as plain lines (the header and
    ",0,5231252" became texts): the first five lines ended inside that row, which looked one field wide."""
    table = tmp_path / "r.csv"
    # the fifth line opens a quoted field that the sixth closes: the first five lines end inside a row
    table.write_text('review,sentiment,id\n"좋은 영화",1,5\n"별로",0,6\n"최고",1,7\n"여러 줄\n리뷰",0,8\n',
                     encoding="utf-8")
    with pytest.raises(InputError, match="looks like a table: its first lines all have 3 comma-separated fields") as info:
        list(iter_texts(table))
    assert "text_col='review'" in info.value.hint


def test_standard_input_is_read_as_a_file_is(monkeypatch):
    """NSMC piped in was read whole (ids and labels in every text, the header a text), and a table piped in was not
    refused: standard input was never looked at."""
    import io
    import sys

    nsmc = "id\tdocument\tlabel\n9\t좋은 영화\t1\n10\t별로\t0\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(nsmc.encode("utf-8")), encoding="utf-8"))
    assert list(iter_texts("-")) == [(2, "좋은 영화"), (3, "별로")]
    nsmc_blank = "id\tdocument\tlabel\n9\t좋은 영화\t1\n\n10\t별로\t0\n"  # a blank row skipped, as from a file
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(nsmc_blank.encode("utf-8")), encoding="utf-8"))
    assert list(iter_texts("-")) == [(2, "좋은 영화"), (4, "별로")]
    table = "a\tb\tc\n1\t2\t3\n4\t5\t6\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(table.encode("utf-8")), encoding="utf-8"))
    with pytest.raises(InputError, match="standard input looks like a table"):
        list(iter_texts("-"))
    plain = "가\n\n나\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(plain.encode("utf-8")), encoding="utf-8"))
    assert list(iter_texts("-")) == [(1, "가"), (2, ""), (3, "나")]


def test_json_lines_are_read_by_their_text_key_as_train_reads_them(tmp_path):
    """predict, vocab build, tokenize … read a .jsonl file as lines: "has no column 'text'; its header is
    ['{"text": …']", where train and evaluate read its keys."""
    data = tmp_path / "r.jsonl"
    data.write_text('{"text": "좋은 영화", "label": 1}\n\n{"label": 0}\n{"text": "별로", "label": 0}\n', encoding="utf-8")
    assert list(iter_texts(data, "text")) == [(1, "좋은 영화"), (4, "별로")]
    with pytest.raises(InputError, match=r"holds JSON objects; its first one's keys are \['text', 'label'\]"):
        list(iter_texts(data))
    with pytest.raises(InputError, match="no object of .* has a text under the key 'review'"):
        list(iter_texts(data, "review"))
    # as train reads them: a line that is no object with a text there is skipped and said (a file cut mid-record
    # was refused whole; a first object with "text": null was told to give the key it gave)
    (tmp_path / "bad.jsonl").write_text('{"text": null}\n{"text": "a"}\n{oops\n', encoding="utf-8")
    assert list(iter_texts(tmp_path / "bad.jsonl", "text")) == [(2, "a")]
    from seqlab.text.tables import refuse_table

    with pytest.raises(InputError, match="holds JSON objects"):  # read whole (no text_col), each line's JSON a text
        refuse_table(data)


def test_a_jsonl_file_without_one_object_is_said_to_be_so(tmp_path):
    """A text file named .jsonl gave no text and a note about skipped lines, then "holds no text" further on."""
    data = tmp_path / "plain.jsonl"
    data.write_text("좋은 영화\n별로\n", encoding="utf-8")
    with pytest.raises(InputError, match="no line of .*plain.jsonl is a JSON object"):
        list(iter_texts(data, "text"))
    from seqlab.text.tables import refuse_table

    with pytest.raises(InputError, match="no line of .*plain.jsonl is a JSON object"):
        refuse_table(data)


def test_a_column_asked_of_a_file_of_plain_lines_says_it_is_not_a_table(tmp_path, cli):
    """--text-col on one text per line said "has no column 'document'; its header is ['사람의 호기심을 …']": the
    first review taken for a header. train said the same of a file without labels."""
    plain = tmp_path / "reviews.txt"
    plain.write_text("사람의 호기심을 유발 시키는데 성공한 영화\n좋다\n", encoding="utf-8")
    code, _out, err = cli("vocab", "build", "-f", str(plain), "-o", str(tmp_path / "v.json"), "--text-col", "document",
                          "--lang", "en")
    said = " ".join(err.split())
    assert code == 1 and "is not a table: its first line has no tab" in said and "Leave --text-col out" in said
    code, _out, err = cli("train", "-f", str(plain), "-o", str(tmp_path / "run"), "--lang", "en")
    said = " ".join(err.split())
    assert code == 1 and "is not a table" in said and "columns 'document' and 'label'" in said
