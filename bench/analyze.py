"""Benchmark goodterms.text.analyze on the default path: messages/s on one core, model load time, model size.

Run: ``.venv/bin/python bench/analyze.py`` (single process, so the figure is per core).
"""

from __future__ import annotations

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
    start = time.perf_counter()
    from goodterms.text import analyze, load_default_model

    import_s = time.perf_counter() - start
    t0 = time.perf_counter()
    load_default_model()
    model_s = time.perf_counter() - t0
    analyze("warm up the language identifier, lexicons and tokenisers", at=datetime.now(UTC))
    analyze("อุ่นเครื่อง", at=datetime.now(UTC))
    analyze("Soojendus, palun", at=datetime.now(UTC))
    load_s = time.perf_counter() - start
    model_dir = resources.files("goodterms.text").joinpath("model")
    size = sum(f.stat().st_size for f in model_dir.iterdir() if f.is_file())  # type: ignore[attr-defined]
    at = datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
    rounds = 300
    start = time.perf_counter()
    for _ in range(rounds):
        for text in MESSAGES:
            analyze(text, at=at, tz="Europe/Tallinn")
    elapsed = time.perf_counter() - start
    n = rounds * len(MESSAGES)
    avg_len = sum(len(m) for m in MESSAGES) / len(MESSAGES)
    print(f"import goodterms.text: {import_s:.2f} s; tone model load: {model_s:.2f} s")
    print(f"import + model load + first call per language (lexicons, langid, newmm): {load_s:.2f} s")
    print(f"model files: {size / 1e6:.1f} MB")
    print(f"default path: {n / elapsed:,.0f} messages/s on one core ({n} messages, mean {avg_len:.0f} chars)")


if __name__ == "__main__":
    main()
