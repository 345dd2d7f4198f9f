"""Where ONNX Runtime spends its time on one model: per operator type, from ORT's own profiler.

Runs the model on random token ids with the session settings `cyberstance annotate` uses (one
intra-op thread, all graph optimisations), prints ms per call, tokens/s on one thread and the share
of each operator type. The `perf record` of a whole run shows ~92% of the time inside ONNX Runtime,
whose symbols are stripped; this shows what inside it.

    .venv/bin/python scripts/bench/profile_ort.py models/ner-minilm-conll03/model.dynint8.onnx --seq 126
    .venv/bin/python scripts/bench/profile_ort.py models/all-minilm-l6-v2/model.int8.onnx --seq 40 --batch 1
"""

import argparse
import collections
import json
import os
import tempfile
import time

import numpy as np
import onnxruntime as ort


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--seq", type=int, default=126, help="tokens per input (default 126)")
    ap.add_argument("--batch", type=int, default=1, help="inputs per call (default 1)")
    ap.add_argument("--calls", type=int, default=50, help="timed calls (default 50)")
    ap.add_argument("--top", type=int, default=12, help="operator types to list")
    args = ap.parse_args()

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "ort")
    session = ort.InferenceSession(args.model, so, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    shape = (args.batch, args.seq)
    feed = {}
    for inp in session.get_inputs():
        if inp.name == "input_ids":
            feed[inp.name] = rng.integers(1000, 20000, shape, dtype=np.int64)
        elif inp.name == "attention_mask":
            feed[inp.name] = np.ones(shape, dtype=np.int64)
        else:
            feed[inp.name] = np.zeros(shape, dtype=np.int64)
    for _ in range(3):
        session.run(None, feed)
    start = time.perf_counter()
    for _ in range(args.calls):
        session.run(None, feed)
    per_call = (time.perf_counter() - start) / args.calls
    profile = session.end_profiling()

    by_op: collections.Counter = collections.Counter()
    for event in json.load(open(profile)):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            by_op[event["args"]["op_name"]] += event["dur"]
    total = sum(by_op.values()) or 1
    print(f"{args.model}: batch {args.batch} x {args.seq} tokens, {per_call * 1000:.2f} ms per call, "
          f"{args.batch * args.seq / per_call:.0f} tokens/s on one thread")
    for op, us in by_op.most_common(args.top):
        print(f"  {op:28s} {100 * us / total:5.1f}%")


if __name__ == "__main__":
    main()
