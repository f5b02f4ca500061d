"""Tests of the rule engine (package, so that mypy tells this conftest from the others)."""
