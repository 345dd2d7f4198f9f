#!/usr/bin/env python3
"""Re-fit the stance model's calibration and threshold on dev, from what the Rust pipeline writes.

    cyberstance annotate corpus/domain -o target/domain/low.jsonl --stance-threshold 0.02 --quiet
    .venv/bin/python scripts/model/calibrate_stance.py target/domain/low.jsonl [--model models/stance-minilm]

train_stance.py fits both on the speakers the annotator gave when it ran; when attribution changes
afterwards, this re-fits them on the current pipeline without retraining. Each stance of the dev
articles is right or not (scripts/model/plot_stance.py's matching); Platt scaling on the logit of
its current score is fitted to that, composed with the calibration in the model's config.json, and
the threshold becomes the one (on a 0.02 grid) that maximises dev triple F1 after the new
calibration. Writes both into config.json's `stance` section.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plot_stance import curve, scored_stances  # noqa: E402
from train_stance import fit_platt  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--model", type=Path, default=Path("models/stance-minilm"))
    ap.add_argument("--split", default="dev")
    args = ap.parse_args()
    scored, n_gold = scored_stances(args.pred, args.split)
    s = np.array([x for x, _ in scored])
    y = np.array([float(r) for _, r in scored])
    a1, b1 = fit_platt(s, y)
    config_path = args.model / "config.json"
    config = json.loads(config_path.read_text())
    a0, b0 = config["stance"]["calibration"]
    a, b = a1 * a0, a1 * b0 + b1
    z = np.log(np.clip(s, 1e-6, 1 - 1e-6) / (1 - np.clip(s, 1e-6, 1 - 1e-6)))
    new = 1 / (1 + np.exp(-(a1 * z + b1)))
    best = max(curve(list(zip(new, y)), n_gold), key=lambda row: row[3])  # the first of equal F1
    config["stance"]["calibration"] = [round(a, 6), round(b, 6)]
    config["stance"]["threshold"] = best[0]
    config_path.write_text(json.dumps(config, indent=2) + "\n")
    brier = float(np.mean((new - y) ** 2))
    print(f"{len(scored)} {args.split} stances: calibration ({a:.4f}, {b:.4f}), Brier {brier:.4f}; threshold "
          f"{best[0]:.2f} (triple F1 {best[3]:.3f} on {args.split}) -> {config_path}")


if __name__ == "__main__":
    main()
