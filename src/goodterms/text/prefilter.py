"""Rule out a list of regular expressions with one search, so that only lists that can match run one by one.

Deadlines and discount asks are found by running some forty patterns over every message, though most
messages match none of them. A single alternation of all of a list's patterns matches somewhere exactly when
one of them does, so one search decides whether the list needs running at all. When every alternative of every
pattern begins with the same word-start assertion, the alternation is anchored there once, which makes it cheap
(Python's engine otherwise tries every alternative at every position).
"""

from __future__ import annotations

import re

WORD_START = r"(?<![\w])"
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
THAI_CHAR = re.compile(r"[\u0e00-\u0e7f]")
# A letter that is neither Thai nor a digit: what a Latin-script pattern needs to match something.
NON_THAI_LETTER = re.compile(r"[^\W\d_\u0e00-\u0e7f]")


def branches(pattern: str) -> list[str]:
    """Split *pattern* at its top-level ``|`` (outside groups and character classes)."""
    parts: list[str] = []
    depth = start = i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            # A "]" right after "[" or "[^" is a literal, not the end of the class.
            for lead in ("^]", "]"):
                if pattern.startswith(lead, i + 1):
                    i += len(lead)
                    break
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def starts_at_word(pattern: re.Pattern[str]) -> bool:
    """Whether every top-level alternative of *pattern* begins with the word-start assertion."""
    return all(b.startswith(WORD_START) for b in branches(pattern.pattern))


def any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches somewhere exactly when one of *patterns* does (None for no patterns).

    All of *patterns* must share their flags. Named groups become plain groups (names may repeat).
    """
    if not patterns:
        return None
    flags = {p.flags for p in patterns}
    if len(flags) != 1:
        raise ValueError("patterns with different flags")
    body = "|".join("(?:" + _NAMED_GROUP.sub("(?:", p.pattern) + ")" for p in patterns)
    anchor = WORD_START if all(starts_at_word(p) for p in patterns) else ""
    return re.compile(f"{anchor}(?:{body})", flags.pop())


def earliest(pattern: re.Pattern[str] | None, text: str, needs: re.Pattern[str]) -> int | None:
    """Where the leftmost match of *pattern* (an ``any_of``) in *text* starts, or None when there is none.

    None at once when *needs* (the script the patterns are written in) finds nothing. No single pattern can
    match before this position, so each of them may be searched from there (lookbehinds still see the text
    before it; none of the patterns uses ``^``).
    """
    if pattern is None or needs.search(text) is None:
        return None
    match = pattern.search(text)
    return None if match is None else match.start()
