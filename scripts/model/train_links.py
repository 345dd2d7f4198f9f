"""Trains the learned stance decision (`src/stance/links.rs`, `models/stance/links.json`).

The annotator links every sentence to the actors that could be speaking in it and writes each
link's features (`annotate --statements`, field `links`). Training reads the train split's
sentences that hold a gold stance's evidence: a link there is positive when its actor is the gold
actor of one of those stances (same ISO code, or same folded name, as `cyberstance eval` matches
actors). The model is an L2-regularised logistic regression on standardised features.

A pair (actor, target) then scores the best, over sentences, of link probability times the
sentence's relevance to the target (`takes` in the statements: the targets the sentence stage takes,
1 for the rules' keyword hits, the stance model's calibrated score otherwise), as the Rust code does. The regularisation and the pair threshold are chosen by 5-fold
cross-validation over the train split's articles (pair F1 against every gold pair, reachable or
not; an article with many links weighs as one with `--cap`). Dev is only reported.

    .venv/bin/python scripts/model/train_links.py                      # the lexical weights
    .venv/bin/python scripts/model/train_links.py --signals model      # with the stance model

The link model reads no score: the signals change only the sentences' targets and relevances, hence
the threshold.

The other signals' weights in links.json are kept as they are.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stancelib import DOMAIN, read_jsonl, read_split  # noqa: E402

OUT = Path("models/stance/links.json")
BINARY = "target/release/cyberstance"
# An article with more training links than this weighs as much as one with this many (in fitting
# and in the cross-validated F1), so that one long list of co-sponsors does not decide the weights.
CAP = 40.0


def fold(name: str) -> str:
    """`cyberstance eval`'s name folding: whitespace and case, a leading "the" dropped."""
    s = " ".join(name.split()).lower()
    return s[4:] if s.startswith("the ") else s


def gold_key(stance: dict) -> str:
    return (stance.get("actor_code") or "").upper() or fold(stance["actor"])


def actor_keys(actor: dict) -> set[str]:
    """The keys under which `cyberstance eval` may match a predicted actor to a gold one."""
    return {fold(actor["name"]), fold(actor["id"])} | ({actor["code"].upper()} if actor.get("code") else set())


class Article:
    """One annotated record with its gold: links, relevance and the labels of both."""

    def __init__(self, record: dict, gold: dict, names: list[str], keys: list[str]):
        sts = record["statements"]
        actors = {a["id"]: a for a in record["actors"]}
        self.links = record.get("links") or []
        self.X = np.array([[l["features"][n] for n in names] for l in self.links], dtype=np.float64).reshape(-1, len(names))
        self.sentence = np.array([l["sentence"] for l in self.links], dtype=np.int64)
        self.actor = [l["actor"] for l in self.links]
        # relevance of every sentence to every target
        self.rel = np.zeros((len(sts), len(keys)))
        col = {k: j for j, k in enumerate(keys)}
        for k, s in enumerate(sts):
            for t, p in (s.get("takes") or {}).items():
                self.rel[k, col[t]] = p
        # gold: the actors of the evidence in each sentence, and the article's pairs
        at = defaultdict(set)
        for st in gold.get("stances", []):
            for k, s in enumerate(sts):
                if s["start"] <= st["evidence_start"] < s["end"]:
                    at[k].add(gold_key(st))
        self.gold_pairs = {(gold_key(st), st["target"]) for st in gold.get("stances", [])}
        self.keys = {a: actor_keys(actors[a]) for a in set(self.actor)}
        self.train = np.array([k in at for k in self.sentence], dtype=bool)
        self.y = np.array([bool(self.keys[a] & at.get(k, set())) for a, k in zip(self.actor, self.sentence)], dtype=np.float64)
        self.target_keys = keys

    def pairs(self, p: np.ndarray, threshold: float) -> tuple[int, int]:
        """(kept, correct) pairs at `threshold`, given the links' probabilities `p`."""
        best: dict[tuple[str, int], float] = {}
        for a, k, q in zip(self.actor, self.sentence, p):
            if q < threshold:
                continue
            for t in np.flatnonzero(q * self.rel[k] >= threshold):
                best[(a, t)] = 1.0
        correct = sum(any((key, self.target_keys[t]) in self.gold_pairs for key in self.keys[a]) for a, t in best)
        return len(best), correct


