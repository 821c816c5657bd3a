"""What the API says of the engine that runs e5-small's encoder layers (torch, or ONNX Runtime: seqlab serve --engine)."""


def test_api_models_says_which_engine_runs_in_the_requests_language(client):
    said = client.get("/api/models").json()["engine"]
    assert said["model"] == "e5-small" and said["engine"] == "torch" and said["state"] == "off"
    korean = client.get("/api/models", headers={"Accept-Language": "ko"}).json()["engine"]["note"]
    assert korean != said["note"] and "torch" in korean


def test_api_embed_says_torch_when_torch_computed_it(client):
    """Only ONNX Runtime's answers said their engine; torch's said nothing, so a before/after comparison guessed."""
    assert client.post("/api/embed", json={"text": "안녕하세요"}).json()["engine"] == "torch"
