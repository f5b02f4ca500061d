"""Small-cell suppression for published counts (k = 5).

A table is a list of counts whose total is known (it is printed, and it is the number of pupils
counted, which every table shares). A count from 1 to 4 could identify a child (the one
14-year-old girl from Eritrea in a small Kreis), so it is shown as ``"< 5"`` (primary
suppression). A single hidden count could be recomputed from the total, and so could several
hidden counts whose sum leaves only one possibility (two hidden cells that add up to 2 must both
be 1); so further cells are hidden as ``"x"`` (secondary suppression), smallest first, until no
hidden cell can be pinned down. When that is impossible, or when fewer than 5 pupils are counted
at all, the whole table is withheld.

Zero is shown as 0: it tells nothing about a person.

A reader who knows this procedure knows: a ``"< 5"`` cell holds 1 to 4, an ``"x"`` cell holds at
least 5 (only cells of 5 or more are picked), and the hidden cells add up to the total minus the
shown cells. :func:`pinned_down` checks that under exactly this knowledge every hidden cell still
has at least two possible values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

K = 5
SMALL = "< 5"
HIDDEN = "x"

Shown = int | str


@dataclass(frozen=True, slots=True)
class Table:
    """What may be published for one table of counts."""

    cells: list[Shown]
    total: int
    withheld: bool = False


def suppress(counts: Sequence[int], *, k: int = K) -> Table:
    """The publishable form of ``counts`` (whose total the reader knows)."""
    if any(count < 0 for count in counts):
        raise ValueError("counts must not be negative")
    total = sum(counts)
    if 0 < total < k:
        return _withheld(counts)
    primary = {i for i, count in enumerate(counts) if 0 < count < k}
    secondary: set[int] = set()
    while pinned_down(counts, primary, secondary, k=k):
        candidates = sorted(
            (i for i, count in enumerate(counts) if count >= k and i not in secondary),
            key=lambda i: (counts[i], i),
        )
        if not candidates:
            return _withheld(counts)
        secondary.add(candidates[0])
    cells: list[Shown] = []
    for i, count in enumerate(counts):
        if i in primary:
            cells.append(SMALL)
        elif i in secondary:
            cells.append(HIDDEN)
        else:
            cells.append(count)
    return Table(cells=cells, total=total)


def _withheld(counts: Sequence[int]) -> Table:
    return Table(cells=[HIDDEN] * len(counts), total=sum(counts), withheld=True)


def pinned_down(
    counts: Sequence[int], primary: set[int], secondary: set[int], *, k: int = K
) -> bool:
    """Whether a hidden cell can be worked out from what is shown (total shown)."""
    hidden = sorted(primary | secondary)
    if not hidden:
        return False
    rest = sum(counts[i] for i in hidden)  # = total - shown cells, known to the reader
    lows = {i: (1 if i in primary else k) for i in hidden}
    highs = {i: (k - 1 if i in primary else rest) for i in hidden}
    low_sum = sum(lows.values())
    high_sum = sum(highs.values())
    for i in hidden:
        low = max(lows[i], rest - (high_sum - highs[i]))
        high = min(highs[i], rest - (low_sum - lows[i]))
        if high <= low:
            return True
    return False