def fit(X: np.ndarray, y: np.ndarray, sw: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Logistic regression with sample weights `sw`, L2 on the weights (not the bias), by L-BFGS."""
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    st = torch.tensor(sw / sw.mean(), dtype=torch.float64)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(Xt @ w + b, yt, weight=st) + l2 * (w * w).sum() / len(y)
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().numpy(), float(b.detach())


def prob(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(X @ w + b)))


def pair_f1(kept: float, correct: float, gold: float) -> float:
    p, r = correct / max(kept, 1e-9), correct / max(gold, 1e-9)
    return 2 * p * r / max(p + r, 1e-9)


def score(articles: list[Article], probs: list[np.ndarray], weights: list[float], threshold: float) -> tuple[float, float, float]:
    """Weighted (kept, correct, gold) pairs over articles."""
    kept = correct = gold = 0.0
    for a, p, w in zip(articles, probs, weights):
        k, c = a.pairs(p, threshold)
        kept, correct, gold = kept + w * k, correct + w * c, gold + w * len(a.gold_pairs)
    return kept, correct, gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--signals", choices=["lexical", "model"], default="lexical")
    ap.add_argument("--binary", default=BINARY)
    ap.add_argument("--corpus", type=Path, default=DOMAIN)
    ap.add_argument("--targets", type=Path, default=Path("models/targets.tsv"))
    ap.add_argument("--pred", type=Path, help="annotated JSONL with links (default: annotate the corpus now)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cap", type=float, default=CAP, help="training links an article weighs at most")
    ap.add_argument("--drop", default="", help="features to leave out, comma-separated (ablation)")
    args = ap.parse_args()

    def annotate(out: Path, extra: list[str] = ()) -> dict[str, dict]:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        subprocess.run([args.binary, "annotate", str(args.corpus), "-o", str(out), "--quiet", "--statements",
                        "--stance-decision", "sentences", "--stance-signals", args.signals, *extra], check=True)
        return read_jsonl(out)

    gold = read_jsonl(args.corpus / "gold.jsonl")
    split = read_split(args.corpus)
    if args.pred is not None:
        records = read_jsonl(args.pred)
    else:
        records = annotate(Path("target/links") / f"{args.signals}.jsonl")
    keys = [l.split("\t")[0] for l in open(args.targets, encoding="utf-8")
            if l.strip() and not l.startswith("#")][1:]
    dropped = set(filter(None, args.drop.split(",")))
    names = sorted(set(next(l for r in records.values() for l in r.get("links") or [])["features"]) - dropped)

    def articles(which: str) -> list[Article]:
        return [Article(records[i], gold[i], names, keys) for i in sorted(records) if split.get(i) == which]

    train, dev = articles("train"), articles("dev")
    weights = [min(1.0, args.cap / max(int(a.train.sum()), 1)) for a in train]
    X = np.concatenate([a.X[a.train] for a in train])
    y = np.concatenate([a.y[a.train] for a in train])
    sw = np.concatenate([np.full(int(a.train.sum()), w) for a, w in zip(train, weights)])
    art = np.concatenate([np.full(int(a.train.sum()), n) for n, a in enumerate(train)])
    mean, scale = X.mean(0), X.std(0)
    keep = scale > 0  # a feature constant on train (e.g. a kind no actor has) is left out
    names = [n for n, k in zip(names, keep) if k]
    mean, scale, X = mean[keep], scale[keep], X[:, keep]
    for a in train + dev:
        a.X = a.X[:, keep]
    Z = (X - mean) / scale
    print(f"{len(y)} training links ({int(y.sum())} positive) from {len(train)} articles; {len(names)} features")

    rng = np.random.default_rng(args.seed)
    folds = rng.permutation(len(train)) % 5
    grid = np.round(np.arange(0.05, 0.91, 0.025), 3)
    best = None
    for l2 in [0.1, 1.0, 10.0, 100.0, 1000.0]:
        probs = [None] * len(train)
        for k in range(5):
            held = np.isin(art, np.flatnonzero(folds == k))
            w, b = fit(Z[~held], y[~held], sw[~held], l2)
            for n in np.flatnonzero(folds == k):
                probs[n] = prob((train[n].X - mean) / scale, w, b)
        fs = [pair_f1(*score(train, probs, weights, th)) for th in grid]
        th, f = float(grid[int(np.argmax(fs))]), max(fs)
        print(f"l2 {l2:g}: cross-validated pair F1 {f:.3f} at threshold {th}")
        if best is None or f > best[2]:
            best = (l2, th, f)
    l2, th, cv = best
    w, b = fit(Z, y, sw, l2)
    kept, correct, n_gold = score(dev, [prob((a.X - mean) / scale, w, b) for a in dev], [1.0] * len(dev), th)
    print(f"chosen l2 {l2:g}, threshold {th}: train CV pair F1 {cv:.3f}; dev pair F1 "
          f"{pair_f1(kept, correct, n_gold):.3f} ({int(correct)} of {int(n_gold)} gold pairs, {int(kept)} kept)")
    for n, v in sorted(zip(names, w), key=lambda x: -abs(x[1])):
        print(f"  {n:20} {v:+.3f}")

    out = json.loads(args.out.read_text()) if args.out.exists() else {}
    out["source"] = ("scripts/model/train_links.py: logistic regression on the links of corpus/domain train's "
                     "evidence sentences; regularisation and threshold by 5-fold cross-validation over its articles")
    out[args.signals] = {
        "features": names,
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in w],
        "bias": round(b, 6),
        "threshold": th,
    }
    args.out.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out} ({args.signals})")


if __name__ == "__main__":
    main()
