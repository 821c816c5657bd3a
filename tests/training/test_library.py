"""The training library called directly (not through the CLI): train_models, vocabularies, run directories, Seq2Seq."""

import contextlib
import json
import logging
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from seqlab.errors import InputError, UsageError
from seqlab.ids.vocab import Vocabulary
from seqlab.training.rundir import RunDir
from seqlab.training.runs import TRAINERS, RunSummary, TrainOptions, parse_models, train_models
from tests.training.conftest import FAST, LINEAR

DATA_ROWS = 600  # the first 600 reviews: every training here takes seconds


def test_train_models_returns_one_summary_per_model(tmp_path, data):
    runs = train_models("tfidf,lstm", TrainOptions(data=data, **FAST), tmp_path / "cmp")
    assert [r.name for r in runs] == ["tfidf", "lstm"] and all(isinstance(r, RunSummary) for r in runs)
    for run in runs:
        assert run.out == tmp_path / "cmp" / run.name and run.disk_mb > 0
        assert run.to_dict()["val"]["n"] == 60 and run.data["train"] == 540 and run.data["val"] == 60
        assert RunDir(run.out).config["model"] == run.name
        assert json.loads((run.out / "metrics.json").read_text())["val"] == run.summary["val"]
    assert runs[1].history and "history" not in runs[1].to_dict()


