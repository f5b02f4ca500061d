"""Questionnaires (``seiteneinsteiger/form@1``): model, checks, engine, terminal and Excel.

The form file (``data/forms/intake.yaml``) is the single source: the terminal questionnaire
(``intake new``), the printable Excel template (``form template``) and its reader (``intake
import``) all work from it, and every answer ends in an intake@1 field.
"""
