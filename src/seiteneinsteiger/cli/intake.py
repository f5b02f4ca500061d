"""``seiteneinsteiger intake ...``: validate intake files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seiteneinsteiger.cli.options import ForceOption, FormatOption, FormFileOption, IntakePaths
from seiteneinsteiger.cli.output import (
    OutputFormat,
    emit_json,
    err,
    out,
    problem_json,
    show_problem,
)
from seiteneinsteiger.errors import ExitCode

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.forms.drafts import Draft
    from seiteneinsteiger.forms.model import Form

app = typer.Typer(
    name="intake",
    help="Intake-Dateien (intake@1) prüfen, erfassen und aus Excel-Formularen einlesen.",
    no_args_is_help=True,
)


@app.command()
def validate(ctx: typer.Context, paths: IntakePaths, fmt: FormatOption = OutputFormat.text) -> None:
    """Intake-Dateien gegen das Format intake@1 prüfen.

    Jedes Problem erscheint als DATEI:ZEILE: feld: Meldung, danach eine Zusammenfassung.
    Exit-Code 0, wenn alle Intakes gültig sind, sonst 1.

    Beispiel: seiteneinsteiger intake validate examples/intakes
    """
    from seiteneinsteiger.districts import known_districts
    from seiteneinsteiger.intake_io import load_intakes

    results = list(load_intakes(paths, districts=known_districts()))
    if not results:
        err("Keine Intake-Dateien gefunden (.yaml, .yml, .json, .jsonl).")
        raise typer.Exit(ExitCode.INPUT)
    valid = [r for r in results if r.ok]
    invalid = [r for r in results if not r.ok]
    if fmt is OutputFormat.json:
        emit_json(
            {
                "valid": len(valid),
                "invalid": len(invalid),
                "results": [
                    {
                        "source": r.source,
                        "line": r.line,
                        "case_id": r.intake.case_id if r.intake else None,
                        "valid": r.ok,
                        "problems": [problem_json(p) for p in r.problems],
                    }
                    for r in results
                ],
            }
        )
    else:
        for result in results:
            for problem in result.problems:
                show_problem(problem)
        _summary(len(valid), [r.label for r in invalid])
    if invalid:
        raise typer.Exit(ExitCode.INPUT)


def _summary(valid: int, invalid: list[str]) -> None:
    total = valid + len(invalid)
    noun = "Intake" if total == 1 else "Intakes"
    if not invalid:
        out(f"{total} {noun} geprüft: alle gültig.", fg="green")
        return
    out(f"{total} {noun} geprüft: {valid} gültig, {len(invalid)} ungültig.", fg="red")
    # dict.fromkeys keeps order and drops repeats (several broken lines of one JSONL file)
    out("Ungültig: " + ", ".join(dict.fromkeys(invalid)))


@app.command()
def new(
    ctx: typer.Context,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            "-l",
            help="Sprache der Familie; die Fragen erscheinen auf Deutsch und in dieser Sprache.",
        ),
    ] = "de",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Die Intake-Datei, die "
            "entsteht (.yaml). Ohne Angabe: "
            "intake-DATUM-N.yaml im aktuellen Verzeichnis.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    form_file: FormFileOption = None,
    force: ForceOption = False,
) -> None:
    """Ein Intake im Terminal erfassen: Frage für Frage, mit Prüfung jeder Antwort.

    ':z' geht zur vorigen Frage zurück, '?' zeigt den Hinweis, Enter behält eine Antwort.
    Fragen, die nach früheren Antworten nicht passen, werden übersprungen; Widersprüche
    erscheinen sofort. Nach jeder Antwort wird ein Entwurf gespeichert (nur für Sie lesbar);
    Strg-C unterbricht, der nächste Aufruf bietet an, den Entwurf fortzusetzen. Am Ende steht
    eine Zusammenfassung zum Bestätigen; gespeichert wird nur für Sie lesbar.

    Beispiel: seiteneinsteiger intake new --lang ar -o amal.yaml
    """
    import datetime as dt

    from seiteneinsteiger.errors import UsageError
    from seiteneinsteiger.forms import drafts
    from seiteneinsteiger.forms.check import load_form
    from seiteneinsteiger.forms.interactive import Interrupted, Questionnaire, Stopped
    from seiteneinsteiger.fsutil import atomic_write
    from seiteneinsteiger.intake_yaml import intake_to_yaml

    form = load_form(form_file)
    if lang not in form.languages:
        raise UsageError(
            f"Sprache '{lang}' hat der Fragebogen nicht. Vorhanden: " + ", ".join(form.languages)
        )

    def ask(prompt: str) -> str:
        try:
            return str(typer.prompt(prompt, default="", show_default=False, prompt_suffix=""))
        except (typer.Abort, KeyboardInterrupt, EOFError):
            raise Interrupted() from None

    try:
        draft, lang, answers, visited = _draft_for(form, lang, output, ask)
    except Interrupted:
        err("Abgebrochen; es wurde nichts geändert.")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    if output is None and draft.target:
        output = Path(draft.target)
    today = dt.date.today()
    target = output or Path(_free_name(today.isoformat(), {p.name for p in Path().iterdir()}))
    if target.exists() and not force:
        raise UsageError(
            f"{target} existiert bereits",
            hint="Mit --force überschreiben oder mit -o einen anderen Namen wählen.",
        )
    current = draft

    def keep(session: Questionnaire) -> None:
        drafts.save(current, form, session.answers, session.visited)

    session = Questionnaire(form, lang, ask, out, today, answers, visited, on_change=keep)
    try:
        built = session.run()
    except Stopped:
        if draft.path.exists():
            err(
                "Unterbrochen. Die Antworten sind als Entwurf gespeichert (nur für Sie "
                "lesbar); 'seiteneinsteiger intake new' bietet an, ihn fortzusetzen."
            )
        else:
            err("Unterbrochen; es gab noch keine Antwort, es wurde nichts gespeichert.")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    assert built.intake is not None
    text = intake_to_yaml(built.intake)
    with atomic_write(target, force=force) as handle:
        handle.write(text.encode("utf-8"))
    drafts.remove(draft)
    for problem in built.problems:
        err(f"Warnung: {'.'.join(str(p) for p in problem.path)}: {problem.message}")
    out(f"Gespeichert: {target} (nur für Sie lesbar).", fg="green")


def _draft_for(
    form: Form, lang: str, output: Path | None, ask: Callable[[str], str]
) -> tuple[Draft, str, dict[str, Any], set[str]]:
    """The draft this session writes to: a resumed one (with its language and answers) or a new
    one, written with the first answer."""
    import datetime as dt

    from seiteneinsteiger.forms import drafts

    draft = _choose_draft(ask)
    if draft is None:
        target = output.resolve() if output else None
        return drafts.new_draft(form, lang, target, dt.datetime.now()), lang, {}, set()
    answers, visited, dropped = drafts.restore(draft, form)
    if dropped:
        err(
            f"Hinweis: {len(dropped)} Antworten des Entwurfs passen nicht mehr zum Fragebogen "
            "und werden neu gefragt."
        )
    language = draft.language if draft.language in form.languages else lang
    return draft, language, answers, visited


def _choose_draft(ask: Callable[[str], str]) -> Draft | None:
    """Offer the unfinished drafts: a number resumes one, ``v`` and a number deletes one, Enter
    starts a new intake."""
    from seiteneinsteiger.forms import drafts

    found, broken = drafts.list_drafts()
    for path in broken:
        err(f"Hinweis: {path} ist kein lesbarer Entwurf und wird übergangen.")
    while found:
        out("Nicht abgeschlossene Entwürfe (nur für Sie lesbar):")
        for number, draft in enumerate(found, start=1):
            out(f"  {number}  {drafts.describe(draft)}")
        answer = ask(
            "Nummer = fortsetzen, 'v' und Nummer = Entwurf löschen (z. B. v1), "
            "Enter = neues Intake: "
        )
        choice = answer.strip().lower()
        if not choice:
            return None
        delete = choice.startswith("v")
        digits = choice[1:].strip() if delete else choice
        if not digits.isdigit() or not 1 <= int(digits) <= len(found):
            out("Bitte eine Nummer aus der Liste, 'v' mit Nummer oder Enter.")
            continue
        chosen = found[int(digits) - 1]
        if not delete:
            return chosen
        if ask(f"Entwurf {digits} endgültig löschen? (j/n) ").strip().lower() in ("j", "ja"):
            drafts.remove(chosen)
            found.remove(chosen)
            out("Entwurf gelöscht.")
    return None


def _free_name(day: str, taken: set[str]) -> str:
    """``intake-JJJJ-MM-TT-N.yaml`` with the first N not yet taken."""
    number = 1
    while f"intake-{day}-{number}.yaml" in taken:
        number += 1
    return f"intake-{day}-{number}.yaml"


@app.command(name="import")
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Ausgefüllte Excel-Vorlagen (.xlsx).", show_default=False)
    ],
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Verzeichnis für die Intake-Dateien (eine .yaml je Formular).",
            file_okay=False,
            metavar="VERZ",
        ),
    ] = Path(),
    form_file: FormFileOption = None,
    force: ForceOption = False,
    fmt: FormatOption = OutputFormat.text,
    unverified: Annotated[
        bool,
        typer.Option(
            "--unverified",
            help="Auch Vorlagen einer anderen Installation einlesen (ihre Herkunft lässt sich "
            "nicht prüfen; ihre Zeilen müssen genau zu diesem Fragebogen passen).",
        ),
    ] = False,
) -> None:
    """Ausgefüllte Excel-Vorlagen einlesen und je Formular eine Intake-Datei schreiben.

    Jedes Problem erscheint als DATEI TABELLE!ZELLE: Frage: Meldung. Antworten dürfen auf Deutsch,
    in der Sprache der Vorlage oder als Code eingetragen sein. Exit-Code 1, wenn ein Formular
    nicht gelesen werden konnte.

    Beispiel: seiteneinsteiger intake import erfassung-ar.xlsx -o intakes/
    """
    import datetime as dt

    from seiteneinsteiger.errors import Problem, SeiteneinsteigerError, UsageError
    from seiteneinsteiger.forms.check import load_form
    from seiteneinsteiger.forms.excel_import import import_workbook
    from seiteneinsteiger.forms.signing import installation_key
    from seiteneinsteiger.fsutil import atomic_write
    from seiteneinsteiger.intake_yaml import intake_to_yaml

    if not output_dir.is_dir():
        raise UsageError(f"Verzeichnis {output_dir} existiert nicht")
    form = load_form(form_file)
    key = installation_key()
    today = dt.date.today()
    results: list[dict[str, object]] = []
    used: set[str] = set()
    failed = 0
    for path in files:
        shown = str(path)
        problems: list[Problem] = []
        written: Path | None = None  # set only once the file is really there
        try:
            result = import_workbook(
                path, form, today=today, display=shown, key=key, unverified=unverified
            )
        except SeiteneinsteigerError as exc:  # the whole file is refused; go on with the next
            problems.append(exc.as_problem(shown))
        else:
            problems.extend(result.problems)
            if result.ok and result.intake is not None:
                name = path.stem
                while f"{name}.yaml" in used:
                    name += "-2"
                used.add(f"{name}.yaml")
                target = output_dir / f"{name}.yaml"
                try:
                    with atomic_write(target, force=force) as handle:
                        handle.write(intake_to_yaml(result.intake).encode("utf-8"))
                except SeiteneinsteigerError as exc:  # target exists, directory read-only
                    problems.append(exc.as_problem(shown))
                else:
                    written = target
        failed += written is None
        results.append(
            {
                "source": shown,
                "output": str(written) if written else None,
                "problems": [problem_json(p) for p in problems],
            }
        )
        if fmt is OutputFormat.text:
            for problem in problems:
                show_problem(problem, to_err=True)
            if written is not None:
                out(f"{shown} -> {written}")
    if fmt is OutputFormat.json:
        emit_json({"imported": len(files) - failed, "failed": failed, "results": results})
    else:
        total = len(files)
        colour = "red" if failed else "green"
        out(
            f"{total} Formular{'e' if total != 1 else ''} gelesen: {total - failed} "
            f"übernommen, {failed} nicht übernommen.",
            fg=colour,
        )
    if failed:
        raise typer.Exit(ExitCode.INPUT)
