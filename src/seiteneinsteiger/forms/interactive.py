"""The questionnaire in the terminal, as a pure loop over injected ``ask`` and ``say``.

Shown per question: its number, the German text and (for another language) the family's text, the
choices with numbers, and the current answer. Typed commands:

* ``:z`` or ``zurück``: back to the previous question;
* ``?``: the hint of the question;
* Enter: keep the current answer (or leave an optional question empty);
* ``-``: clear the answer of an optional question.

Questions that an earlier answer makes pointless are skipped (the form's ``relevant``
conditions). After every accepted answer, ``on_change`` receives the questionnaire (``intake new``
saves the draft there), and contradictions with earlier answers are shown at once: the cross-field
checks of the intake model (:func:`~seiteneinsteiger.models.intake.check_intake`), the same ones
``intake validate`` applies.

At the end a numbered summary, with every problem of the assembled intake; a number edits that
question, ``j`` saves. ``ask`` raises :class:`Interrupted` on Ctrl-C or end of input; the loop then
asks "Unterbrechen? (j/n)" and raises :class:`Stopped` on "j" (or a second interruption): the
answers so far stay in the draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seiteneinsteiger.forms.engine import (
    AnswerProblem,
    Built,
    build_intake,
    check_answer,
    default_value,
    visible_questions,
)
from seiteneinsteiger.forms.model import Form, QuestionSpec, SectionSpec, pick
from seiteneinsteiger.forms.values import bilingual, show

Ask = Callable[[str], str]
Say = Callable[[str], None]

BACK_WORDS = frozenset({":z", "zurück", "zurueck", ":b"})
YES_WORDS = frozenset({"j", "ja", "y", "yes"})
NO_WORDS = frozenset({"n", "nein", "no"})

_TYPE_HINTS = {
    "text": "",
    "integer": "(Zahl)",
    "date": "(Datum: TT.MM.JJJJ)",
    "boolean": "(ja / nein)",
    "language": "(Sprache: Name oder Code, z. B. Arabisch oder ar)",
    "country": "(Land: Name oder Code, z. B. Syrien oder SY)",
    "select_one": "(Nummer, Code oder Text)",
    "select_multiple": "(mehrere möglich: Nummern mit Komma, z. B. 1,3)",
}


class Interrupted(Exception):
    """Ctrl-C or the end of the input while waiting for an answer."""


class Stopped(Exception):
    """The user stopped the questionnaire; the answers so far stay where ``on_change`` put them."""


@dataclass(slots=True)
class Questionnaire:
    form: Form
    language: str
    ask: Ask
    say: Say
    today: dt.date
    answers: dict[str, Any] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)
    on_change: Callable[[Questionnaire], None] | None = None
    _section: SectionSpec | None = None
    _reported: set[tuple[Any, ...]] = field(default_factory=set)

    # -- the whole dialogue -------------------------------------------------------------------

    def run(self) -> Built:
        """Ask every shown question, then confirm; returns the valid, assembled intake."""
        form = self.form
        self.say(f"{form.title('de')} (Version {form.version})")
        if self.language != "de":
            self.say(form.title(self.language))
        self.say(
            "Eingabe: ':z' = zurück, '?' = Hinweis, Enter = Antwort behalten oder leer "
            "lassen, '-' = Antwort löschen. Pflichtfragen sind mit * markiert."
        )
        if self.visited:
            self.say(f"Entwurf fortgesetzt: {len(self.answers)} Antworten sind schon da.")
            self._reported = {self._key(p) for p in self._problems()}
        start = next(
            (q.index for q in visible_questions(form, self.answers) if q.name not in self.visited),
            len(form.questions),
        )
        resumed = bool(self.visited) and start < len(form.questions)
        self._walk(start, only_new=bool(self.visited), first=resumed)
        while True:
            built = build_intake(form, self.answers, today=self.today)
            self._summary(built)
            text = self._prompt(
                "Speichern mit 'j', Frage ändern mit ihrer Nummer, ':z' = letzte Frage: "
            )
            command = text.strip().lower()
            if command in YES_WORDS:
                if built.ok:
                    return built
                self.say("Bitte zuerst die Fehler oben korrigieren (Nummer der Frage eingeben).")
            elif command in BACK_WORDS:
                shown = visible_questions(form, self.answers)
                self._walk(shown[-1].index, only_new=False, first=True)
            elif command.isdigit():
                self._edit(int(command))
            else:
                self.say("Bitte 'j' oder die Nummer einer Frage eingeben.")

    def _edit(self, number: int) -> None:
        shown = {q.number: q for q in visible_questions(self.form, self.answers)}
        question = shown.get(number)
        if question is None:
            self.say(f"Frage {number} wird nach den bisherigen Antworten nicht gestellt.")
            return
        self._section = None
        if self._ask_one(question) == "answered":
            self._walk(question.index + 1, only_new=True)

    def _walk(self, start: int, *, only_new: bool, first: bool = False) -> None:
        """Ask shown questions from ``start`` on; ``only_new`` skips questions already visited."""
        history = [q.index for q in visible_questions(self.form, self.answers) if q.index < start]
        pending: int | None = start if first else None
        position = start
        while True:
            if pending is not None:
                question: QuestionSpec | None = self.form.questions[pending]
                pending = None
            else:
                question = self._next(position, only_new=only_new)
            if question is None:
                return
            if self._ask_one(question) == "back":
                if history:
                    pending = history.pop()
                    self._section = None
                else:
                    self.say("Das ist die erste Frage.")
                    pending = question.index
                continue
            history.append(question.index)
            position = question.index + 1

    def _next(self, start: int, *, only_new: bool) -> QuestionSpec | None:
        for question in visible_questions(self.form, self.answers):
            if question.index >= start and not (only_new and question.name in self.visited):
                return question
        return None

    # -- one question ------------------------------------------------------------------------

    def _ask_one(self, question: QuestionSpec) -> str:
        """Ask until an answer is accepted; returns ``answered`` or ``back``."""
        self._show(question)
        choices = self.form.choices(question) if question.list_name else None
        suggestion = None
        if question.name not in self.answers:
            suggestion = default_value(self.form, question, self.today)
            if suggestion is not None:
                self.say(
                    f"    [Vorschlag: {show(self.form, question, suggestion)}; Enter übernimmt ihn]"
                )
        while True:
            text = self._prompt("> ")
            command = text.strip()
            if command.lower() in BACK_WORDS:
                return "back"
            if command == "?":
                self._hint(question)
                continue
            if not command and question.name in self.answers:
                self.visited.add(question.name)
                return "answered"
            raw: Any = command
            if not command and suggestion is not None:
                raw = suggestion
            elif command == "-":
                raw = None
            outcome = check_answer(
                self.form, question, raw, self.answers, self.language, numbered=choices
            )
            if outcome.rejection is not None:
                self._reject(
                    outcome.rejection.message(self.form, "de"),
                    outcome.rejection.message(self.form, self.language),
                )
                continue
            if outcome.value is None:
                self.answers.pop(question.name, None)
            else:
                self.answers[question.name] = outcome.value
            self.visited.add(question.name)
            if self.on_change is not None:
                self.on_change(self)
            self._contradictions()
            return "answered"

    def _show(self, question: QuestionSpec) -> None:
        form, language = self.form, self.language
        if question.section is not self._section:
            self._section = question.section
            title = pick(question.section.title, "de")
            other = pick(question.section.title, language)
            self.say("")
            self.say(
                f"== {title}"
                + (f"  /  {other}" if language != "de" and other != title else "")
                + " =="
            )
        star = " *" if question.required else ""
        self.say("")
        self.say(f"[{question.number}] {pick(question.label, 'de')}{star}")
        if language != "de" and not question.counsellor_only:
            other = pick(question.label, language)
            if other != pick(question.label, "de"):
                self.say(f"     {other}")
        if question.list_name:
            shown_in = "de" if question.counsellor_only else language
            for number, choice in enumerate(form.choices(question), start=1):
                self.say(f"  {number:>2}  {bilingual(choice.label, shown_in)}  [{choice.code}]")
        hint = _TYPE_HINTS[question.type]
        current = self.answers.get(question.name)
        if current is not None:
            hint = f"{hint}  [bisher: {show(form, question, current)}]".strip()
        if hint:
            self.say(f"     {hint}")

    def _hint(self, question: QuestionSpec) -> None:
        if not question.hint:
            self.say("     Zu dieser Frage gibt es keinen Hinweis.")
            return
        self.say(f"     Hinweis: {pick(question.hint, 'de')}")
        if self.language != "de" and not question.counsellor_only:
            self.say(f"     {pick(question.hint, self.language)}")

    def _reject(self, german: str, other: str) -> None:
        self.say(f"  ! {german}")
        if other != german:
            self.say(f"    {other}")

    # -- contradictions -------------------------------------------------------------------------

    def _problems(self) -> list[AnswerProblem]:
        """The problems of the intake so far; questions not yet reached that have a default (the
        date of the counselling) count with it, so that the checks can run early."""
        defaults = {
            q.name: default_value(self.form, q, self.today)
            for q in self.form.questions
            if q.default is not None and q.name not in self.visited
        }
        known = {k: v for k, v in defaults.items() if v is not None} | self.answers
        built = build_intake(self.form, known, today=self.today)
        return built.problems if built.intake is not None else []

    def _key(self, problem: AnswerProblem) -> tuple[Any, ...]:
        return (problem.path, problem.message)

    def _contradictions(self) -> None:
        """Say each new contradiction once, right after the answer that caused it."""
        for problem in self._problems():
            key = self._key(problem)
            if key in self._reported:
                continue
            self._reported.add(key)
            kind = "Fehler" if problem.is_error else "Achtung"
            self.say(f"  ! {kind}: {self._where(problem)}: {problem.message}")
            self.say("    (':z' = zurück zur vorigen Frage; die Zusammenfassung zeigt es wieder)")

    def _where(self, problem: AnswerProblem) -> str:
        if problem.question is not None:
            return f"Nr. {problem.question.number} {pick(problem.question.label, 'de')}"
        return ".".join(str(p) for p in problem.path)

    # -- summary -------------------------------------------------------------------------------

    def _summary(self, built: Built) -> None:
        form = self.form
        self.say("")
        self.say("== Zusammenfassung ==")
        for question in visible_questions(form, self.answers):
            value = self.answers.get(question.name)
            if value is None:
                continue
            self.say(
                f"  {question.number:>3}  {pick(question.label, 'de')}: "
                f"{show(form, question, value)}"
            )
        if built.problems:
            self.say("")
            self.say("Zu prüfen:")
            for problem in built.problems:
                kind = "Fehler" if problem.is_error else "Warnung"
                self.say(f"  {kind}: {self._where(problem)}: {problem.message}")

    # -- input ---------------------------------------------------------------------------------

    def _prompt(self, text: str) -> str:
        while True:
            try:
                return self.ask(text)
            except Interrupted:
                if self._confirm_stop():
                    raise Stopped() from None

    def _confirm_stop(self) -> bool:
        self.say("")
        while True:
            try:
                answer = self.ask("Unterbrechen? Die Antworten bleiben als Entwurf. (j/n) ")
                answer = answer.strip().lower()
            except Interrupted:
                return True
            if answer in YES_WORDS:
                return True
            if answer in NO_WORDS:
                return False
