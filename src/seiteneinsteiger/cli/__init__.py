"""The command line: a thin Typer layer over the core. Nothing below this package imports typer.

Pydantic plugins are switched off for the whole program before any model is built: a plugin is
any package in the same Python environment that registers itself under pydantic's entry point
(telemetry and tracing tools do), and it would be handed every intake the tool validates,
children's data included. Switching them off also spares the scan of all installed packages
for such entry points at every start.

pydantic asks its module ``pydantic.plugin._loader`` for the plugins each time it builds a
model; that module imports ``importlib.metadata`` (17 ms of every start) only to find them.
The module below stands in for it and answers "none"; any other name pydantic may ask it for
in a later version comes from the real module, loaded then.
"""

import functools
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"

_LOADER = "pydantic.plugin._loader"


def _no_plugins() -> tuple[()]:
    return ()


def _from_real_loader(name: str) -> Any:
    """``name`` from pydantic's own loader module (which honours the switch above)."""
    if name.startswith("__"):  # what the import system asks every module (``__path__``)
        raise AttributeError(name)
    return getattr(_real_loader(), name)


@functools.cache
def _real_loader() -> ModuleType:
    package = importlib.util.find_spec("pydantic.plugin")
    assert package is not None and package.submodule_search_locations
    location = os.path.join(next(iter(package.submodule_search_locations)), "_loader.py")
    spec = importlib.util.spec_from_file_location(f"{_LOADER}.real", location)
    assert spec is not None and spec.loader is not None
    real = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(real)
    return real


if _LOADER not in sys.modules:
    _stand_in = ModuleType(_LOADER, "No pydantic plugins (see seiteneinsteiger.cli).")
    _stand_in.get_plugins = _no_plugins  # type: ignore[attr-defined]
    _stand_in.__getattr__ = _from_real_loader  # type: ignore[method-assign]
    sys.modules[_LOADER] = _stand_in
