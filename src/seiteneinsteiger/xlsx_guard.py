"""Guards for reading an untrusted ``.xlsx`` file, shared by every Excel import.

Before openpyxl parses anything, :func:`precheck` looks at the file: a regular file within the
size limit of its kind (:mod:`seiteneinsteiger.limits`), the OLE header of
encrypted or legacy ``.xls`` files, macro-enabled files, and the zip directory (number of
entries, summed uncompressed size, per-entry compression ratio, unsafe member names). XML is
parsed only through defusedxml (:func:`ensure_safe_xml`). :func:`scan_sheet` streams one
worksheet with defusedxml, finds its formula cells and refuses more rows than allowed (the sheet's
``<dimension>`` tag is not trusted), so a file claiming a million rows costs almost nothing.

What a refusal calls the file ("ein Formular", "eine Kapazitätstabelle") and which error class it
raises comes from a :class:`Wording`, so each import reads naturally and keeps its own error type.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from seiteneinsteiger.errors import SeiteneinsteigerError
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.yamlsource import read_bytes, read_failure

MIB = 1024 * 1024
_OLE_HEADER = b"\xd0\xcf\x11\xe0"
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps for untrusted workbooks (an intake form is about 130 rows and 130 KB)."""

    max_entries: int = 200
    max_uncompressed: int = 50 * MIB
    max_ratio: int = 100  # uncompressed / compressed, for entries above ratio_from bytes
    ratio_from: int = 256 * 1024
    max_rows: int = 1000


@dataclass(frozen=True, slots=True)
class Wording:
    """How refusals name the file, and the error they raise."""

    error: type[SeiteneinsteigerError]
    #: the kind of file, for the size limit of :mod:`seiteneinsteiger.limits`
    kind: InputKind
    #: completes "ungewöhnlich viele Teile (300); ..."
    not_ours: str
    #: completes "Tabelle 'X' hat Einträge in mehr als N Zeilen (Zeile M); ..."
    too_long: str
    #: the hint for a file that is no .xlsx at all
    not_xlsx_hint: str | None = None


def ensure_safe_xml(error: type[SeiteneinsteigerError]) -> None:
    """Refuse to read workbooks unless openpyxl parses XML through defusedxml."""
    import openpyxl

    if openpyxl.DEFUSEDXML is not True:
        raise error(
            "Sicherheitsprüfung: openpyxl liest XML ohne Schutz vor XML-Angriffen (defusedxml "
            "fehlt oder ist abgeschaltet); Excel-Dateien werden daher nicht gelesen",
            hint="Das Paket 'defusedxml' installieren und OPENPYXL_DEFUSEDXML nicht auf False "
            "setzen.",
        )


def precheck(path: Path, shown: str, limits: Limits, wording: Wording) -> None:
    """File-level refusals, with German messages (no openpyxl involved)."""
    error = wording.error
    read_bytes(path, shown, wording.kind, content=False)  # no pipe, no device, no giant
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise error.at(shown, f"{read_failure(exc)}") from None
    suffix = path.suffix.lower()
    if suffix in _MACRO_SUFFIXES:
        raise error.at(
            shown,
            f"Datei mit Makros ({suffix}) wird aus Sicherheitsgründen nicht gelesen",
            hint="Bitte die Vorlage neu erzeugen oder in Excel als 'Excel-Arbeitsmappe (*.xlsx)' "
            "speichern.",
        )
    if head.startswith(_OLE_HEADER) or suffix == ".xls":
        raise error.at(
            shown,
            "Datei ist mit einem Kennwort verschlüsselt oder im alten .xls-Format",
            hint="Bitte den Kennwortschutz entfernen bzw. in Excel als 'Excel-Arbeitsmappe "
            "(*.xlsx)' speichern.",
        )
    if suffix != ".xlsx" or not zipfile.is_zipfile(path):
        raise error.at(shown, "keine Excel-Datei (.xlsx)", hint=wording.not_xlsx_hint)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, shown, limits, wording)
    except zipfile.BadZipFile:
        raise error.at(shown, "beschädigte Excel-Datei (Zip-Archiv fehlerhaft)") from None


