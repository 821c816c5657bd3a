"""Write the lecture notebooks, Korean and English, from one list of cells (so the twins never drift apart).

    .venv/bin/python notebooks/make_notebooks.py      # writes lecture_ko.ipynb and lecture_en.ipynb, no outputs

Every step: the lecture's own transformers/torch code first, then seqlab's record of the same numbers
(it displays itself), then an ``assert`` that the two agree. Code cells are the same in both languages;
only the prose, the code's comments and the interface language differ. tests/test_notebooks.py executes both on a fresh kernel.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent

# (kind, Korean, English): for code cells one text, the same in both notebooks ({lang} is filled in)
CELLS: list[tuple[str, str, str]] = [
    ("md", """# seqlab으로 따라 하는 강의: 토큰에서 Seq2Seq까지

강의의 코드를 순서대로 실행하고, 같은 숫자를 seqlab이 어떻게 보여 주는지 나란히 봅니다.
각 단계는 **강의 코드 → seqlab의 기록 → 둘이 같은지 `assert`** 순서입니다.

- 모든 것이 오프라인으로 돕니다: 모델은 seqlab에 내장된 `e5-small`(다국어, 384차원)입니다.
- 강의의 허브 모델은 `klue/bert-base`입니다. 인터넷이 되면 아래 `NAME = "klue/bert-base"`로 바꿔 그대로 실행할
  수 있습니다(처음 한 번 내려받음). 모든 셀이 `NAME`을 따르고, 은닉 크기(768)도 모델에서 읽습니다. 그때 서브워드
  표시는 `▁` 대신 `##`이고, 문장 앞에 `"query: "`를 붙이지 않습니다(e5만의 약속).
- seqlab의 기록(record)은 노트북에서 스스로 그려집니다: 웹 페이지와 같은 그림이고, 인터넷 없이 보입니다.""",
     """# The lecture with seqlab: from tokens to Seq2Seq

Run the lecture's code in order and see, side by side, how seqlab shows the same numbers.
Each step is **the lecture's code → seqlab's record → an `assert` that the two agree**.

- Everything runs offline: the model is `e5-small` (multilingual, 384 dimensions), embedded in seqlab.
- The lecture's hub model is `klue/bert-base`. Online, set `NAME = "klue/bert-base"` below and run as is
  (downloaded once): every cell follows `NAME`, and the hidden size (768) is read from the model. Its subword
  marker is then `##` instead of `▁`, and no `"query: "` goes in front of the sentences (an e5 convention).
- seqlab's records draw themselves in the notebook: the web page's views, visible without a network."""),
    ("code", """import numpy as np
import torch
from torch import nn
from transformers.utils import logging as transformers_logging

import seqlab

