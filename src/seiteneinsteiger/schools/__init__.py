"""School search: the Ministry's school directory, the Schulamt's capacity table, distances and
the ranked school proposal for one case.

Everything here is a pure, typed core without a register: the directory and capacity readers
return located :class:`~seiteneinsteiger.errors.Problem` records, :func:`propose.propose` ranks
schools for an intake and its recommendation. The register (store) and the command line plug
these in (docs/internal/schools.md).
"""

from __future__ import annotations

#: The licence attribution of the school directory (Datenlizenz Deutschland – Namensnennung 2.0).
#: Every output that shows or exports directory data names it.
ATTRIBUTION = "Land NRW / Ministerium für Schule und Bildung NRW, Schulgrunddaten NRW, dl-de/by-2-0"
