"""Measure the desk's duplicate detector on public data: SemEval-2016 3B (MAP) and GitBugs Hadoop (Recall@k).

Usage: .venv/bin/python scripts/eval_duplicates.py [--data ../shared/data/duplicates] [--json]

The detector is goodterms.desk.repeats (words + character 3-grams, sublinear TF, cosine); IDF is
learnt from each data set's own texts, as the desk could learn it from a business's requests.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from goodterms.desk.repeats import cosine, learn_idf, vectorize

RELEVANT = {"PerfectMatch", "Relevant"}


def average_precision(ranked_labels: list[bool]) -> float | None:
    hits, total = 0, 0.0
    for i, rel in enumerate(ranked_labels, 1):
        if rel:
            hits += 1
            total += hits / i
    return total / hits if hits else None


def semeval(path: Path, use_idf: bool) -> dict[str, float]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        groups[row["question"]].append(row)
    idf = learn_idf([r["rel_question"] for r in rows] + list(groups)) if use_idf else None
    aps, given, rand = [], [], []
    rng = random.Random(0)
    for question, cands in groups.items():
        q = vectorize(question, idf)
        scored = sorted(cands, key=lambda r: -cosine(q, vectorize(r["rel_question"], idf)))
        ap = average_precision([r["labels"] in RELEVANT for r in scored])
        if ap is None:
            continue  # no relevant candidate: MAP is undefined for this query
        aps.append(ap)
        given.append(average_precision([r["labels"] in RELEVANT for r in cands]) or 0.0)
        shuffled = []
        for _ in range(50):
            order = cands[:]
            rng.shuffle(order)
            shuffled.append(average_precision([r["labels"] in RELEVANT for r in order]) or 0.0)
        rand.append(sum(shuffled) / len(shuffled))
    return {
        "queries": len(aps),
        "map": 100 * sum(aps) / len(aps),
        "map_given_order": 100 * sum(given) / len(given),
        "map_random": 100 * sum(rand) / len(rand),
    }


def gitbugs(folder: Path, use_idf: bool) -> dict[str, float]:
    csv.field_size_limit(sys.maxsize)
    with (folder / "hadoop_bugs.csv").open(encoding="utf-8") as fh:
        reports = {r["Issue id"]: f"{r['Summary']}\n{r['Description']}" for r in csv.DictReader(fh)}
    pairs: set[frozenset[str]] = set()
    with (folder / "hadoop_bugs-combined.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for dup in row["Duplicate id"].split(","):
                a, b = row["Issue id"].strip(), dup.strip()
                if a in reports and b in reports and a != b:
                    pairs.add(frozenset((a, b)))
    dups: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        a, b = tuple(pair)
        dups[a].add(b)
        dups[b].add(a)
    idf = learn_idf(reports.values()) if use_idf else None
    ids = list(reports)
    vecs = {i: vectorize(reports[i], idf) for i in ids}
    hits = {1: 0, 5: 0, 10: 0}
    rr = 0.0
    for query, targets in dups.items():
        ranked = sorted((i for i in ids if i != query), key=lambda i: -cosine(vecs[query], vecs[i]))
        first = next(n for n, i in enumerate(ranked, 1) if i in targets)
        rr += 1 / first
        for k in hits:
            hits[k] += first <= k
    n = len(dups)
    return {
        "pairs": len(pairs),
        "queries": n,
        "recall@1": hits[1] / n,
        "recall@5": hits[5] / n,
        "recall@10": hits[10] / n,
        "mrr": rr / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/duplicates"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = {}
    for use_idf in (True, False):
        tag = "idf" if use_idf else "tf"
        for split in ("train", "val"):
            results[f"semeval_{split}_{tag}"] = semeval(args.data / f"semeval2016_cqa_b.{split}.csv", use_idf)
        results[f"gitbugs_hadoop_{tag}"] = gitbugs(args.data / "gitbugs", use_idf)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, figures in results.items():
        print(
            name, " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
        )


if __name__ == "__main__":
    main()