transformers_logging.disable_progress_bar()  # a saved notebook kept "Loading weights: 0%" under from_pretrained
torch.set_num_threads(1)
LANG = "{lang}"  # the interface language of seqlab's records: ko or en
seqlab.set_language(LANG)
NAME = "e5-small"  # seqlab's embedded model; the lecture: NAME = "klue/bert-base" (online, downloaded once)
MODEL = seqlab.model_path(NAME)  # what from_pretrained loads: a local folder, or the hub id
PREFIX = "query: " if NAME == "e5-small" else ""  # e5 reads a sentence after "query: "
text = "안녕하세요, 오늘 날씨가 정말 좋네요\"""", ""),
    ("md", """## 1. 토큰화: `AutoTokenizer`, `input_ids`, 스페셜 토큰, 서브워드, OOV""",
     """## 1. Tokenization: `AutoTokenizer`, `input_ids`, special tokens, subwords, OOV"""),
    ("code", """from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained(MODEL)
encoded_input = tokenizer(text)
print(encoded_input["input_ids"])
print(tokenizer.convert_ids_to_tokens(encoded_input["input_ids"]))""", ""),
    ("code", """record = seqlab.tokenize(text, model=NAME)
record""", ""),
    ("code", """assert record.input_ids == encoded_input["input_ids"]
assert record.tokens == tokenizer.convert_ids_to_tokens(encoded_input["input_ids"])
assert record.special_tokens_mask == tokenizer(text, return_special_tokens_mask=True)["special_tokens_mask"]
print("같은 토큰, 같은 id" if LANG == "ko" else "same tokens, same ids")""", ""),
    ("md", """`▁`는 단어의 시작, `▁`가 없는 조각은 앞 단어에 이어지는 서브워드입니다. BERT 계열(`klue/bert-base`, MiniLM)은
반대로 이어지는 조각에 `##`를 붙입니다. 단어 집합에 없는 문자는 `[UNK]`(여기서는 `<unk>`)가 됩니다(OOV).
`convert_ids_to_tokens`는 그 자리에 `<unk>`를 돌려주고, seqlab의 표는 무엇이 `<unk>`가 되었는지 보이도록 원래
글자를 적고, 종류를 '모르는 토큰(OOV)'으로, id를 `<unk>`의 id로 씁니다.""",
     """`▁` marks the start of a word; a piece without it continues the previous word. BERT models
(`klue/bert-base`, MiniLM) mark the continuing pieces with `##` instead. A character outside the vocabulary
becomes `[UNK]` (here `<unk>`): out of vocabulary (OOV). `convert_ids_to_tokens` gives `<unk>` in its place;
seqlab's table writes the original characters, so that you see what became `<unk>`, with the kind
"unknown (OOV)" and the id of `<unk>`."""),
    ("code", """bert = AutoTokenizer.from_pretrained(seqlab.model_path("minilm"))
print(bert.tokenize("tokenization"))
pieces = seqlab.tokenize("tokenization", model="minilm")
assert [t for t, s in zip(pieces.tokens, pieces.special_tokens_mask) if not s] == bert.tokenize("tokenization")
assert any(t.startswith("##") for t in pieces.tokens)
pieces""", ""),
    ("code", """oov_text = "똠얌꿍은 뷁"
oov_ids = tokenizer(oov_text)["input_ids"]
oov = seqlab.tokenize(oov_text, model=NAME)
assert [u.index for u in oov.unk] == [i for i, t in enumerate(oov_ids) if t == tokenizer.unk_token_id] != []
oov""", ""),
    ("md", """## 2. 정수 인코딩: 여러 문장을 한 배치로(패딩, `attention_mask`)""",
     """## 2. Integer encoding: many sentences as one batch (padding, `attention_mask`)"""),
    ("code", """sentences = ["안녕하세요", "오늘 날씨가 정말 좋네요"]
batch_pt = tokenizer(sentences, padding=True, return_tensors="pt")
print(batch_pt["input_ids"])
print(batch_pt["attention_mask"])""", ""),
    ("code", """batch = seqlab.encode_batch(sentences, model=NAME)
assert batch.input_ids.tolist() == batch_pt["input_ids"].tolist()
assert batch.attention_mask.tolist() == batch_pt["attention_mask"].tolist()
batch""", ""),
    ("md", """## 3. `AutoModel`과 `last_hidden_state`: 모양 `[배치 크기, 시퀀스 길이, 은닉 크기]`""",
     """## 3. `AutoModel` and `last_hidden_state`: shape `[batch size, sequence length, hidden size]`"""),
    ("code", """from transformers import AutoModel

model = AutoModel.from_pretrained(MODEL).eval()
H = model.config.hidden_size  # 384 for e5-small, 768 for klue/bert-base
with torch.no_grad():
    output = model(**tokenizer(text, return_tensors="pt"))
output.last_hidden_state.shape""", ""),
    ("code", """embedding = seqlab.embed(text, model=NAME)
assert embedding.shape == list(output.last_hidden_state.shape)
np.testing.assert_allclose(embedding.hidden, output.last_hidden_state[0].numpy(), atol=2e-4)
embedding""", ""),
    ("md", """## 4. 문장 유사도, 그리고 왕 − 남자 + 여자

문장 벡터는 `last_hidden_state`의 평균(mean pooling)이고, 유사도는 두 벡터의 코사인입니다.
e5는 두 문장 모두 앞에 `"query: "`를 붙이라고 권합니다(`PREFIX`).""",
     """## 4. Sentence similarity, and king − man + woman

A sentence vector is the mean of `last_hidden_state` (mean pooling); similarity is the cosine of two vectors.
e5 asks for `"query: "` in front of both sentences (`PREFIX`)."""),
    ("code", """def sentence_vector(s):
    enc = tokenizer(s, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state  # (1, T, H)
    mask = enc["attention_mask"][..., None]
    return (hidden * mask).sum(1)[0] / mask.sum()

a, b = "오늘 날씨가 좋네요", "날씨가 참 맑네요"
lecture_cos = torch.nn.functional.cosine_similarity(sentence_vector(PREFIX + a), sentence_vector(PREFIX + b), dim=0)
float(lecture_cos)""", ""),
    ("code", """sim = seqlab.similarity(a, b, model=NAME, prefix=PREFIX)
assert abs(sim.cosine - float(lecture_cos)) < 1e-4
sim""", ""),
    ("code", """words = ["왕", "남자", "여자", "여왕", "왕자", "공주", "소년", "소녀", "사과", "자동차", "학교", "바다"]
lecture_vectors = torch.nn.functional.normalize(torch.stack([sentence_vector(w) for w in words]), dim=1)
v = lecture_vectors
query = v[words.index("왕")] - v[words.index("남자")] + v[words.index("여자")]
scores = v @ query  # 3CosAdd: cos(x, 왕 - 남자 + 여자) ranks as x · (왕 - 남자 + 여자) for unit vectors x
for w in ("왕", "남자", "여자"):
    scores[words.index(w)] = -float("inf")
lecture_answer = words[int(scores.argmax())]
lecture_answer""", ""),
    ("code", """from seqlab.vectors.wordvectors import WordVectors

vectors = WordVectors(words, lecture_vectors.numpy(), f"{NAME}, mean pooling")
analogy = vectors.solve("왕 - 남자 + 여자", k=3, method="3cosadd")
assert analogy.results[0].word == lecture_answer
analogy""", ""),
    ("code", """neighbours = vectors.neighbors("왕", k=3)
assert neighbours.results[0].word == words[int((v @ v[0])[1:].argmax()) + 1]
neighbours""", ""),
    ("md", """## 5. MLP는 순서를 못 본다, RNN은 본다

단어 벡터를 더해(bag of embeddings) MLP에 넣으면 어순을 바꿔도 입력이 같습니다. RNN은 순서대로 읽으므로 달라집니다.
아래 강의 코드와 seqlab의 `order_demo`는 같은 실험을 각자의 가중치로 합니다(seqlab은 스페셜 토큰까지 읽습니다). 그래서 숫자는
서로 다르고, 같은 것은 결론입니다: MLP의 두 출력은 똑같고, RNN의 두 마지막 상태는 다릅니다.""",
     """## 5. An MLP is blind to order, an RNN is not

Summing the word vectors (a bag of embeddings) into an MLP gives the same input in any word order.
An RNN reads in order, so its final state changes. The lecture's code below and seqlab's `order_demo` run the same
experiment with weights of their own (seqlab also reads the special tokens), so their numbers differ; what they
share is the conclusion: the MLP's two outputs are equal, the RNN's two final states are not."""),
    ("code", """embedding_table = model.get_input_embeddings()

def token_vectors(s):
    with torch.no_grad():
        return embedding_table(tokenizer(s, return_tensors="pt")["input_ids"])[0, 1:-1].double()  # no specials

s1, s2 = "나는 학교에 간다", "학교에 나는 간다"
torch.manual_seed(0)
mlp = nn.Sequential(nn.Linear(H, 8), nn.Tanh(), nn.Linear(8, 2)).double()
rnn_demo = nn.RNN(H, 4, batch_first=True).double()
with torch.no_grad():
    mlp_1, mlp_2 = mlp(token_vectors(s1).sum(0)), mlp(token_vectors(s2).sum(0))
    h_1, h_2 = rnn_demo(token_vectors(s1)[None])[1][0, 0], rnn_demo(token_vectors(s2)[None])[1][0, 0]
print(mlp_1, mlp_2, h_1, h_2, sep="\\n")""", ""),
    ("code", """from seqlab.lab.order import order_demo

order = order_demo(model=NAME, cell="rnn", hidden=4)
pair = next(p for p in order.pairs if p.a == s1)
assert torch.allclose(mlp_1, mlp_2, atol=1e-9) and pair.mlp_bit_identical  # the bag cannot see order
assert (h_1 - h_2).abs().max() > 1e-3 and pair.rnn_max_difference > 1e-3  # the RNN can
order""", ""),
    ("md", """## 6. RNN 셀을 손으로: $h_t = \\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b)$, BPTT와 가중치 공유

입력 $x_t$는 e5-small 입력 임베딩 행렬의 행(토큰 id마다 한 행)입니다. 은닉 크기 2, torch 기본 초기화(seed 0).""",
     """## 6. The RNN cell by hand: $h_t = \\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b)$, BPTT and weight sharing

The inputs $x_t$ are rows of e5-small's input embedding matrix (one row per token id). Hidden size 2, torch's
default initialization (seed 0)."""),
    ("code", """with torch.no_grad():
    x = embedding_table(tokenizer(text, return_tensors="pt")["input_ids"]).double()  # (1, T, H)
torch.manual_seed(0)
rnn = nn.RNN(H, 2, batch_first=True).double()
out, h_n = rnn(x)  # out: (1, T, 2), h_n: (1, 1, 2)

W_xh, W_hh = rnn.weight_ih_l0, rnn.weight_hh_l0  # torch: weight_ih_l0 is the lecture's W_xh
b = rnn.bias_ih_l0 + rnn.bias_hh_l0
h = torch.zeros(2, dtype=torch.float64)
for t in range(x.shape[1]):
    h = torch.tanh(W_xh @ x[0, t] + W_hh @ h + b)  # the same W_xh, W_hh at every step: weight sharing
assert torch.allclose(h, out[0, -1])

loss = (out[0, -1] ** 2).sum()  # L = ‖h_(T-1)‖²  (t = 0 … T-1)
loss.backward()  # BPTT
rnn.weight_hh_l0.grad""", ""),
    ("code", """from seqlab.pipeline.tracing import run_trace

rnn_trace = run_trace("rnn", text, model=NAME, hidden=2, seed=0, backward=True)
np.testing.assert_allclose([s.h for s in rnn_trace.steps], out[0].detach().numpy(), rtol=1e-9)
np.testing.assert_allclose(rnn_trace.backward.dW_hh, rnn.weight_hh_l0.grad.numpy(), rtol=1e-7, atol=1e-12)
shares = sum(s.dW_hh for s in rnn_trace.backward.steps)  # each step's share of dW_hh
np.testing.assert_allclose(shares, rnn.weight_hh_l0.grad.numpy(), rtol=1e-7, atol=1e-12)
rnn_trace""", ""),
    ("md", """## 7. 기울기 소실: $\\lVert \\partial L / \\partial h_k \\rVert$를 단계마다

30단계, 은닉 16, 손실은 마지막 단계에서만. RNN의 기울기는 앞쪽으로 갈수록 거듭 곱해져 사라집니다. torch 기본 초기화의
LSTM도 아직은 마찬가지입니다: 망각 게이트가 $f = \\sigma(\\cdot) \\approx 0.5$ 근처라 셀 상태를 따라 흐르는 기울기도 단계마다
약 $f$배로 줄어듭니다. 망각 게이트 편향을 키우면($f \\approx \\sigma(3) = 0.95$, 아래 두 번째 셀) 셀 상태를 따라 훨씬 오래
남습니다. 학습이 이 편향을 찾는 것이 LSTM이 긴 의존을 배우는 방법입니다(`seqlab long-term`).""",
     """## 7. Vanishing gradients: $\\lVert \\partial L / \\partial h_k \\rVert$ step by step

30 steps, hidden 16, the loss at the last step only. The RNN's gradient is multiplied again at every step
back and vanishes. An LSTM at torch's default initialization does so too, for now: its forget gate sits near
$f = \\sigma(\\cdot) \\approx 0.5$, so the gradient along the cell state shrinks by about $f$ at every step. With a
larger forget-gate bias ($f \\approx \\sigma(3) = 0.95$, the second cell below) it lasts far longer along the cell
state. Learning such a bias is how an LSTM learns long dependencies (`seqlab long-term`)."""),
    ("code", """def grad_norms(cell, steps=30, hidden=16, seed=2):
    torch.manual_seed(seed)
    module = {"rnn": nn.RNN, "lstm": nn.LSTM}[cell](hidden, hidden, batch_first=True).double()
    xs = torch.from_numpy(np.random.default_rng(seed).normal(size=(1, steps, hidden)))
    state, hs = None, []
    for t in range(steps):
        _, state = module(xs[:, t : t + 1], state)
        h = (state[0] if cell == "lstm" else state)[0]
        h.retain_grad()
        hs.append(h)
        state = (h[None], state[1]) if cell == "lstm" else h[None]
    (hs[-1] ** 2).sum().backward()
    return [float(h.grad.norm()) for h in hs]

lecture_norms = {cell: grad_norms(cell) for cell in ("rnn", "lstm")}
{cell: f"{n[0]:.2e}" for cell, n in lecture_norms.items()}""", ""),
    ("code", """from seqlab.lab.gradflow import gradflow

flow = gradflow(["rnn", "lstm"], steps=30, hidden=16, seed=2)
for cell in ("rnn", "lstm"):
    np.testing.assert_allclose(flow.cells[cell].grad_norms, lecture_norms[cell], rtol=1e-7)
flow""", ""),
    ("code", """remembering = gradflow(["lstm"], steps=30, hidden=16, seed=2, forget_bias=3)
# the same inputs and weights, the forget gate opened: far more of the gradient reaches the first step
assert remembering.cells["lstm"].cell_grad_norms[0] > 100 * flow.cells["lstm"].cell_grad_norms[0]
remembering""", ""),
    ("md", """## 8. LSTM: 셀 상태와 게이트

$f = \\sigma(\\cdot)$ 망각 게이트, $i$ 입력 게이트, $o$ 출력 게이트, $g = \\tanh(\\cdot)$ 후보;
$c_t = f \\odot c_{t-1} + i \\odot g$, $h_t = o \\odot \\tanh(c_t)$. torch는 가중치를 `i|f|g|o` 순서로 쌓습니다.""",
     """## 8. The LSTM: cell state and gates

$f = \\sigma(\\cdot)$ forget gate, $i$ input gate, $o$ output gate, $g = \\tanh(\\cdot)$ candidate;
$c_t = f \\odot c_{t-1} + i \\odot g$, $h_t = o \\odot \\tanh(c_t)$. torch stacks the weights as `i|f|g|o`."""),
    ("code", """torch.manual_seed(0)
lstm = nn.LSTM(H, 3, batch_first=True).double()
with torch.no_grad():
    lstm_out, (h_n, c_n) = lstm(x)
    z = lstm.weight_ih_l0 @ x[0, 0] + lstm.bias_ih_l0 + lstm.bias_hh_l0  # step 0: h_0 = c_0 = 0
    i0, f0, g0, o0 = z.chunk(4)
    i0, f0, g0, o0 = torch.sigmoid(i0), torch.sigmoid(f0), torch.tanh(g0), torch.sigmoid(o0)
    c0 = i0 * g0  # f0 * c_(-1) = 0
    assert torch.allclose(o0 * torch.tanh(c0), lstm_out[0, 0])
f0, c0""", ""),
    ("code", """lstm_trace = run_trace("lstm", text, model=NAME, hidden=3, seed=0)
first = lstm_trace.steps[0]
for name, value in (("f", f0), ("i", i0), ("g", g0), ("o", o0), ("c", c0)):
    np.testing.assert_allclose(getattr(first, name), value.numpy(), rtol=1e-9)  # first.f is the forget gate
np.testing.assert_allclose(lstm_trace.steps[-1].c, c_n[0, 0].numpy(), rtol=1e-9)
lstm_trace""", ""),
    ("md", """## 9. Seq2Seq: 인코더, 디코더, 어텐션

작은 인코더-디코더(GRU, 가산 어텐션)를 seqlab의 NumPy 구현으로 만들고, 디코더 첫 단계의 어텐션
$\\alpha_1 = \\mathrm{softmax}_j(v \\cdot \\tanh(W_q s_0 + W_k h_j))$를 torch로 다시 계산해 비교합니다
(학습 전이므로 출력은 아직 의미가 없습니다).""",
     """## 9. Seq2Seq: encoder, decoder, attention

A small encoder-decoder (GRU, additive attention) with seqlab's NumPy implementation; the decoder's first
attention $\\alpha_1 = \\mathrm{softmax}_j(v \\cdot \\tanh(W_q s_0 + W_k h_j))$ is recomputed with torch
(untrained, so the output means nothing yet)."""),
    ("code", """from seqlab.pipeline.seq2seq_trace import decode_trace
from seqlab.scratch.seq2seq import Seq2Seq

source = ["나", "는", "학", "교"]
vocabulary = ["<pad>", "<bos>", "<eos>", "나", "는", "학", "교", "에"]
s2s = Seq2Seq(src_vocab=8, tgt_vocab=8, embed=6, hidden=5, cell="gru", attention=True, seed=0)
seq2seq = decode_trace(s2s, [3, 4, 5, 6], source, vocabulary, bos_id=1, eos_id=2, max_len=5)

p = {k: torch.from_numpy(v) for k, v in s2s.params.items()}
encoder = nn.GRU(6, 5, batch_first=True).double()
with torch.no_grad():
    for name, param in encoder.named_parameters():
        param.copy_(p[f"encoder.rnn.{name}"])
    enc_out, s_0 = encoder(p["encoder.embedding.weight"][torch.tensor([[3, 4, 5, 6]])])
    e = torch.tanh(s_0[0] @ p["decoder.attention.W_q"].T + enc_out[0] @ p["decoder.attention.W_k"].T)
    alpha_1 = torch.softmax(e @ p["decoder.attention.v"], dim=0)
np.testing.assert_allclose(seq2seq.attention[0], alpha_1.numpy(), rtol=1e-9)
seq2seq""", ""),
    ("md", """## 한눈에: `seqlab explain`

한 문장이 정규화 → 토큰 → id → 벡터 → LSTM을 지나는 모든 숫자. 터미널에서는 `seqlab explain "…"`,
웹에서는 `seqlab serve`로 같은 것을 봅니다.""",
     """## At a glance: `seqlab explain`

Every number of one sentence through normalization → tokens → ids → vectors → LSTM. In a terminal:
`seqlab explain "…"`; on the web: `seqlab serve`."""),
    ("code", """from seqlab.pipeline.explain import explain

report = explain(text, model=NAME)
assert report.tokens.input_ids == encoded_input["input_ids"]
report""", ""),
]


