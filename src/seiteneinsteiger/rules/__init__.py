"""The rule engine: rule sets as YAML decision tables, evaluated into a recommendation.

``facts`` is the catalogue of what conditions may test, ``loader`` reads and checks rule sets,
``engine`` evaluates them, ``api`` is the entry point for other parts of the product.
"""
