#!/usr/bin/env python3
"""Runs `cyberstance annotate` on Apache Spark: `RDD.pipe` streams each partition's JSONL records
through the unchanged binary (`annotate - -o -`: JSONL on stdin, records on stdout, one line each,
in order), so each partition's output lines are its input's records, annotated.

    .venv-spark/bin/python scripts/spark/spark_annotate.py INPUT OUTPUT [--master local[2]] [--partitions N]
        [--binary PATH] [--home DIR] [-- extra annotate flags]

INPUT: a JSONL file, a directory of JSONL shards, or a glob (anything `SparkContext.textFile`
reads, local or HDFS/S3). OUTPUT: a directory of `part-*` files (Spark's text output). Each
executor runs one binary per partition with `--threads 1` (Spark runs one task per core).
Records that fail are reported on the executors' stderr and left out, as in a single run.

On a cluster (see docs/usage.md, "Scale-out"): pack the binary, `models/` and `.runtime/` into one
archive and give it to spark-submit with `--archives cyberstance.tar.gz#cs`; then
`--binary ./cs/cyberstance --home ./cs` makes every executor run its own unpacked copy.
"""

import argparse
import os
import shlex
import sys
from pathlib import Path

from pyspark import SparkConf, SparkContext

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        k = argv.index("--")
        argv, extra = argv[:k], argv[k + 1:]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--master", default=None, help="Spark master (default: spark-submit's, else local[*])")
    ap.add_argument("--partitions", type=int, default=None, help="at least this many partitions")
    ap.add_argument("--binary", default=str(ROOT / "target" / "release" / "cyberstance"))
    ap.add_argument("--home", default=None, help="CYBERSTANCE_HOME on the executors (models/ and .runtime/)")
    args = ap.parse_args(argv)

    conf = SparkConf().setAppName("cyberstance annotate")
    if args.master:
        conf = conf.setMaster(args.master)
    elif not conf.contains("spark.master"):
        conf = conf.setMaster("local[*]")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    try:
        lines = sc.textFile(args.input, minPartitions=args.partitions) if args.partitions else sc.textFile(args.input)
        command = [args.binary, "annotate", "-", "-o", "-", "--quiet", "--threads", "1", *extra]
        env = {"CYBERSTANCE_HOME": args.home} if args.home else {}
        # checkCode stays off: exit status 1 means some records failed, which are reported and left
        # out as in a single run; a binary that cannot start writes nothing and says why on stderr
        out = lines.pipe(" ".join(shlex.quote(c) for c in command), env=env)
        out.saveAsTextFile(args.output)
    finally:
        sc.stop()


if __name__ == "__main__":
    main()
