"""Tests of the exports (a package so that its conftest has a unique module name)."""
