import pytest

from seqlab.errors import InputError
from seqlab.text.reading import iter_lines, iter_texts, read_lines


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
    assert "line 2" in msg and "byte offset 12" in msg and "0xFF" in msg and "--errors replace" in msg


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
