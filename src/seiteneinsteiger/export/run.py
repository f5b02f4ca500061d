"""The export commands as plain functions: paths and options in, an :class:`Outcome` out.

Each ``run_*`` function checks the target first (an existing file without ``force`` stops before
any work), loads and evaluates the intakes, filters by consent, builds the file, writes it
atomically and records it in the export log. It never prints and never exits; the CLI
(``seiteneinsteiger.cli.export``) reports the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from seiteneinsteiger.codes import ConsentScope
from seiteneinsteiger.districts import known_districts
from seiteneinsteiger.errors import ExitCode, ExportError, Problem, UsageError
from seiteneinsteiger.export import log, pipeline
from seiteneinsteiger.export.log import LogEntry
from seiteneinsteiger.export.profiles import Profile, load_profile
from seiteneinsteiger.export.rows import (
    ExportRow,
    LeftOut,
    consenting,
    split_by_consent,
    split_by_placement,
)
from seiteneinsteiger.export.writing import (
    check_target,
    logged_export,
    released,
    save_workbook,
    write_file,
)
from seiteneinsteiger.fsutil import PRIVATE_DIR_MODE

if TYPE_CHECKING:  # pragma: no cover - openpyxl is imported by the exporters, lazily
    from openpyxl import Workbook

    from seiteneinsteiger.export.school import ReceivingSchool


@dataclass(frozen=True, slots=True)
class Options:
    district: str | None = None
    rules_dir: Path | None = None
    force: bool = False
    ki: str | None = None
    counsellor: str | None = None
    today: dt.date | None = None
    include_unplaced: bool = False

    @property
    def created(self) -> dt.date:
        return self.today or dt.date.today()


@dataclass(slots=True)
class Outcome:
    """What an export did; ``written`` is empty when nothing was written."""

    command: str
    profile: str
    recipient: str
    written: list[Path] = field(default_factory=list)
    cases: list[str | None] = field(default_factory=list)  # the case id of every exported row
    left_out: list[LeftOut] = field(default_factory=list)
    refused: list[LeftOut] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    entries: list[LogEntry] = field(default_factory=list)
    files_seen: int = 0
    log_extra: dict[str, str] = field(default_factory=dict)  # e.g. the receiving school

    @property
    def nothing_written(self) -> bool:
        return not self.written

    @property
    def exit_code(self) -> ExitCode:
        failed = self.nothing_written or self.problems or self.refused
        return ExitCode.INPUT if failed else ExitCode.OK

    @property
    def cases_without_id(self) -> int:
        return sum(1 for case in self.cases if not case)


def _xlsx_target(output: Path) -> Path:
    if output.suffix.lower() != ".xlsx":
        raise UsageError(
            f"{output}: die Ausgabedatei muss auf .xlsx enden",
            hint="Zum Beispiel: -o schule.xlsx",
        )
    return output


def _prepare(
    command: str, profile: Profile, paths: Sequence[Path], options: Options
) -> tuple[Outcome, list[ExportRow]]:
    recommender = pipeline.make_recommender(district=options.district, rules_dir=options.rules_dir)
    districts = known_districts(options.rules_dir)
    prepared = pipeline.prepare_rows(paths, recommender, today=options.today, districts=districts)
    return _filtered(command, profile, prepared, options)


def _filtered(
    command: str, profile: Profile, prepared: pipeline.Prepared, options: Options
) -> tuple[Outcome, list[ExportRow]]:
    """Only those whose family consented to this recipient (and, for a school, who need a
    school place)."""
    outcome = _outcome(command, profile, prepared)
    rows, left = split_by_consent(prepared.rows, profile.consent)
    if profile.consent is ConsentScope.school and not options.include_unplaced:
        rows, unplaced = split_by_placement(rows)
        left += unplaced
    outcome.left_out = left
    return outcome, rows


def _outcome(command: str, profile: Profile, prepared: pipeline.Prepared) -> Outcome:
    """The outcome after every intake was read (an error when there was none)."""
    if not prepared.files_seen:
        raise ExportError(
            "Keine Intake-Dateien gefunden (.yaml, .yml, .json, .jsonl)",
            hint="Bitte Dateien oder ein Verzeichnis mit Intakes angeben.",
        )
    return Outcome(
        command=command,
        profile=profile.id,
        recipient=profile.recipient,
        problems=prepared.problems,
        warnings=prepared.warnings,
        files_seen=prepared.files_seen,
    )


@contextmanager
def _logged(
    outcome: Outcome, target: Path, profile: Profile, cases: Sequence[str | None]
) -> Iterator[None]:
    """Log the export of ``target`` (the data of ``cases``) around the block that writes it
    (pending first)."""
    with logged_export(
        target,
        command=outcome.command,
        profile=profile.id,
        recipient=outcome.recipient,
        cases=list(cases),
        fields=profile.field_names,
        left_out=len(outcome.left_out) + len(outcome.refused),
        extra=outcome.log_extra,
    ) as done:
        yield
    outcome.written.append(target)
    outcome.entries.extend(done)


BuildWorkbook = Callable[[list[ExportRow], Profile, Outcome], "Workbook"]
#: the rows of an export and its outcome so far, for the command's name and the profile
Prepare = Callable[[str, Profile], tuple[Outcome, list[ExportRow]]]


def _preparer(paths: Sequence[Path] | Prepare, options: Options) -> Prepare:
    """What prepares the rows: of the intake files ``paths``, or ``paths`` itself when it is
    already such a function (the register's cases for one school)."""
    if callable(paths):
        return paths
    return lambda command, profile: _prepare(command, profile, paths, options)


def _run_workbook(
    command: str,
    profile_name: str,
    prepare: Prepare,
    output: Path,
    options: Options,
    build: BuildWorkbook,
) -> Outcome:
    """The steps every workbook export shares: check, load and filter (``prepare``), build,
    write, log."""
    target = _xlsx_target(output)
    check_target(target, force=options.force)
    log.recover()  # exports a killed process left pending
    profile = load_profile(profile_name)
    outcome, rows = prepare(command, profile)
    if not rows:
        return outcome
    # the log names every case whose data went into the file (statistics included)
    cases = _case_ids(rows)
    with (
        released(build(rows, profile, outcome)) as workbook,
        _logged(outcome, target, profile, cases),
    ):
        save_workbook(workbook, target, force=options.force)
    outcome.cases = cases
    return outcome


def _case_ids(rows: Sequence[ExportRow]) -> list[str | None]:
    return [row.intake.case_id for row in rows]


def run_school(
    paths: Sequence[Path] | Prepare,
    output: Path,
    options: Options,
    *,
    school: ReceivingSchool | None = None,
) -> Outcome:
    """The workbook for the receiving school; with ``school`` its name and number are on the
    cover and in the export log."""
    from seiteneinsteiger.export.school import CoverInfo, build_school_workbook

    rows_of = _preparer(paths, options)

    def prepare(command: str, profile: Profile) -> tuple[Outcome, list[ExportRow]]:
        outcome, rows = rows_of(command, profile)
        if school is not None:
            outcome.recipient = school.recipient
            outcome.log_extra = {"school_number": school.schulnummer, "school_name": school.name}
        return outcome, rows

    def build(rows: list[ExportRow], profile: Profile, outcome: Outcome) -> Workbook:
        cover = CoverInfo(
            created=options.created,
            ki=options.ki,
            counsellor=options.counsellor,
            left_out=len(outcome.left_out),
            school=school,
        )
        return build_school_workbook(rows, profile, cover)

    return _run_workbook("export school", "school", prepare, output, options, build)


def run_school_from_register(
    output: Path,
    options: Options,
    *,
    schulnummer: str | None = None,
    case_ids: Sequence[str] = (),
) -> Outcome:
    """The workbook for one receiving school from the case register: the cases proposed to,
    sent to the Schulamt for, or assigned to ``schulnummer`` (or the cases ``case_ids``, which
    must all be at one school). Consent and placement are checked as for files; every case read
    and exported is in the register's audit log."""
    from seiteneinsteiger.export.register_cases import cases_for_school

    selection = cases_for_school(schulnummer=schulnummer, case_ids=case_ids)

    def prepare(command: str, profile: Profile) -> tuple[Outcome, list[ExportRow]]:
        recommender = pipeline.make_recommender(
            district=options.district, rules_dir=options.rules_dir
        )
        prepared = selection.prepared(recommender)
        outcome, rows = _filtered(command, profile, prepared, options)
        outcome.refused = selection.refused
        return outcome, rows

    outcome = run_school(prepare, output, options, school=selection.school)
    selection.record_exports(outcome)
    return outcome


def run_overview(paths: Sequence[Path], output: Path, options: Options) -> Outcome:
    """The overview streams: each intake is read, evaluated and written as a row before the
    next one is read, so memory stays flat for 10,000 pupils (benchmarks/export_bench.py)."""
    from seiteneinsteiger.export.overview import OverviewCover, build_overview_workbook

    target = _xlsx_target(output)
    check_target(target, force=options.force)
    log.recover()  # exports a killed process left pending
    profile = load_profile("schulamt")
    recommender = pipeline.make_recommender(district=options.district, rules_dir=options.rules_dir)
    prepared = pipeline.Prepared()
    left: list[LeftOut] = []
    rows = consenting(
        pipeline.iter_rows(
            paths,
            recommender,
            prepared,
            today=options.today,
            districts=known_districts(options.rules_dir),
        ),
        profile.consent,
        left,
    )

    def cover() -> OverviewCover:  # the number left out is known when every row is written
        return OverviewCover(created=options.created, ki=options.ki, left_out=len(left))

    from openpyxl import Workbook

    with released(Workbook(write_only=True)) as workbook:  # closed also when interrupted
        result = build_overview_workbook(rows, profile, cover, workbook=workbook)
        outcome = _outcome("export overview", profile, prepared)
        outcome.left_out = left
        if not result.cases:
            return outcome
        with _logged(outcome, target, profile, result.cases):
            save_workbook(result.workbook, target, force=options.force)
    outcome.cases = result.cases
    return outcome


def run_statistics(paths: Sequence[Path], output: Path, options: Options) -> Outcome:
    from seiteneinsteiger.export.statistics import StatisticsCover, build_statistics_workbook

    def build(rows: list[ExportRow], profile: Profile, outcome: Outcome) -> Workbook:
        cover = StatisticsCover(
            created=options.created, ki=options.ki, left_out=len(outcome.left_out)
        )
        return build_statistics_workbook(rows, profile, cover)

    return _run_workbook(
        "export statistics", "statistics", _preparer(paths, options), output, options, build
    )


def run_schild(paths: Sequence[Path], directory: Path, options: Options) -> Outcome:
    from seiteneinsteiger.export.schild import DAT_NAME, XLSX_NAME, build_schild_export

    if directory.suffix.lower() in {".xlsx", ".dat"} or directory.is_file():
        raise UsageError(
            f"{directory}: für den SchILD-Export bitte ein Verzeichnis angeben",
            hint=f"Darin entstehen {DAT_NAME} und {XLSX_NAME}.",
        )
    dat_target, xlsx_target = directory / DAT_NAME, directory / XLSX_NAME
    if directory.is_dir():
        for target in (dat_target, xlsx_target):
            check_target(target, force=options.force)
    log.recover()  # exports a killed process left pending
    profile = load_profile("schild")
    outcome, rows = _prepare("export schild", profile, paths, options)
    export, refused = build_schild_export(rows, profile)
    outcome.refused = refused
    if not export.rows:
        return outcome
    if not directory.exists():
        try:
            directory.mkdir(parents=True, mode=PRIVATE_DIR_MODE)
        except OSError as exc:
            raise ExportError(
                f"Verzeichnis {directory} kann nicht angelegt werden ({exc.strerror})"
            ) from None
    cases = _case_ids(export.rows)
    with _logged(outcome, dat_target, profile, cases):
        write_file(dat_target, lambda handle: handle.write(export.dat), force=options.force)
    with released(export.workbook), _logged(outcome, xlsx_target, profile, cases):
        save_workbook(export.workbook, xlsx_target, force=options.force)
    outcome.cases = cases
    return outcome
