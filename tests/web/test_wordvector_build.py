"""The analogy panel's word vectors, built in the background: a failure is said in the user's words."""

import pytest


def test_a_build_that_fails_for_a_user_reason_says_it_without_a_python_class_name(monkeypatch, caplog):
    """The failure was stored as "InputError: …" for every error: the page showed a Python class name, and a real
    bug's traceback was not logged."""
    from seqlab.errors import InputError
    from seqlab.web.errors import NotReady
    from seqlab.web.service import ServeConfig, Service

    def refuse(*_args, **_kwargs):
        raise InputError("no space left on device: /home/x/.seqlab", "Free some disk space.")

    monkeypatch.setattr("seqlab.vectors.wordvectors.from_model", refuse)
    service = Service(ServeConfig(onnx=False))
    service._build_wordvectors()
    assert service.build.state == "failed" and service.build.error == "no space left on device: /home/x/.seqlab"
    service._wordvec_thread = object()  # built above: wordvectors() must not start another build
    with pytest.raises(NotReady) as caught:
        service.wordvectors()
    assert "InputError" not in caught.value.message and "no space left" in caught.value.message
    assert caught.value.hint == "Free some disk space."  # its own remedy, not "restart the server"

    def bug(*_args, **_kwargs):
        raise KeyError("x")

    monkeypatch.setattr("seqlab.vectors.wordvectors.from_model", bug)
    with caplog.at_level("ERROR", logger="uvicorn.error"):
        Service(ServeConfig(onnx=False))._build_wordvectors()
    assert "Traceback" in caplog.text and "KeyError" in caplog.text  # a bug keeps its traceback in the server log
