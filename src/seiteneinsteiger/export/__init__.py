"""Exports of intakes and recommendations for the receiving school, the Schulamt, statistics and
SchILD-NRW.

Every exporter is a pure function over :class:`~seiteneinsteiger.export.rows.ExportRow` values
(intake, recommendation, source) that writes one file; openpyxl is imported inside the exporters
only. Every cell goes through :mod:`seiteneinsteiger.export.cells`, every file through
:func:`seiteneinsteiger.fsutil.atomic_write`, and every export is recorded by
:mod:`seiteneinsteiger.export.log`.
"""
