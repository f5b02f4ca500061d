"""seiteneinsteiger: decision support for the first counselling of newly arrived pupils in NRW."""

__version__ = "0.1.0"

__all__ = ["__version__"]