def test_a_resumed_word2vec_run_reports_what_its_vectors_covered(tmp_path, data):
    """A resume skips word2vec (its checkpoint holds the embedding), and then reported 0 rows initialized and the
    resume's own seconds: embedding.json keeps what the first process's word2vec covered and took."""
    opts = TrainOptions(data=data, **{**FAST, "embedding": "word2vec"}, checkpoint_every=5)
    first = train_models("lstm", opts, tmp_path / "run")[0].summary
    record = json.loads((tmp_path / "run" / "embedding.json").read_text(encoding="utf-8"))
    assert first["embedding_rows_initialized"] == record["rows_initialized"] > 0 and record["threads"] == 1
    (tmp_path / "run" / "metrics.json").unlink()  # stopped after its last checkpoint, before the end
    (tmp_path / "run" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    again = train_models("lstm", TrainOptions(data=data, **{**FAST, "embedding": "word2vec"}, checkpoint_every=5,
                                              resume=True), tmp_path / "run")[0].summary
    assert again["embedding_rows_initialized"] == first["embedding_rows_initialized"]
    assert again["embedding_seconds"] == first["embedding_seconds"]


def test_two_fresh_runs_with_one_seed_give_the_same_model(tmp_path, data):
    """The default word2vec start was trained on two gensim threads, whose order varies, so two runs with one --seed
    ended with different weights: it is now trained on one, and a run repeats bit for bit."""
    opts = TrainOptions(data=data, **{**FAST, "embedding": "word2vec"})
    first, second = (train_models("lstm", opts, tmp_path / name)[0] for name in ("a", "b"))
    for name in ("model.safetensors", "val_probabilities.safetensors"):
        assert (first.out / name).read_bytes() == (second.out / name).read_bytes()


def test_a_resume_keeps_the_checkpoints_settings_where_no_option_is_given(tmp_path, data):
    """lstm's default epochs went from 3 to 4: a run begun with the old default was refused on --resume ("made with
    epochs = 3, and this resume asks for 4"). Options not given now take the checkpoint's own values, said."""
    first = {**FAST, "epochs": 2}
    train_models("lstm", TrainOptions(data=data, **first, checkpoint_every=5), tmp_path / "run")
    (tmp_path / "run" / "metrics.json").unlink()  # stopped after its last checkpoint, before the end
    (tmp_path / "run" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    phases = []

    @contextlib.contextmanager
    def progress(name):
        yield None, phases.append

    again = train_models("lstm", TrainOptions(data=data, **{**first, "epochs": None}, checkpoint_every=5, resume=True),
                         tmp_path / "run", progress)[0].summary
    assert again["settings_from_checkpoint"] == {"epochs": 2}
    assert any("epochs = 2" in p for p in phases)
    (tmp_path / "run" / "metrics.json").unlink()
    (tmp_path / "run" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    with pytest.raises(UsageError, match="epochs"):  # an option given again must still match
        train_models("lstm", TrainOptions(data=data, **{**first, "epochs": 3}, resume=True), tmp_path / "run")


def test_a_resume_on_changed_data_is_refused_by_the_data_not_by_a_setting(tmp_path, data):
    """Rows removed from the data file: the resume failed with "made with vocab_size = 2658, and this resume asks
    for 2629", a setting the user never gave; a file changed otherwise resumed without a word."""
    first = {**FAST, "epochs": 2}
    train_models("lstm", TrainOptions(data=data, **first, checkpoint_every=5), tmp_path / "run")
    (tmp_path / "run" / "metrics.json").unlink()  # stopped after its last checkpoint, before the end
    (tmp_path / "run" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    lines = data.read_text(encoding="utf-8").splitlines()
    fewer = tmp_path / "fewer.tsv"
    fewer.write_text("\n".join(lines[:1] + lines[50:]) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="the data of this resume is not what the run in .* was trained on") as info:
        train_models("lstm", TrainOptions(data=fewer, **first, checkpoint_every=5, resume=True), tmp_path / "run")
    assert "vocab_size" not in str(info.value)


def test_a_resumed_run_records_the_same_history(tmp_path, data):
    """After a resume the running train loss and accuracy restarted at 0, so the first record after it covered
    only the steps of the new process: the checkpoint now carries them."""
    import contextlib

    class Stop(Exception):
        pass

    def stopping_at(step):
        @contextlib.contextmanager
        def progress(_name):
            def on_step(info):
                if info["step"] == step:
                    raise Stop

            yield on_step, None
        return progress

    small = tmp_path / "small.tsv"  # 270 training texts: one epoch of 9 steps, evaluated at its end
    small.write_text("\n".join(data.read_text(encoding="utf-8").splitlines()[:301]) + "\n", encoding="utf-8")
    opts = {**FAST, "checkpoint_every": 3}
    full = train_models("lstm", TrainOptions(data=small, **opts), tmp_path / "full")[0].summary["history"]
    with pytest.raises(Stop):  # between the checkpoints of steps 6 and 9, before the evaluation (step 9)
        train_models("lstm", TrainOptions(data=small, **opts), tmp_path / "part", progress=stopping_at(8))
    again = train_models("lstm", TrainOptions(data=small, **opts, resume=True), tmp_path / "part")[0].summary["history"]
    assert [{k: v for k, v in r.items() if k != "elapsed"} for r in again] == \
        [{k: v for k, v in r.items() if k != "elapsed"} for r in full]


def test_parse_models_names_every_trainer():
    assert parse_models("tfidf, lstm") == ["tfidf", "lstm"]
    with pytest.raises(InputError, match="unknown model 'bert'") as info:
        parse_models("bert")
    assert all(name in info.value.hint for name in TRAINERS)


def test_a_vocabulary_from_vocab_build_trains_a_model(tmp_path, data, cli):
    """`seqlab vocab build` writes the same Vocabulary that `seqlab train --vocab` reads."""
    vocab_path = tmp_path / "vocab.json"
    code, _, _ = cli("vocab", "build", "-f", str(data), "--text-col", "document", "--tokenizer", "char",
                     "--min-freq", "3", "--out", str(vocab_path))
    assert code == 0
    built = Vocabulary.load(vocab_path)
    runs = train_models("lstm", TrainOptions(data=data, vocab=vocab_path, **FAST), tmp_path / "run")
    saved = RunDir(runs[0].out).read_vocab()
    assert saved.tokens == built.tokens and saved.meta["tokenizer"] == "char"
    code, out, _ = cli("train", "--data", str(data), "--model", "lstm", "--out", str(tmp_path / "cli-run"),
                       "--vocab", str(vocab_path), "--tokenizer", "char", "--embedding", "random", "--embed-dim", "16",
                       "--hidden", "16", "--epochs", "1", "--json")
    assert code == 0 and json.loads(out)["model"] == "lstm"
    assert RunDir(tmp_path / "cli-run").read_vocab().tokens == built.tokens


def test_a_vocabulary_of_another_tokenizer_is_refused(tmp_path, data):
    vocab = Vocabulary.build([["가/JKS"]], meta={"tokenizer": "kiwi"})
    path = vocab.save(tmp_path / "kiwi.json")
    with pytest.raises(UsageError, match="built with the kiwi tokenizer"):
        train_models("lstm", TrainOptions(data=data, vocab=path, **FAST), tmp_path / "run")


def test_run_directory_round_trip_and_clear_errors(tmp_path):
    run = RunDir(tmp_path / "r")
    run.write_tensors({"w": np.arange(6, dtype=np.float32).reshape(2, 3)})
    run.write_json("config.json", {"task": "classify", "model": "x"})
    assert run.config["model"] == "x" and run.read_tensors(framework="np")["w"].tolist() == [[0, 1, 2], [3, 4, 5]]
    assert not list((tmp_path / "r").glob(".*.tmp"))  # atomic writes leave no temporary files
    with pytest.raises(InputError, match="not a seqlab run directory"):
        _ = RunDir(tmp_path).config
    (tmp_path / "r" / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(InputError, match="damaged"):
        run.read_tensors()


@pytest.fixture(scope="module")
def pairs(tmp_path_factory, data):
    from seqlab.training.spacing import write_spacing_pairs

    path = tmp_path_factory.mktemp("pairs") / "pairs.tsv"
    assert write_spacing_pairs(data, path, max_chars=30)["pairs"] > 100
    return path


def _seq2seq_cmd(pairs, out, extra=()):
    return [sys.executable, "-m", "seqlab", "train", "--task", "seq2seq", "--data", str(pairs), "--out", str(out),
            "--epochs", "2", "--hidden", "16", "--batch-size", "16", "--checkpoint-every", "5", *extra]


@pytest.mark.slow  # 30-60 s: a real kill -9 of a child run, then its resume (make test-all runs it)
def test_seq2seq_resume_after_kill_9_is_bit_exact(tmp_path, pairs):
    full = tmp_path / "full"
    done = subprocess.run(_seq2seq_cmd(pairs, full), capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    part = tmp_path / "part"
    proc = subprocess.Popen(_seq2seq_cmd(pairs, part), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and not (part / "state" / "state.json").exists():
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    step = json.loads((part / "state" / "state.json").read_text())["trainer"]["step"]
    assert 0 < step < json.loads((full / "metrics.json").read_text())["steps"]
    resumed = subprocess.run(_seq2seq_cmd(pairs, part, ["--resume"]), capture_output=True, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()[-2000:]
    total = json.loads((full / "metrics.json").read_text())["steps"]
    assert f"resuming at step {step:,} of {total:,}" in resumed.stderr.decode()  # where it went on from, said
    a, b = (RunDir(d).read_tensors(framework="np") for d in (full, part))
    assert a.keys() == b.keys() and all(a[k].tobytes() == b[k].tobytes() for k in a)  # bit for bit
    ma, mb = (json.loads((d / "metrics.json").read_text()) for d in (full, part))
    assert ma["scores"] == mb["scores"] and ma["history"] == mb["history"]


def test_a_seq2seq_resume_with_other_settings_is_refused_and_warmup_0_trains(tmp_path, pairs, caplog):
    """The library's Seq2Seq resume took another --lr or loss in silence (the classifiers' refuse it), and
    warmup=0 raised ZeroDivisionError."""
    from seqlab.training.seq2seq import Seq2SeqConfig, train_seq2seq

    cfg = Seq2SeqConfig(epochs=1, hidden=8, embed=8, batch_size=32, warmup=0, max_pairs=64, val_pairs=8,
                        checkpoint_every=1, device="cpu")
    train_seq2seq(pairs, tmp_path / "run", cfg)
    (tmp_path / "run" / "config.json").unlink(missing_ok=True)
    with pytest.raises(UsageError, match="lr = 0.003, and this resume asks for 0.01"):
        train_seq2seq(pairs, tmp_path / "run", Seq2SeqConfig(**{**cfg.to_dict(), "lr": 0.01}), resume=True)
    with caplog.at_level(logging.INFO, logger="seqlab"):
        train_seq2seq(pairs, tmp_path / "run", Seq2SeqConfig(**{**cfg.to_dict(), "threads": 2}), resume=True)  # free
    # a resume of a run whose training had finished said nothing, and printed the same table again
    assert any(r.getMessage().startswith("training had finished") for r in caplog.records)
    # a changed pairs file is refused, as a classifier's data is (it resumed in silence)
    (tmp_path / "run" / "config.json").unlink(missing_ok=True)
    lines = pairs.read_text(encoding="utf-8").splitlines()
    other = tmp_path / "other.tsv"
    other.write_text("\n".join(lines[:1] + lines[20:]) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="the data of this resume is not what the run in .* was trained on"):
        train_seq2seq(other, tmp_path / "run", cfg, resume=True)


def test_seq2seq_progress_reports_no_accuracy(tmp_path, pairs):
    from seqlab.training.seq2seq import seq2seq_config, train_seq2seq

    seen = []
    train_seq2seq(pairs, tmp_path / "s", seq2seq_config(epochs=1, hidden=8, batch_size=64), on_step=seen.append)
    assert seen and all("accuracy" not in s and {"step", "total", "loss"} <= set(s) for s in seen)


def test_seq2seq_constrained_loss_equals_the_two_logits_of_the_full_layer():
    """The constrained loss computes two logits per step alone; they are those of the whole output layer."""
    import torch

    from seqlab.training.seq2seq import Seq2SeqConfig, _tensors, build_model, char_vocab, make_example, seq2seq_loss

    pairs = [("오늘날씨좋다", "오늘 날씨 좋다"), ("영화재밌다", "영화 재밌다"), ("정말최고", "정말 최고")]
    vocab = char_vocab([t for _s, t in pairs])
    for attention in ("monotonic", "additive"):
        torch.manual_seed(0)
        model = build_model(Seq2SeqConfig(attention=attention, embed=8, hidden=8), len(vocab))
        src, prev, pos, gold = _tensors([make_example(vocab, *pairs[0])], "cpu")
        features = model(src, prev, pos.clamp(max=src.shape[1] - 1))
        space = vocab.stoi[" "]
        ours = seq2seq_loss(model.out, features, src, prev, pos, gold, space, "constrained")
        logits = model.out(features)[0]  # (T, V)
        terms = []
        for j in range(gold.shape[1]):
            p = int(pos[0, j])
            if 0 < p < src.shape[1] and int(prev[0, j]) != space:
                pair = torch.stack([logits[j, space], logits[j, src[0, p]]])
                terms.append(-torch.log_softmax(pair, 0)[int(gold[0, j] != space)])
        torch.testing.assert_close(ours, torch.stack(terms).mean())


def test_seq2seq_teacher_forcing_positions_follow_the_target():
    from seqlab.training.seq2seq import EOS, char_vocab, make_example

    vocab = char_vocab(["오늘 날씨"])
    ex = make_example(vocab, "오늘날씨", "오늘 날씨")
    assert ex.pos == [0, 1, 2, 2, 3, 4]  # p_j: the source position of the next character to copy
    assert ex.gold[-1] == EOS and vocab.decode(ex.gold[:-1]) == list("오늘 날씨")
    assert ex.prev[1:] == ex.gold[:-1]


def test_spacing_scores_aligned_and_cer():
    from seqlab.training.spacing import spacing_scores

    gold = "영화보고 비난 잘 안하는데ㅠㅠ 영 별로네요 ㅎ"
    pred = "영화 보고 비난 잘 안하는데 ㅠㅠ 영 별로네요 ㅎ"  # two spacing errors
    s = spacing_scores([pred], [gold])
    assert round(s["char_accuracy"], 2) == 0.12  # position by position, shifted after the first error
    assert round(s["aligned_char_accuracy"], 3) == round(17 / 19, 3) and round(s["cer"], 2) == 0.08
    assert spacing_scores([gold], [gold])["aligned_char_accuracy"] == 1.0


def test_an_output_of_other_characters_scores_no_boundary():
    """Boundary accuracy credited an output whose characters differ from the target (an unconstrained decoder)
    with every position where the target has no space: 0.6 for a line that shares no letter with it."""
    from seqlab.training.spacing import spacing_scores

    s = spacing_scores(["완전히 다른 글자다"], ["영화 보고 왔다"])
    assert s["boundary_accuracy"] == 0.0 and s["aligned_char_accuracy"] == 0.0 and s["boundary_f1"] == 0.0
    # a line that keeps the characters is scored on its decisions: 4 of its 5 boundaries right
    s = spacing_scores(["영화 보고왔다", "완전히 다른"], ["영화 보고 왔다", "영화보고"])
    assert s["boundary_accuracy"] == 4 / (5 + 3)  # the second line's 3 boundaries all count as wrong


def test_pairs_that_are_no_spacing_examples_are_skipped_by_reason(tmp_path):
    """'고마워' -> '감사합니다 요' was trained on (positions past the source, clamped), and '좋아  요' too."""
    from seqlab.training.spacing import read_pairs, skipped_text

    path = tmp_path / "pairs.tsv"
    path.write_text("오늘날씨\t오늘 날씨\n고마워\t감사합니다 요\n좋아요\t좋아  요\n좋아요\t좋아요 \n한줄\n"
                    + "가" * 70 + "\t" + "가" * 70 + "\n", encoding="utf-8")
    pairs, skipped = read_pairs(path, 60)
    assert pairs == [("오늘날씨", "오늘 날씨")]
    assert skipped == {"invalid_utf8": 0, "malformed": 1, "too_long": 1, "not_spacing": 1, "extra_spaces": 2}
    assert skipped_text(skipped, 60) == ("not source<TAB>target with both sides non-empty: 1 line, longer than "
                                         "60 characters: 1 line, target not the source with spaces put in: 1 line, "
                                         "target with two spaces in a row, or one at an end: 2 lines")
    # which lines, by reason: train --task seq2seq gave counts only, where spacing-pairs names its lines
    lines: dict = {}
    read_pairs(path, 60, lines)
    assert lines == {"not_spacing": [2], "extra_spaces": [3, 4], "malformed": [5], "too_long": [6]}
    assert skipped_text(skipped, 60, lines).endswith("target with two spaces in a row, or one at an end: 2 lines "
                                                     "(lines 3, 4)")


def test_a_pairs_line_that_is_not_utf8_is_skipped_and_counted_as_in_classifier_data(tmp_path):
    """One bad line stopped `train --task seq2seq` ("line 41 is not valid UTF-8"), with no --errors to get past
    it, where the README says bad rows of training data are counted and reported, never fatal."""
    import pytest

    from seqlab.errors import InputError
    from seqlab.training.spacing import read_pairs, skipped_text

    path = tmp_path / "pairs.tsv"
    good = "오늘날씨\t오늘 날씨\n".encode() * 150
    path.write_bytes(good + "좋아요\t좋아 요\n".encode("cp949") + good)
    pairs, skipped = read_pairs(path, 60)
    assert len(pairs) == 300 and skipped["invalid_utf8"] == 1
    assert skipped_text(skipped, 60) == "not valid UTF-8: 1 line"
    path.write_bytes("좋아요\t좋아 요\n".encode("cp949") * 20)  # a file in another encoding: refused, with iconv
    with pytest.raises(InputError, match="is not UTF-8: 20 of its 20 lines") as refused:
        read_pairs(path, 60)
    assert "iconv" in refused.value.hint
    path.write_bytes("좋아요\t좋아 요\n".encode("cp949"))  # one line of it: the encoding, not "no usable pairs"
    with pytest.raises(InputError, match="is not UTF-8: 1 of its 1 lines"):
        read_pairs(path, 60)


def test_a_resume_with_other_settings_says_so(tmp_path):
    """--resume with another --hidden (or other data: another vocabulary) ended in torch's "size mismatch" traceback."""
    import torch

    from seqlab.errors import InputError
    from seqlab.training.checkpoint import load_state, save_state

    first = torch.nn.LSTM(4, 8)
    save_state(tmp_path, first, torch.optim.Adam(first.parameters()), {"state": {}})
    other = torch.nn.LSTM(4, 16)
    with pytest.raises(InputError, match="other settings or data: bias_hh_l0 is \\[32\\] there, \\[64\\] now"):
        load_state(tmp_path, other, torch.optim.Adam(other.parameters()))
    same = torch.nn.LSTM(4, 8)
    load_state(tmp_path, same, torch.optim.Adam(same.parameters()))
    assert torch.equal(same.weight_hh_l0, first.weight_hh_l0)


def test_a_resume_with_another_learning_rate_or_dropout_is_refused(tmp_path):
    """`--resume --dropout 0.6 --lr 0.05` ran on and rewrote config.json: two runs mixed into one."""
    from seqlab.training.loop import TrainConfig, check_same_settings, run_settings
    from seqlab.training.networks import RecurrentClassifier, RecurrentConfig

    net = RecurrentClassifier(RecurrentConfig(vocab_size=10, embed_dim=4, hidden=4))
    first = run_settings(net, TrainConfig())
    check_same_settings(tmp_path, first, run_settings(net, TrainConfig(device="cpu", threads=1)))  # where it runs: free
    with pytest.raises(UsageError, match="lr = 0.002, and this resume asks for 0.05"):
        check_same_settings(tmp_path, first, run_settings(net, TrainConfig(lr=0.05)))
    other = RecurrentClassifier(RecurrentConfig(vocab_size=10, embed_dim=4, hidden=4, dropout=0.6))
    with pytest.raises(UsageError, match="dropout = 0.3"):
        check_same_settings(tmp_path, first, run_settings(other, TrainConfig()))


def test_a_member_trained_again_changes_the_kept_predictors_stamp(tmp_path):
    """The kept predictor's stamp read the run folder's own files only: an ensemble member trained again in
    members/ was served from memory."""
    import os

    from seqlab.training.predictors import run_stamp

    member = tmp_path / "members" / "lstm" / "model.safetensors"
    member.parent.mkdir(parents=True)
    member.write_bytes(b"old")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    os.utime(member, ns=(1, 1))
    before = run_stamp(tmp_path)
    member.write_bytes(b"new")  # the same size: only its time tells
    os.utime(member, ns=(2, 2))
    assert run_stamp(tmp_path) != before


def test_train_models_checks_its_options_as_the_cli_does(tmp_path, data):
    """epochs=0 wrote a finished run of an untrained model (accuracy 0.5), and lr="0.01" failed inside torch."""
    for bad, said in [({"epochs": 0}, "epochs must be between 1 and 100, got 0"),
                      ({"lr": "0.01"}, "lr must be a number, got '0.01'"),
                      ({"hidden": 2.5}, "hidden must be a whole number, got 2.5"),
                      ({"threads": 0}, "threads must be between 1 and 1,024, got 0")]:
        with pytest.raises(InputError, match=said):
            train_models("lstm", TrainOptions(data=data, **{**FAST, **bad}), tmp_path / "bad")
        assert not (tmp_path / "bad").exists()
    # a model's own narrower range: e5-small reads 512 pieces (max_length 1000 failed inside torch)
    with pytest.raises(InputError, match=r"max_length \(e5-tune\) must be between 8 and 512, got 1,000"):
        train_models("e5-tune", TrainOptions(data=data, max_length=1000), tmp_path / "bad")


def test_train_models_never_replaces_a_run_silently(tmp_path, data):
    """A second call with the same out replaced the finished model with no word (the CLI refuses the folder)."""
    from seqlab.training.predictors import predict_texts

    opts = TrainOptions(data=data, **LINEAR)
    train_models("tfidf", opts, tmp_path / "run")
    before = (tmp_path / "run" / "metrics.json").read_bytes()
    with pytest.raises(InputError, match="holds a run already"):
        train_models("tfidf", opts, tmp_path / "run")
    assert (tmp_path / "run" / "metrics.json").read_bytes() == before
    kept = train_models("tfidf", TrainOptions(data=data, **LINEAR, resume=True), tmp_path / "run")  # kept, not trained
    assert (tmp_path / "run" / "metrics.json").read_bytes() == before and kept[0].summary
    # one text in, one record out, for the whole text (it was zipped over the string's characters: text '최')
    one = predict_texts(tmp_path / "run", "최악이다 정말")
    assert isinstance(one, dict) and one["text"] == "최악이다 정말"
    assert [r["text"] for r in predict_texts(tmp_path / "run", ["최악이다", "좋다"])] == ["최악이다", "좋다"]
    for bad in ([None], None, 5):  # named as Python names the type: "is NoneType", "not int"
        with pytest.raises(InputError, match="not a string|not NoneType|not int"):
            predict_texts(tmp_path / "run", bad)


def test_train_models_never_replaces_a_stopped_run_silently(tmp_path, data):
    """A run stopped after a checkpoint is continued with resume=True, not started over in its folder."""
    train_models("lstm", TrainOptions(data=data, **FAST, checkpoint_every=5), tmp_path / "run")
    (tmp_path / "run" / "metrics.json").unlink()  # stopped after its last checkpoint, before the end
    (tmp_path / "run" / "config.json").write_text('{"partial": true}', encoding="utf-8")
    with pytest.raises(InputError, match="holds a run already"):
        train_models("lstm", TrainOptions(data=data, **FAST, checkpoint_every=5), tmp_path / "run")
    assert train_models("lstm", TrainOptions(data=data, **FAST, checkpoint_every=5, resume=True), tmp_path / "run")


def test_a_device_that_is_not_there_is_refused_before_any_work(tmp_path, data):
    """train_models("lstm", TrainOptions(device="cuda")) on a machine without a GPU failed only after reading the
    data, splitting it and training word2vec, and left embedding.json in the run folder (a practitioner's review)."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: cuda is a device that is there")
    with pytest.raises(InputError, match="no CUDA GPU"):
        train_models("lstm", TrainOptions(data=data, device="cuda"), tmp_path / "run")
    assert not (tmp_path / "run").exists()  # refused before the run folder, the split or word2vec
    with pytest.raises(InputError, match="device must be one of auto, cpu, cuda, got 'tpu'"):
        train_models("tfidf", TrainOptions(data=data, device="tpu"), tmp_path / "run")
