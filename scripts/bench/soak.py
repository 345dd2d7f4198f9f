#!/usr/bin/env python3
"""Soak run of `cyberstance annotate`, for the reliability issue's closing note.

1. Streaming: a ~1 GB JSONL input (oversized lines of 5 MB between ordinary records) built at run
   time; prints peak RSS, which must stay near that of a small run (the reader never holds an
   over-long line).
2. Soak: N synthetic articles (default 100,000) built at run time from templates (states and
   speakers from the shipped gazetteer, issues from the targets' keywords), annotated end to end
   with stances. The run is killed (SIGKILL) once at KILL_AT of the way and resumed with
   --resume; every SAMPLE seconds the trace gets elapsed time, records written and RSS. At the end
   the output must hold every id once, in input order.

    python3 scripts/bench/soak.py [N] [--kill-at 0.4] [--sample 10] [--out bench-out/soak]
Nothing it builds is committed (bench-out/ is ignored).
"""

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "target" / "release" / "cyberstance"


def rss_mib(pid: int) -> float:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tsv_column(path: Path, column: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        rows = csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t")
        return [r[column] for r in rows if r.get(column)]


def synthetic(n: int, path: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    states = tsv_column(ROOT / "models/gazetteer/states.tsv", "name")
    keywords = [k for ks in tsv_column(ROOT / "models/targets.tsv", "keywords") for k in ks.split("|") if k]
    people = ["Ambassador Maria Lopez", "Mr. Chen Wei", "Ms. Amina Diallo", "Foreign Minister Jan Novak",
              "Deputy Permanent Representative Ravi Kumar", "Ambassador Sofia Rossi"]
    verbs = ["said", "stressed", "underlined", "argued", "warned", "called for", "rejected", "welcomed"]
    venues = ["the Security Council", "the Open-ended Working Group", "the General Assembly", "UNIDIR"]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            a, b = rng.sample(states, 2)
            p = rng.choice(people)
            sents = [
                f"{a} {rng.choice(verbs)} that {rng.choice(keywords)} matters at {rng.choice(venues)}.",
                f"{p} of {b} {rng.choice(verbs)} {rng.choice(keywords)} and {rng.choice(keywords)}.",
                f"According to {a}, states must not support {rng.choice(keywords)} without consensus.",
                f"“We {rng.choice(['support', 'oppose', 'welcome'])} {rng.choice(keywords)},” {b} said on {rng.randint(1, 28)} May.",
            ]
            rng.shuffle(sents)
            f.write(json.dumps({"id": f"soak-{i:06d}", "text": " ".join(sents[: rng.randint(2, 4)]),
                                "source": "synthetic"}, ensure_ascii=False) + "\n")


def streaming(out: Path) -> None:
    path = out / "huge.jsonl"
    big = "x" * (5 << 20)
    with open(path, "w") as f:
        for i in range(200):
            f.write(json.dumps({"id": f"big-{i}", "text": big}) + "\n")
            for j in range(10):
                f.write(json.dumps({"id": f"ok-{i}-{j}", "text": "Kenya and Chile spoke at the UN."}) + "\n")
    size = path.stat().st_size
    t = time.time()
    r = subprocess.run(["/usr/bin/time", "-f", "%M", str(BIN), "annotate", str(path), "-o", str(out / "huge.out.jsonl"),
                        "--quiet", "--no-stances"], capture_output=True, text=True)
    peak = int(r.stderr.strip().splitlines()[-1]) / 1024
    errors = sum(1 for l in r.stderr.splitlines() if l.startswith("error:"))
    written = sum(1 for _ in open(out / "huge.out.jsonl"))
    print(f"streaming: {size / 1e9:.2f} GB JSONL in {time.time() - t:.1f} s, {written} records written, "
          f"{errors} over-long lines reported, peak RSS {peak:.0f} MiB")
    path.unlink()


def soak(n: int, kill_at: float, sample: float, out: Path) -> None:
    inp, res, trace = out / "soak.jsonl", out / "soak.out.jsonl", out / "soak-trace.tsv"
    if not inp.exists() or sum(1 for _ in open(inp)) != n:
        synthetic(n, inp)
    res.unlink(missing_ok=True)
    start = time.time()
    killed = False
    peak = 0.0
    with open(trace, "w") as tr:
        tr.write("seconds\trecords\trss_mib\tevent\n")
        while True:
            proc = subprocess.Popen([str(BIN), "annotate", str(inp), "-o", str(res), "--resume", "--quiet"],
                                    stderr=subprocess.PIPE, text=True)
            event = "resumed" if killed else "started"
            while proc.poll() is None:
                time.sleep(sample)
                # a run in progress writes OUT.part, renamed over OUT when it succeeds
                part = res.with_name(res.name + ".part")
                now = part if part.exists() else res
                done = sum(1 for _ in open(now)) if now.exists() else 0
                rss = rss_mib(proc.pid)
                peak = max(peak, rss)
                tr.write(f"{time.time() - start:.0f}\t{done}\t{rss:.0f}\t{event}\n")
                tr.flush()
                event = ""
                if not killed and done >= kill_at * n and proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    killed = True
                    tr.write(f"{time.time() - start:.0f}\t{done}\t0\tkilled\n")
                    print(f"killed at {done} records, {time.time() - start:.0f} s", flush=True)
                    break
            if proc.returncode == 0:
                summary = proc.stderr.read().strip().splitlines()[-1]
                print("last run:", summary)
                break
            if proc.returncode != -signal.SIGKILL:
                sys.exit(f"soak: annotate failed ({proc.returncode}): {proc.stderr.read()}")
    wall = time.time() - start
    ids = [json.loads(l)["id"] for l in open(res)]
    assert ids == [f"soak-{i:06d}" for i in range(n)], "every id once, in input order"
    rows = list(csv.DictReader(open(trace), delimiter="\t"))
    print(f"soak: {n} articles in {wall:.0f} s wall ({n / wall:.1f} articles/s, kill and reload included), "
          f"peak RSS {peak:.0f} MiB; output holds every id once, in order; trace {trace}")
    # throughput over time: records per second between samples, by tenth of the run
    pts = [(float(r["seconds"]), int(r["records"])) for r in rows if r["event"] != "killed"]
    tenth = max(1, len(pts) // 10)
    for k in range(0, len(pts) - tenth, tenth):
        (t0, r0), (t1, r1) = pts[k], pts[k + tenth]
        print(f"  {t0:6.0f}-{t1:6.0f} s: {(r1 - r0) / max(t1 - t0, 1e-9):6.1f} articles/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=100_000)
    ap.add_argument("--kill-at", type=float, default=0.4)
    ap.add_argument("--sample", type=float, default=10.0)
    ap.add_argument("--out", type=Path, default=ROOT / "bench-out" / "soak")
    ap.add_argument("--skip-streaming", action="store_true")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit("soak: build first (scripts/setup.sh)")
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.skip_streaming:
        streaming(args.out)
    soak(args.n, args.kill_at, args.sample, args.out)


if __name__ == "__main__":
    main()
