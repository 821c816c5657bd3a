"""The CLI, twelfth round: conventions one command broke (each test failed before its fix)."""


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
