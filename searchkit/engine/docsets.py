"""Sorted arrays of document numbers used as sets: unique, union, membership, grouped sums.

numpy's own set routines (``np.unique``, ``np.union1d``, ``np.isin`` without
``assume_unique``) import ``numpy.ma`` on their first call, 10 to 30 ms of a
one-shot query; these do the same with a sort and comparisons.
"""

from __future__ import annotations

import numpy as np


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending."""
    if len(values) < 2:
        return values
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def union(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The sorted union of two arrays."""
    if not len(second):
        return first
    if not len(first):
        return second
    return unique_sorted(np.concatenate([first, second]))


def contains(members: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of ``values``, whether it is in the sorted array ``members``."""
    if not len(members) or not len(values):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(members, values), len(members) - 1)
    return members[at] == values


def grouped_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (ascending) and the sum of the values of each."""
    if not len(keys):
        return keys, values.astype(np.float64)
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order].astype(np.float64)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[starts], np.add.reduceat(values, starts)