# The code cells' comments in Korean, for the Korean twin (the code itself is the same in both); a comment that is
# only symbols (# (1, T, H), # BPTT) stays as it is. tests/test_notebooks.py checks that every comment is here.
COMMENTS_KO = {
    "# the interface language of seqlab's records: ko or en": "# seqlab 기록의 인터페이스 언어: ko 또는 en",
    '# seqlab\'s embedded model; the lecture: NAME = "klue/bert-base" (online, downloaded once)':
        '# seqlab에 내장된 모델. 강의: NAME = "klue/bert-base"(온라인, 처음 한 번 내려받음)',
    "# what from_pretrained loads: a local folder, or the hub id": "# from_pretrained가 읽는 것: 로컬 폴더 또는 허브 id",
    '# e5 reads a sentence after "query: "': '# e5는 "query: " 뒤의 문장을 읽습니다',
    "# 384 for e5-small, 768 for klue/bert-base": "# e5-small은 384, klue/bert-base는 768",
    "# 3CosAdd: cos(x, 왕 - 남자 + 여자) ranks as x · (왕 - 남자 + 여자) for unit vectors x":
        "# 3CosAdd: 단위 벡터 x에서 cos(x, 왕 - 남자 + 여자)의 순위는 x · (왕 - 남자 + 여자)의 순위와 같습니다",
    "# no specials": "# 스페셜 토큰은 빼고",
    "# the bag cannot see order": "# 벡터의 합은 순서를 못 봅니다",
    "# the RNN can": "# RNN은 봅니다",
    "# torch: weight_ih_l0 is the lecture's W_xh": "# torch의 weight_ih_l0이 강의의 W_xh",
    "# the same W_xh, W_hh at every step: weight sharing": "# 모든 단계에 같은 W_xh, W_hh: 가중치 공유",
    "# each step's share of dW_hh": "# 단계마다 dW_hh에 보태는 몫",
    "# first.f is the forget gate": "# first.f가 망각 게이트",
    "# the same inputs and weights, the forget gate opened: far more of the gradient reaches the first step":
        "# 같은 입력과 가중치, 망각 게이트만 열었더니 훨씬 많은 기울기가 첫 단계까지 닿습니다",
    "# step 0: h_0 = c_0 = 0": "# 0단계: h_0 = c_0 = 0",
    '# a saved notebook kept "Loading weights: 0%" under from_pretrained':
        '# 저장한 노트북에 from_pretrained의 "Loading weights: 0%"가 남지 않도록',
}


def code_for(source: str, lang: str) -> str:
    """A code cell's source for one twin: its interface language filled in, its comments in that language."""
    source = source.replace('"{lang}"', f'"{lang}"')
    if lang == "ko":
        for english, korean in COMMENTS_KO.items():
            source = source.replace(english, korean)
    return source


def notebook(lang: str) -> dict:
    cells = []
    for number, (kind, ko, en) in enumerate(CELLS):
        cell_id = f"cell-{number:02d}"  # the same in both twins
        if kind == "md":
            cells.append({"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": ko if lang == "ko" else en})
        else:
            cells.append({"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": None, "outputs": [],
                          "source": code_for(ko, lang)})
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                         "language_info": {"name": "python"}}}


def write() -> list[Path]:
    paths = []
    for lang in ("ko", "en"):
        path = HERE / f"lecture_{lang}.ipynb"
        path.write_text(json.dumps(notebook(lang), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write():
        print(p)
