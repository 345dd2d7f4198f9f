#!/usr/bin/env bash
# cyberstance against its peers, in one run, on the same corpora and machine:
#   cyberstance   `annotate` end to end (NER + actors + stances), model load included
#   hf            the transformers token-classification pipeline on the same NER weights (fp32,
#                 batch 32, stride 32; scripts/bench/bench_peers.py), model load excluded
#   spacy         spaCy en_core_web_md 3.8, nlp.pipe batch 32, full pipeline; spacy-ner: only its NER
# Corpora (scripts/bench/bench_corpus.py, built at run time from ../shared): the CoNLL-2003 test documents
# as articles, and the seed articles x40. Prints articles/s, words/s, subword tokens/s (the MiniLM
# tokenizer's count for every system), peak RSS, CoNLL-2003 test strict F1, and the ratios.
#   scripts/bench/bench.sh [CONLL_DIR]        (needs scripts/setup.sh --bench once, for .venv and .venv-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
conll=${1:-${CONLL2003_DIR:-../shared/data/conll2003}}
out=bench-out
mkdir -p "$out"
[ -x .venv/bin/python ] && [ -x .venv-bench/bin/python ] || { echo "bench.sh: run scripts/setup.sh --bench first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench.sh: needs GNU time (/usr/bin/time; Debian package 'time') for peak RSS" >&2; exit 2; }
python3 scripts/bench/bench_corpus.py "$conll" "$out"
cargo build --release --locked --quiet
results="$out/results.jsonl"
: > "$results"

timed() { # timed NAME CORPUS COMMAND...: runs it under /usr/bin/time, appends a JSON line
  local name=$1 corpus=$2
  shift 2
  /usr/bin/time -f '%e %M' -o "$out/time.txt" "$@" > "$out/stdout.txt" 2> "$out/stderr.txt" || {
    cat "$out/stderr.txt" >&2
    exit 1
  }
  read -r secs rss_kb < "$out/time.txt"
  python3 - "$name" "$corpus" "$secs" "$rss_kb" "$out" >> "$results" <<'PY'
import json, re, sys
name, corpus, wall, rss, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if name == "cyberstance":
    summary = next(l for l in open(f"{out}/stderr.txt") if l.startswith("annotated"))
    texts = [json.loads(l)["text"] for l in open(f"{out}/{corpus}.jsonl")]
    r = {"seconds": wall, "articles": int(re.search(r"(\d+) ok", summary).group(1)),
         "tokens": int(re.search(r"(\d+) tokens", summary).group(1)), "words": sum(len(t.split()) for t in texts)}
else:
    r = json.loads(open(f"{out}/stdout.txt").read().strip().splitlines()[-1])
r.update(system=name, corpus=corpus, peak_rss_mib=round(rss / 1024))
print(json.dumps(r))
PY
}

for corpus in conll-test seeds-x40; do
  in="$out/$corpus.jsonl"
  timed cyberstance "$corpus" ./target/release/cyberstance annotate "$in" -o "$out/$corpus.out.jsonl"
  timed hf "$corpus" .venv/bin/python scripts/bench/bench_peers.py hf "$in"
  timed spacy "$corpus" .venv-bench/bin/python scripts/bench/bench_peers.py spacy "$in"
  timed spacy-ner "$corpus" .venv-bench/bin/python scripts/bench/bench_peers.py spacy "$in" --ner-only
done

# CoNLL-2003 test F1 of each, the same projection of entities onto CoNLL words
test_file="$conll/conll2003_test.iob2"
f1_cs=$(./target/release/cyberstance eval-conll "$test_file" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['entities']['strict']['f1'])")
f1_hf=$(.venv/bin/python scripts/bench/bench_peers.py hf "$out/conll-test.jsonl" --conll "$test_file" 2>/dev/null | python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['conll_f1'])")
f1_sp=$(.venv-bench/bin/python scripts/bench/bench_peers.py spacy "$out/conll-test.jsonl" --ner-only --conll "$test_file" 2>/dev/null | python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['conll_f1'])")

python3 - "$results" "$f1_cs" "$f1_hf" "$f1_sp" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
f1 = {"cyberstance": float(sys.argv[2]), "hf": float(sys.argv[3]), "spacy": float(sys.argv[4]), "spacy-ner": float(sys.argv[4])}
print(f"{'corpus':11s} {'system':12s} {'articles/s':>10s} {'words/s':>9s} {'tokens/s':>9s} {'peak RSS':>9s} {'CoNLL F1':>9s}  ratios (tokens/s)")
for corpus in ("conll-test", "seeds-x40"):
    by = {r["system"]: r for r in rows if r["corpus"] == corpus}
    for name in ("cyberstance", "hf", "spacy", "spacy-ner"):
        r = by[name]
        s = r["seconds"]
        extra = ""
        if name == "cyberstance":
            extra = "  x{:.2f} hf, x{:.2f} spacy-ner (words/s)".format(
                r["tokens"] / s / (by["hf"]["tokens"] / by["hf"]["seconds"]),
                r["words"] / s / (by["spacy-ner"]["words"] / by["spacy-ner"]["seconds"]))
        print(f"{corpus:11s} {name:12s} {r['articles']/s:10.1f} {r['words']/s:9.0f} {r['tokens']/s:9.0f} "
              f"{r['peak_rss_mib']:6d} MiB {100*f1[name]:8.2f}{extra}")
PY
