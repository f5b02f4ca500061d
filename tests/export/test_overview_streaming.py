"""``export overview`` streams its rows (issue 13) and still writes the same workbook, part for
part, as building it from every row held in memory, and as building it from the recommendations
of the contract model (the engine's result before issue 13)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

from seiteneinsteiger.codes import ConsentScope
from seiteneinsteiger.export.overview import OverviewCover, build_overview_workbook
from seiteneinsteiger.export.pipeline import make_recommender, prepare_rows
from seiteneinsteiger.export.profiles import load_profile
from seiteneinsteiger.export.rows import ExportRow, split_by_consent
from seiteneinsteiger.export.run import Options, run_overview
from seiteneinsteiger.rules.result import Result

from .conftest import INTAKES, TODAY

CREATED = dt.date(2026, 3, 1)
#: The only part that differs between two saves: the creation and modification time.
VOLATILE_PARTS = {"docProps/core.xml"}


def _many_intakes(directory: Path, copies: int) -> Path:
    """The examples, each ``copies`` times with its own case id (and one without consent)."""
    directory.mkdir()
    for index in range(copies):
        for path in sorted(INTAKES.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            text = text.replace("case_id: ", f"case_id: C{index}-", 1)
            (directory / f"{index:03d}-{path.name}").write_text(text, encoding="utf-8")
    return directory


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name not in VOLATILE_PARTS
        }


def _built(rows: list[ExportRow], left_out: int) -> bytes:
    cover = OverviewCover(created=CREATED, left_out=left_out)
    result = build_overview_workbook(rows, load_profile("schulamt"), cover)
    buffer = io.BytesIO()
    result.workbook.save(buffer)
    return buffer.getvalue()


def test_streamed_overview_equals_the_one_built_from_all_rows(tmp_path: Path) -> None:
    intakes = _many_intakes(tmp_path / "intakes", copies=3)
    target = tmp_path / "uebersicht.xlsx"
    outcome = run_overview([intakes], target, Options(today=TODAY))
    prepared = prepare_rows([intakes], make_recommender(), today=TODAY)
    rows, left = split_by_consent(prepared.rows, ConsentScope.schulamt)
    assert len(rows) == len(outcome.cases) > 40 and left
    assert outcome.cases == [row.intake.case_id for row in rows]
    assert [item.render() for item in outcome.left_out] == [item.render() for item in left]
    assert _parts(target.read_bytes()) == _parts(_built(rows, len(left)))


def test_overview_from_the_contract_model_is_the_same() -> None:
    """Rows holding a result read back from the contract model (``recommendation@1``, what the
    engine returned before issue 13) give the same workbook as the engine's own results."""
    prepared = prepare_rows([INTAKES], make_recommender(), today=TODAY)
    rows, left = split_by_consent(prepared.rows, ConsentScope.schulamt)
    converted = [
        ExportRow(row.intake, Result.from_model(row.recommendation.to_model()), row.source)
        for row in rows
    ]
    assert _parts(_built(converted, len(left))) == _parts(_built(rows, len(left)))


def test_nothing_is_written_when_no_case_consents(tmp_path: Path) -> None:
    intakes = tmp_path / "intakes"
    intakes.mkdir()
    shutil.copy(INTAKES / "amal-haddad.yaml", intakes)
    text = (intakes / "amal-haddad.yaml").read_text(encoding="utf-8")
    (intakes / "amal-haddad.yaml").write_text(text.replace("schulamt", "gesundheitsamt"), "utf-8")
    outcome = run_overview([intakes], tmp_path / "leer.xlsx", Options(today=TODAY))
    assert outcome.nothing_written and not outcome.cases
    assert not (tmp_path / "leer.xlsx").exists()
