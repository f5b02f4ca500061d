"""Drafts of ``intake new``: nothing typed is lost when the terminal is.

After every accepted answer the questionnaire's answers are written to a draft file in the private
data directory (``<data_dir>/drafts/``, directory 0700, files 0600, written atomically). ``intake
new`` offers to resume a draft and removes it once the intake file is written. A draft holds the
answers so far (personal data, like the intake itself); a listing of drafts shows only when a draft
was started and last changed, its language, how many answers it has and the case number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seiteneinsteiger.forms.model import Form
from seiteneinsteiger.forms.values import parse
from seiteneinsteiger.fsutil import PRIVATE_DIR_MODE, atomic_write, data_dir

FORMAT = "seiteneinsteiger/intake-draft@1"


@dataclass(slots=True)
class Draft:
    path: Path
    form_id: str
    version: str
    language: str
    started: dt.datetime
    updated: dt.datetime
    target: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)  # as stored (JSON values)
    visited: list[str] = field(default_factory=list)

    @property
    def case_id(self) -> str | None:
        value = self.answers.get("case_id")
        return str(value) if value else None


def drafts_dir() -> Path:
    directory = data_dir() / "drafts"
    directory.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    with contextlib.suppress(OSError):
        directory.chmod(PRIVATE_DIR_MODE)
    return directory


def new_draft(form: Form, language: str, target: Path | None, now: dt.datetime) -> Draft:
    """A draft not yet on disk (it is written with the first answer)."""
    name = f"intake-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.json"
    return Draft(
        drafts_dir() / name,
        form.form_id,
        form.version,
        language,
        now,
        now,
        str(target) if target is not None else None,
    )


def save(draft: Draft, form: Form, answers: dict[str, Any], visited: set[str]) -> None:
    """Write the draft atomically (0600) with the current answers."""
    draft.answers = {name: _encode(value) for name, value in answers.items()}
    draft.visited = [q.name for q in form.questions if q.name in visited]
    draft.updated = dt.datetime.now().replace(microsecond=0)
    document = {
        "format": FORMAT,
        "form": draft.form_id,
        "version": draft.version,
        "language": draft.language,
        "started": draft.started.isoformat(timespec="seconds"),
        "updated": draft.updated.isoformat(timespec="seconds"),
        "target": draft.target,
        "answers": draft.answers,
        "visited": draft.visited,
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    with atomic_write(draft.path, force=True) as handle:
        handle.write(text.encode("utf-8"))


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    return value


def list_drafts() -> tuple[list[Draft], list[Path]]:
    """Every readable draft, oldest first, and the files that are not readable drafts."""
    drafts: list[Draft] = []
    broken: list[Path] = []
    for path in sorted(drafts_dir().glob("intake-*.json")):
        draft = load(path)
        if draft is None:
            broken.append(path)
        else:
            drafts.append(draft)
    drafts.sort(key=lambda d: d.started)
    return drafts, broken


def load(path: Path) -> Draft | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        answers = data.get("answers") or {}
        visited = data.get("visited") or []
        if not isinstance(answers, dict) or not isinstance(visited, list):
            return None
        return Draft(
            path,
            str(data["form"]),
            str(data["version"]),
            str(data["language"]),
            dt.datetime.fromisoformat(str(data["started"])),
            dt.datetime.fromisoformat(str(data["updated"])),
            str(data["target"]) if data.get("target") else None,
            answers,
            [str(name) for name in visited],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def restore(draft: Draft, form: Form) -> tuple[dict[str, Any], set[str], list[str]]:
    """Typed answers and visited questions of ``draft`` for ``form``, and the names of answers
    that no longer fit it (the form changed since the draft was saved)."""
    answers: dict[str, Any] = {}
    dropped: list[str] = []
    for name, raw in draft.answers.items():
        question = form.by_name.get(name)
        parsed = parse(form, question, raw, "de") if question is not None else None
        if parsed is None or parsed.error is not None or parsed.value is None:
            dropped.append(name)
            continue
        answers[name] = parsed.value
    visited = {name for name in draft.visited if name in form.by_name and name not in dropped}
    return answers, visited, dropped


def remove(draft: Draft) -> None:
    with contextlib.suppress(FileNotFoundError):
        draft.path.unlink()


def describe(draft: Draft) -> str:
    """One line for a listing: no names, no birth dates."""
    from seiteneinsteiger.forms.names import language_german

    started = draft.started.strftime("%d.%m.%Y %H:%M")
    updated = (
        draft.updated.strftime("%H:%M")
        if draft.updated.date() == draft.started.date()
        else draft.updated.strftime("%d.%m.%Y %H:%M")
    )
    count = len(draft.answers)
    parts = [
        f"begonnen {started}, zuletzt {updated}",
        language_german(draft.language),
        f"{count} Antwort{'en' if count != 1 else ''}",
    ]
    if draft.case_id:
        parts.append(f"Fall {draft.case_id}")
    return "; ".join(parts)
