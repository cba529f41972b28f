"""Per-group arithmetic on numpy columns for the assessment's loader (pure)."""

from __future__ import annotations

from typing import Any

import numpy as np


def group_min(keys: np.ndarray[Any, Any], values: np.ndarray[Any, Any]) -> tuple[list[int], list[int]]:
    """Return the distinct keys and, for each, the smallest of its values."""
    unique, inverse = np.unique(keys, return_inverse=True)
    mins = np.full(len(unique), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(mins, inverse, values)
    return unique.tolist(), mins.tolist()


def union_days(
    group: np.ndarray[Any, Any], start: np.ndarray[Any, Any], end: np.ndarray[Any, Any], size: int
) -> np.ndarray[Any, Any]:
    """Return per group the days covered by at least one of its [start, end) intervals (epoch seconds).

    The delay a client caused is the time work waited on them, not the sum of every ask's wait: five
    asks waiting through the same month are one month of delay, so it never exceeds the relationship.
    """
    keep = end > start
    group, start, end = group[keep], start[keep].astype(np.int64), end[keep].astype(np.int64)
    if not len(group):
        return np.zeros(size)
    order = np.lexsort((start, group))
    group, start, end = group[order], start[order], end[order]
    # Running maximum of the ends within each group: groups are sorted, so offsetting each by its
    # group number times a span larger than any time keeps one group's ends from reaching the next.
    offset = group.astype(np.int64) << 40
    reach = np.maximum.accumulate(offset + end) - offset
    before = np.concatenate(([np.iinfo(np.int64).min], reach[:-1]))
    before[np.concatenate(([True], group[1:] != group[:-1]))] = np.iinfo(np.int64).min
    covered = np.maximum(end - np.maximum(start, before), 0)
    return np.bincount(group, weights=covered / 86400.0, minlength=size)