def _check_archive(archive: zipfile.ZipFile, shown: str, limits: Limits, wording: Wording) -> None:
    error = wording.error
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise error.at(shown, f"ungewöhnlich viele Teile ({len(infos)}); {wording.not_ours}")
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if name.startswith(("/", "\\")) or ".." in parts or ":" in name:
            raise error.at(shown, f"unzulässiger Pfad im Archiv ('{name}')")
        if info.flag_bits & 0x1:
            raise error.at(shown, "Datei enthält verschlüsselte Teile")
        if name.lower().endswith("vbaproject.bin"):
            raise error.at(
                shown,
                "Datei enthält Makros (vbaProject.bin) und wird aus Sicherheitsgründen "
                "nicht gelesen",
                hint="Bitte die Vorlage neu erzeugen und ohne Makros speichern.",
            )
        total += info.file_size
        if info.file_size > limits.ratio_from and info.file_size > limits.max_ratio * max(
            1, info.compress_size
        ):
            raise error.at(
                shown,
                f"ein Teil der Datei ist ungewöhnlich stark komprimiert "
                f"({info.file_size // max(1, info.compress_size)}:1); möglicherweise eine "
                "Zip-Bombe, die Datei wird nicht gelesen",
            )
    if total > limits.max_uncompressed:
        raise error.at(
            shown,
            f"Datei ist entpackt zu groß ({total / MIB:.0f} MB; höchstens "
            f"{limits.max_uncompressed // MIB} MB); möglicherweise eine Zip-Bombe",
        )
    try:
        types = (
            archive.read("[Content_Types].xml")
            if "[Content_Types].xml" in archive.namelist()
            else b""
        )
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise error.at(shown, f"beschädigte Excel-Datei ({exc})") from None
    if b"macroEnabled" in types:
        raise error.at(
            shown,
            "Datei ist als Arbeitsmappe mit Makros gekennzeichnet und wird aus "
            "Sicherheitsgründen nicht gelesen",
            hint="Bitte in Excel als 'Excel-Arbeitsmappe (*.xlsx)' speichern.",
        )


def sheet_parts(path: Path, shown: str, wording: Wording) -> dict[str, str]:
    """Sheet name -> archive member, read from the workbook with defusedxml."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise wording.error.at(
            shown, "keine gültige Excel-Arbeitsmappe (workbook.xml fehlt)"
        ) from None
    except Exception as exc:  # defusedxml refusals, broken XML, broken zip
        raise xml_refusal(shown, exc, wording) from None
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relations.iter(f"{{{_PKG_REL_NS}}}Relationship")
    }
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = member
    return parts


def xml_refusal(shown: str, exc: Exception, wording: Wording) -> SeiteneinsteigerError:
    """The refusal for an exception raised while parsing workbook XML."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return wording.error.at(
            shown,
            "Datei enthält unzulässige XML-Anweisungen (DTD oder Entities, z. B. "
            "'Billion Laughs'); sie wird aus Sicherheitsgründen nicht gelesen",
        )
    return wording.error.at(shown, f"beschädigte oder ungültige Excel-Datei ({type(exc).__name__})")


def scan_sheet(
    path: Path, member: str, shown: str, sheet: str, limits: Limits, wording: Wording
) -> set[str]:
    """The cells (``D12``) of one sheet that hold a formula; refuses too many rows.

    Streams the sheet XML with defusedxml (entity and DTD tricks are refused here, before
    openpyxl sees the file) and stops at the first row past the cap.
    """
    from defusedxml.ElementTree import iterparse

    formulas: set[str] = set()
    row_tag, cell_tag, formula_tag = (f"{{{MAIN_NS}}}{t}" for t in ("row", "c", "f"))
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                if element.tag == cell_tag:
                    if element.find(formula_tag) is not None:
                        formulas.add(element.get("r", ""))
                elif element.tag == row_tag:
                    number = int(element.get("r", "0") or 0)
                    if number > limits.max_rows:
                        raise wording.error.at(
                            shown,
                            f"Tabelle '{sheet}' hat Einträge in mehr als "
                            f"{limits.max_rows} Zeilen (Zeile {number}); {wording.too_long}",
                        )
                    element.clear()
    except SeiteneinsteigerError:
        raise
    except KeyError:
        raise wording.error.at(shown, f"Tabelle '{sheet}' fehlt in der Datei") from None
    except Exception as exc:
        raise xml_refusal(shown, exc, wording) from None
    return formulas
