"""The CLI, twelfth round: conventions one command broke (each test failed before its fix)."""

import json


def test_spacing_pairs_takes_its_file_with_f_as_every_other_command(cli, tmp_path, nsmc_rows):
    """`data spacing-pairs -f FILE` said "no such option: -f", while -f is the file read everywhere else."""
    source = tmp_path / "in.tsv"
    source.write_text("id\tdocument\tlabel\n" + "".join("\t".join(row) + "\n" for row in nsmc_rows[:50]),
                      encoding="utf-8")
    code, _out, err = cli("data", "spacing-pairs", "-f", str(source), "--out", str(tmp_path / "a.tsv"), "--lang", "en")
    assert code == 0 and (tmp_path / "a.tsv").read_text(encoding="utf-8"), err
    code, _out, _err = cli("data", "spacing-pairs", str(source), "--out", str(tmp_path / "b.tsv"), "--lang", "en")
    assert code == 0 and (tmp_path / "a.tsv").read_bytes() == (tmp_path / "b.tsv").read_bytes()
    code, _out, err = cli("data", "spacing-pairs", str(source), "-f", str(source), "--out", str(tmp_path / "c.tsv"),
                          "--lang", "en")
    assert code == 2 and "give the texts once" in err and not (tmp_path / "c.tsv").exists()
    code, _out, err = cli("data", "spacing-pairs", "--out", str(tmp_path / "c.tsv"), "--lang", "en")
    assert code == 2 and "no texts given" in err


def test_a_lone_final_consonant_keeps_the_neighbours_table_aligned():
    """Kiwi's ending ᆫ (U+11AB) alone: rich counts it 0 columns, so its row had one pad space more than the others."""
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from seqlab.render.words import neighbors_table
    from seqlab.vectors.word_results import Neighbor

    buffer = io.StringIO()
    Console(file=buffer, width=60, color_system=None).print(neighbors_table("영화", [Neighbor("\u11ab", 0.9976),
                                                                                     Neighbor("배우", 0.9)]))
    rows = [line for line in buffer.getvalue().splitlines() if "0.9" in line]
    assert "ㄴ" in rows[0] and len({cell_len(line) for line in rows}) == 1, rows  # every row as wide


def test_vocab_build_takes_m_for_its_model_and_embed_names_its_layers_apart(cli, tmp_path):
    """`vocab build -m char` said "no such option: -m" (-m is the model everywhere else); embed's --layers (a flag)
    and train's --layers (a count) shared a name with nothing to tell them apart."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("좋은 영화\n나쁜 영화\n", encoding="utf-8")
    code, _out, err = cli("vocab", "build", "-f", str(corpus), "-m", "char", "--out", str(tmp_path / "v.json"),
                          "--min-freq", "1", "--lang", "en")
    assert code == 0 and (tmp_path / "v.json").exists(), err
    assert json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))  # a vocabulary file
    help_text = " ".join(cli("embed", "--help", "--lang", "en")[1].split())
    assert "--all-layers" in help_text and "train's --layers is a count of stacked layers" in help_text


def test_a_typed_letter_finds_kiwis_conjoining_ending(cli):
    """`neighbors ㄴ` said unknown: Kiwi stores the ending of 예쁜 as ᆫ (U+11AB), which no keyboard types."""
    import numpy as np

    from seqlab.vectors.wordvectors import WordVectors

    vectors = WordVectors(["\u11ab", "영화", "배우"], np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32), "test")
    result = vectors.neighbors("ㄴ", 2)
    assert result.word == "\u11ab" and result.in_vocabulary and [n.word for n in result.results] == ["영화", "배우"]
    assert vectors.solve("ㄴ - 배우 + 영화", 1).oov == []  # found in an analogy too


def test_the_neighbours_title_shows_the_ending_as_the_letter_typed(cli, tmp_path):
    """`neighbors ㄴ` found ᆫ but titled the table with the conjoining jamo, which terminals draw apart or not at all."""
    path = tmp_path / "v.txt"
    path.write_text("3 2\n\u11ab 1 0\n영화 0.9 0.1\n배우 0 1\n", encoding="utf-8")
    code, out, err = cli("neighbors", "ㄴ", "--vectors", str(path), "-k", "2", "--lang", "en")
    assert code == 0 and "neighbours of 'ㄴ'" in out and "\u11ab" not in out, (out, err)
