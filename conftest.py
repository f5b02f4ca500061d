"""Collect the YAML tests that live beside the rule sets and the questionnaire."""

pytest_plugins = [
    "seiteneinsteiger.rules.pytest_collect",
    "seiteneinsteiger.forms.pytest_collect",
]
