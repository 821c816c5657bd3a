"""/api/attention computes a text's layers up to the one asked, then all of them; a missing layer costs nothing."""


def test_attention_computes_up_to_the_layer_asked_then_all(client):
    """The page's default layer 0 costs one layer's work; a deeper ask computes the rest; the numbers are the same."""
    from seqlab.pipeline.attention import attention

    text = "첫 요청은 첫 층까지만 계산합니다"
    service = client.app.state.service
    first = client.post("/api/attention", json={"text": text, "layer": 0, "head": 3}).json()
    (record,) = [r for (model, t), r in service._attention.items() if t == text]
    assert record.computed == 1 and first["shape"][0] == 12
    deep = client.post("/api/attention", json={"text": text, "layer": 9}).json()
    (record,) = [r for (model, t), r in service._attention.items() if t == text]
    assert record.computed == 12
    whole = attention(text, "e5-small")
    assert first["weights"] == whole.to_dict(0, 3)["weights"] and deep["weights"] == whole.to_dict(9)["weights"]
    # the same ask in other words (the model named): answered from the whole record, not from the kept answer
    again = client.post("/api/attention", json={"text": text, "layer": 0, "head": 3, "model": "e5-small"}).json()
    assert again["weights"] == first["weights"]


def test_a_layer_the_model_lacks_is_refused_without_computing_again(client, monkeypatch):
    """With the record cached whole, layer 40 (the schema allows up to 63) ran a 12-layer forward pass every time
    before it was refused."""
    import seqlab.pipeline.attention as module

    calls = []
    real = module.attention
    monkeypatch.setattr(module, "attention", lambda *a, **k: calls.append(k.get("layers")) or real(*a, **k))
    text = "없는 층을 물어봅니다"
    assert client.post("/api/attention", json={"text": text, "layer": 11}).status_code == 200
    for _ in range(2):
        assert client.post("/api/attention", json={"text": text, "layer": 40}).status_code == 400
    assert calls == [12]  # the first ask computed its 12 layers; the refusals computed nothing


def test_a_first_ask_for_a_layer_or_head_the_model_lacks_computes_nothing(client, monkeypatch):
    """A new text's first ask for layer 20 ran the whole 12-layer forward pass (and kept it) before it was refused."""
    import seqlab.pipeline.attention as module

    calls = []
    monkeypatch.setattr(module, "attention", lambda *a, **k: calls.append(k.get("layers")))
    answer = client.post("/api/attention", json={"text": "처음 묻는 없는 층", "layer": 20})
    assert answer.status_code == 400 and "layers 0 to 11" in answer.json()["error"]
    answer = client.post("/api/attention", json={"text": "처음 묻는 없는 머리", "layer": 0, "head": 12})
    assert answer.status_code == 400 and "heads 0 to 11" in answer.json()["error"]
    assert calls == []
