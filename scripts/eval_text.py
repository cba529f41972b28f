"""Measure goodterms.text: the business-message set (test split) and the tweet guards (validation splits).

Run from the repository root: ``.venv/bin/python scripts/eval_text.py [--embed] [--business-only]``
(``--embed``: the optional embedding path, needs the ``goodterms[embed]`` extra; ``--business-only``: skip the
slower tweet guards). The business set is tests/data/business_messages.jsonl; only its test split is reported.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "src"))

from train_tone import DATA, ET3, TH4, estonian_valence, read_jsonl, tweeteval, wisesight  # noqa: E402

from goodterms.text import ToneModel, analyze, detect_language, load_default_model  # noqa: E402
from goodterms.text.quality import read_rows, score_by_language  # noqa: E402

BUSINESS = ROOT.parent / "tests" / "data" / "business_messages.jsonl"
EVERYDAY = (
    ("tatoeba.tha-eng.tha", "th"),
    ("tatoeba.est-eng.est", "et"),
    ("tatoeba.est-eng.eng", "en"),
    ("tatoeba.tha-eng.eng", "en"),
)


def prf(gold: Sequence[int], pred: Sequence[int]) -> str:
    """Precision and recall of class 1, macro-F1 over classes 0 and 1, accuracy."""
    f1s = []
    out = {}
    for cls in (0, 1):
        tp = sum(g == cls and p == cls for g, p in zip(gold, pred, strict=True))
        fp = sum(g != cls and p == cls for g, p in zip(gold, pred, strict=True))
        fn = sum(g == cls and p != cls for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        out[cls] = (prec, rec)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    return (
        f"n={len(gold)} P(1)={out[1][0]:.3f} R(1)={out[1][1]:.3f} macro-F1={sum(f1s) / 2:.3f} acc={acc:.3f}"
    )


def accuracy(gold: Sequence[int], pred: Sequence[int]) -> float:
    """Share of equal labels."""
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def business(model: ToneModel) -> None:
    """Print the business-set figures (test split) and the everyday-sentence false alarms, per language."""
    print("Business messages, test split (tests/data/business_messages.jsonl):")
    print(
        "  lang    n  hostile-F1  threat-recall  frustrated->hostile  discount-F1  deadline-acc  spurious-deadline"
    )
    for lang, s in score_by_language(read_rows(BUSINESS, "test"), model).items():
        print(
            f"  {lang:4} {s.n:4}  {s.hostile_f1:10.3f}  {s.threat_recall:13.3f}  "
            f"{s.frustrated_hostile:>11}/{s.frustrated:<7}  {s.discount_f1:11.3f}  "
            f"{s.deadline_accuracy:6.3f} ({s.deadline_right}/{s.deadlines})  {s.deadline_spurious:>5}"
        )
    for name, lang in EVERYDAY:
        lines = [t for t in (DATA / "language" / name).read_text(encoding="utf-8").splitlines() if t.strip()]
        tones = [analyze(t, lang=lang, model=model).tone for t in lines]
        alarms = sum(t.label == "hostile" for t in tones)
        print(
            f"Everyday sentences ({name}), read as hostile: {alarms}/{len(lines)} "
            f"= {alarms / len(lines):.2%} (threats {sum(t.threat for t in tones)})"
        )


def main() -> None:
    """Print one line per data set."""
    parser = argparse.ArgumentParser(description="Measure goodterms.text on the business set and guards.")
    parser.add_argument("--embed", action="store_true", help="use the embedding path (goodterms[embed])")
    parser.add_argument("--business-only", action="store_true", help="skip the tweet guards")
    args = parser.parse_args()
    model = load_default_model(embed=args.embed)
    print(f"model: {'n-gram + embedding heads' if args.embed else 'n-gram heads (default path)'}")
    business(model)
    if args.business_only:
        return
    texts, gold = tweeteval("val")
    hostile = [int(analyze(t, lang="en", model=model).tone.label == "hostile") for t in texts]
    head = [int(model.scores(t, "en").offensive >= 0.5) for t in texts]
    print(f"TweetEval offensive val, label==hostile:        {prf(gold, hostile)}")
    print(f"TweetEval offensive val, rudeness head >= 0.5:  {prf(gold, head)}")

    rows = [r for r in read_jsonl(DATA / "tone" / "th" / "thai_toxicity_tweet.dev.jsonl")]
    rows = [r for r in rows if str(r["text"]).strip() and r["text"] != "TWEET_NOT_FOUND"]
    texts, gold = [str(r["text"]) for r in rows], [int(str(r["toxic"])) for r in rows]
    labels = [analyze(t, lang="th", model=model).tone.label for t in texts]
    print(
        f"Thai toxicity dev, label==hostile:              {prf(gold, [int(x == 'hostile') for x in labels])}"
    )
    tense = [int(x in ("hostile", "frustrated")) for x in labels]
    print(f"Thai toxicity dev, label in hostile|frustrated: {prf(gold, tense)}")

    texts, gold = wisesight("valid")
    pred = [TH4.index(max(s, key=lambda k: s[k])) for s in (model.scores(t, "th").thai for t in texts)]
    print(f"Wisesight valid 4-class accuracy:               n={len(gold)} acc={accuracy(gold, pred):.3f}")

    texts, gold = estonian_valence("heldout")
    pred = [ET3.index(max(s, key=lambda k: s[k])) for s in (model.scores(t, "et").estonian for t in texts)]
    print(f"Estonian valence held-out 3-class accuracy:     n={len(gold)} acc={accuracy(gold, pred):.3f}")

    lang_dir = DATA / "language"
    for lo, hi in ((1, 10_000), (10, 30)):
        cases = []
        for name, lang in (
            ("tatoeba.est-eng.est", "et"),
            ("tatoeba.est-eng.eng", "en"),
            ("tatoeba.tha-eng.eng", "en"),
            ("tatoeba.tha-eng.tha", "th"),
        ):
            for line in (lang_dir / name).read_text(encoding="utf-8").splitlines():
                if lo <= len(line) <= hi and zlib.crc32(line.encode("utf-8")) % 5 == 0:
                    cases.append((line, lang))
        right = sum(detect_language(t) == lang for t, lang in cases)
        per = {
            lang: f"{sum(detect_language(t) == g for t, g in cases if g == lang)}/"
            f"{sum(g == lang for _, g in cases)}"
            for lang in ("th", "et", "en")
        }
        print(
            f"Language ID, Tatoeba held-out, {lo}-{hi} chars: n={len(cases)} "
            f"acc={right / len(cases):.3f} {per}"
        )


if __name__ == "__main__":
    main()
