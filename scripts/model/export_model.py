"""Export a trained Tagger: fp16 safetensors (rust-bert names), fp32 ONNX, int8 ONNX, config, tokenizer.

Also runnable alone to rebuild the ONNX files from the committed safetensors:
    .venv/bin/python scripts/model/export_model.py models/ner-minilm-conll03
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nerlib import LABELS, Tagger, encoder_dir, write_config  # noqa: E402

OPSET = 17


class _OnnxTagger(torch.nn.Module):
    def __init__(self, tagger):
        super().__init__()
        self.t = tagger

    def forward(self, input_ids, attention_mask, shape_ids):
        return self.t(input_ids, attention_mask, shape_ids)


def export_onnx(model: Tagger, out: Path) -> Path:
    model = model.eval()
    model.bert.config._attn_implementation = "eager"  # plain MatMul/Softmax graph, portable across ORT versions
    path = out / "model.fp32.onnx"
    ids = torch.tensor([[101, 7270, 2003, 1037, 2406, 102], [101, 2023, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    shapes = torch.tensor([[0, 2, 1, 1, 1, 0], [0, 1, 0, 0, 0, 0]])
    torch.onnx.export(
        _OnnxTagger(model), (ids, mask, shapes), str(path), opset_version=OPSET,
        input_names=["input_ids", "attention_mask", "shape_ids"], output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "shape_ids", "logits")},
        do_constant_folding=True,
    )
    return path


def quantize_int8(fp32: Path, out: Path) -> Path:
    """Weight-only int8: every MatMul weight (per output column) and the word-embedding table (per
    row) is stored as int8 + fp32 scales behind a DequantizeLinear node. ONNX Runtime folds these
    back to fp32 constants when the session loads (session.disable_quant_qdq=1), so the file is a
    quarter of the size while inference stays fp32: deterministic whatever the batch composition,
    which per-tensor dynamic activation quantisation is not (see the model card)."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(fp32))
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    consumers = {}
    for node in g.node:
        for k, name in enumerate(node.input):
            consumers.setdefault(name, []).append((node, k))
    new_nodes = []
    for name, init in list(inits.items()):
        uses = consumers.get(name, [])
        if not uses:
            continue
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim != 2 or w.size < 4096:
            continue
        if all(n.op_type == "MatMul" and k == 1 for n, k in uses):
            axis = 1  # [in, out]: one scale per output column
        elif all(n.op_type == "Gather" and k == 0 for n, k in uses):
            axis = 0  # embedding table: one scale per row
        else:
            continue
        amax = np.abs(w).max(axis=1 - axis)
        scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
        q = np.clip(np.rint(w / np.expand_dims(scale, 1 - axis)), -127, 127).astype(np.int8)
        g.initializer.remove(init)
        g.initializer.extend([
            numpy_helper.from_array(q, name + "_q"),
            numpy_helper.from_array(scale, name + "_scale"),
            numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), name + "_zero"),
        ])
        new_nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"],
                                          [name], axis=axis, name=name + "_dequant"))
    for n in reversed(new_nodes):
        g.node.insert(0, n)
    path = out / "model.int8.onnx"
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def quantize_dynamic_int8(fp32: Path, out: Path) -> Path:
    """ONNX Runtime's dynamic quantisation (int8 weights per channel, activations per tensor at run
    time). Its activation scale spans the whole model call, so the annotator runs it one window per
    call (it does so for any model with DynamicQuantize ops), which keeps every window's scores
    independent of the others."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    path = out / "model.dynint8.onnx"
    quantize_dynamic(str(fp32), str(path), per_channel=True, weight_type=QuantType.QInt8)
    return path


def save_safetensors(model: Tagger, out: Path):
    from safetensors.torch import save_file

    sd = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    save_file(sd, str(out / "model.safetensors"), metadata={"format": "pt", "labels": json.dumps(LABELS)})


def load_safetensors(out: Path) -> Tagger:
    from safetensors.torch import load_file
    from transformers import BertConfig

    m = Tagger(BertConfig.from_pretrained(encoder_dir()))
    sd = {k: v.float() for k, v in load_file(str(out / "model.safetensors")).items()}
    m.load_state_dict(sd)
    return m.eval()


def save_tokenizer(out: Path):
    tok = json.loads((encoder_dir() / "tokenizer.json").read_text())
    tok["truncation"] = None  # cyberstance windows long texts itself
    tok["padding"] = None
    (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False))


def export_all(model: Tagger, tok, out: Path, metrics: dict):
    save_safetensors(model, out)
    model = load_safetensors(out)  # export exactly what is shipped
    fp32 = export_onnx(model, out)
    quantize_int8(fp32, out)
    quantize_dynamic_int8(fp32, out)
    save_tokenizer(out)
    # dynamic int8 is the default; the annotator runs it one window per model call, so its
    # activation scale spans one window and a window's scores never depend on what shares a call
    # `bert`: the architecture, for the torch backend (rust-bert's BertConfig)
    bert_keys = ("hidden_act", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                 "vocab_size", "max_position_embeddings", "type_vocab_size", "layer_norm_eps",
                 "hidden_dropout_prob", "attention_probs_dropout_prob", "initializer_range")
    bert = {k: getattr(model.bert.config, k) for k in bert_keys}
    write_config(out, {"name": "ner-minilm-conll03", "version": "1.0.0", "default_onnx": "model.dynint8.onnx",
                       "encoder": "sentence-transformers/all-MiniLM-L6-v2", "bert": bert})


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "models/ner-minilm-conll03")
    quantize_int8(export_onnx(load_safetensors(out), out), out)
