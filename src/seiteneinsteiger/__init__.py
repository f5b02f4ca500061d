"""seiteneinsteiger: decision support for the first counselling of newly arrived pupils in NRW."""

from pathlib import Path

__version__ = "0.1.0"

__all__ = ["DATA_DIR", "__version__"]

#: The data shipped with the package (rule sets, forms, the school directory). The package is
#: always installed as files (every user of it opens them by path), so this is the directory
#: beside this module; ``importlib.resources`` would cost 5 ms of every start to say the same.
DATA_DIR = Path(__file__).parent / "data"
