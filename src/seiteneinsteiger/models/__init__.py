"""Pydantic models of the two data contracts: intake@1 and recommendation@1."""
