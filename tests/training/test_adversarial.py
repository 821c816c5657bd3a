"""Adversarial training on the embeddings (Miyato et al. 2017): the perturbation, and what a training step does."""

import numpy as np
import torch

from seqlab.training.loop import adversarial_delta
from seqlab.training.networks import RecurrentClassifier, RecurrentConfig


def _batch():
    torch.manual_seed(0)
    net = RecurrentClassifier(RecurrentConfig(vocab_size=50, embed_dim=8, hidden=6, dropout=0.0))
    ids = torch.tensor([[5, 6, 7, 8], [9, 10, 0, 0]])
    lengths = torch.tensor([4, 2])
    return net, ids, lengths, torch.tensor([1, 0])


def test_the_perturbation_has_norm_epsilon_per_review_and_spares_the_padding():
    grad = torch.randn(2, 4, 8, dtype=torch.float64)
    delta = adversarial_delta(grad, torch.tensor([4, 2]), 0.3)
    assert torch.allclose(delta.flatten(1).norm(dim=1), torch.tensor([0.3, 0.3], dtype=torch.float64))
    assert torch.all(delta[1, 2:] == 0)  # padded steps are not part of the review
    cos = torch.nn.functional.cosine_similarity(delta[0].flatten(), grad[0].flatten(), dim=0)
    assert abs(float(cos) - 1) < 1e-12  # the gradient's own direction: the steepest ascent of the loss


def test_the_adversarial_direction_raises_the_loss_more_than_random_ones():
    net, ids, lengths, y = _batch()
    net.double()
    kept = []
    loss = torch.nn.functional.cross_entropy(net(ids, lengths, keep=kept), y)
    loss.backward()
    delta = adversarial_delta(kept[0].grad, lengths, 0.05)
    with torch.no_grad():
        worse = float(torch.nn.functional.cross_entropy(net(ids, lengths, delta=delta), y))
        rng = np.random.default_rng(0)
        randoms = []
        for _ in range(20):
            r = torch.from_numpy(rng.normal(size=delta.shape))
            randoms.append(float(torch.nn.functional.cross_entropy(
                net(ids, lengths, delta=adversarial_delta(r, lengths, 0.05)), y)))
    assert worse > loss.item() and worse > max(randoms)
    # to first order the rise is ε‖g‖ per review (the mean over the batch)
    g = kept[0].grad * (torch.arange(4)[None, :] < lengths[:, None])[..., None]
    assert abs((worse - loss.item()) - 0.05 * float(g.flatten(1).norm(dim=1).sum())) < 0.05 * 0.05 * 10


def test_a_step_with_adversarial_training_adds_the_perturbed_loss_gradient():
    """The loop's step: gradients of loss(x) + loss(x + r_adv), r_adv from the first pass, equal to autograd of the sum."""
    net, ids, lengths, y = _batch()
    kept = []
    loss = torch.nn.functional.cross_entropy(net(ids, lengths, keep=kept), y)
    loss.backward()
    delta = adversarial_delta(kept[0].grad, lengths, 0.3)
    torch.nn.functional.cross_entropy(net(ids, lengths, delta=delta), y).backward()
    two_pass = {n: p.grad.clone() for n, p in net.named_parameters()}
    net.zero_grad()
    total = (torch.nn.functional.cross_entropy(net(ids, lengths), y)
             + torch.nn.functional.cross_entropy(net(ids, lengths, delta=delta.detach()), y))
    total.backward()
    for name, p in net.named_parameters():
        assert torch.allclose(p.grad, two_pass[name], atol=1e-6), name


def test_the_cli_records_epsilon_and_turns_it_off(cli, tmp_path):
    import json

    from tests.training.test_models_and_cli import FAST

    data = tmp_path / "tiny.tsv"
    rows = ["id\tdocument\tlabel"] + [f"{i}\t{'좋다 최고' if i % 2 else '별로 최악'} {i}\t{i % 2}" for i in range(60)]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for eps, args in ((0.3, []), (0.0, ["--adversarial", "0"])):
        out = tmp_path / f"run{eps}"
        assert cli("train", "--data", str(data), "--model", "lstm", "--out", str(out), *FAST, *args)[0] == 0
        assert json.loads((out / "config.json").read_text())["train"]["adversarial"] == eps
    code, _, err = cli("train", "--data", str(data), "--model", "tfidf", "--out", str(tmp_path / "t"),
                       "--adversarial", "0.5")
    assert code == 2 and "--adversarial" in err  # tf-idf has no embeddings to perturb
    code, _, err = cli("train", "--data", str(data), "--out", str(tmp_path / "n"), "--adversarial", "-1")
    assert code == 2 and "--adversarial" in err


def test_a_frozen_embedding_still_gets_its_perturbation():
    """--freeze-embedding with adversarial training crashed: the embedded tokens had no gradient to retain."""
    net, ids, lengths, y = _batch()
    net.embedding.weight.requires_grad_(False)
    kept = []
    torch.nn.functional.cross_entropy(net(ids, lengths, keep=kept), y).backward()
    assert kept[0].grad is not None and float(kept[0].grad.abs().sum()) > 0
    assert net.embedding.weight.grad is None  # the table itself stays frozen


def test_a_checkpoint_from_before_adversarial_training_resumes_as_it_was_made(tmp_path):
    """Its recorded settings lack 'adversarial': it was trained without, so a resume must say so, not crash."""
    import pytest

    from seqlab.errors import UsageError
    from seqlab.training.loop import TrainConfig, check_same_settings, run_settings

    net, *_ = _batch()
    old = run_settings(net, TrainConfig(adversarial=0.0))
    del old["train"]["adversarial"]
    check_same_settings(tmp_path, old, run_settings(net, TrainConfig(adversarial=0.0)))  # the same run: fine
    with pytest.raises(UsageError, match="adversarial = 0.0"):
        check_same_settings(tmp_path, old, run_settings(net, TrainConfig()))
