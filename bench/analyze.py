"""Benchmark goodterms.text.analyze on the default path: messages/s on one core, model load time, model size.

Run: ``.venv/bin/python bench/analyze.py [--embed]`` (single process, so the figure is per core;
``--embed`` measures the optional embedding path, extra ``goodterms[embed]``, with OMP_NUM_THREADS=1).
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime
from importlib import resources

MESSAGES = [
    "Please send the invoice by Friday, thanks",
    "I've written three times and still no answer",
    "You are useless idiots",
    "Can you give us a discount?",
    "Palun saatke arve homme hommikuks",
    "Kirjutan juba kolmas kord, vastust pole",
    "Kas saaks allahindlust?",
    "ขอไฟล์ภายในวันนี้นะคะ",
    "ขอส่วนลดหน่อยได้ไหมครับ",
    "ติดต่อหลายครั้งแล้วยังไม่มีใครตอบ",
]


def main() -> None:
    """Print load time, model size and throughput."""
    parser = argparse.ArgumentParser(description="Benchmark goodterms.text.analyze.")
    parser.add_argument("--embed", action="store_true", help="the embedding path (goodterms[embed])")
    parser.add_argument("--rounds", type=int, default=300, help="passes over the 10 messages")
    args = parser.parse_args()
    if args.embed:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
    start = time.perf_counter()
    from goodterms.text import analyze, load_default_model

    import_s = time.perf_counter() - start
    t0 = time.perf_counter()
    model = load_default_model(embed=args.embed)
    model_s = time.perf_counter() - t0
    analyze("warm up the language identifier, lexicons and tokenisers", at=datetime.now(UTC), model=model)
    analyze("อุ่นเครื่อง", at=datetime.now(UTC), model=model)
    analyze("Soojendus, palun", at=datetime.now(UTC), model=model)
    load_s = time.perf_counter() - start
    model_dir = resources.files("goodterms.text").joinpath("model")
    size = sum(f.stat().st_size for f in model_dir.iterdir() if f.is_file())  # type: ignore[attr-defined]
    at = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
    rounds = args.rounds
    start = time.perf_counter()
    cpu_start = time.process_time()
    for r in range(rounds):
        for text in MESSAGES:
            # A fresh text each round, so that no cache (the embedding cache, the last few Thai segmentations)
            # can answer from an earlier round: the figure is for messages never seen before.
            analyze(f"{text} {r}", at=at, tz="Europe/Tallinn", model=model)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    n = rounds * len(MESSAGES)
    avg_len = sum(len(f"{m} {r}") for m in MESSAGES for r in range(rounds)) / n
    print(f"import goodterms.text: {import_s:.2f} s; tone model load: {model_s:.2f} s")
    print(f"import + model load + first call per language (lexicons, langid, newmm): {load_s:.2f} s")
    print(f"model files: {size / 1e6:.1f} MB")
    path = "embedding path" if args.embed else "default path"
    print(f"{path}: {n / elapsed:,.0f} messages/s on one core ({n} messages, mean {avg_len:.0f} chars)")
    # On a shared machine wall time includes waiting for the core; CPU time is what one core spends.
    print(f"{path}: {n / cpu:,.0f} messages per CPU-second (this process's CPU time: {cpu:.2f} s)")


if __name__ == "__main__":
    main()
