"""No pydantic plugin installed beside the tool gets to see the children's data it validates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "intakes" / "amal-haddad.yaml"

PLUGIN = """
import pathlib

class Plugin:
    def new_schema_validator(self, *args, **kwargs):
        with open(MARKER, "a", encoding="utf-8") as seen:
            seen.write("validator\\n")
        return None, None, None

pathlib.Path(MARKER).write_text("loaded\\n", encoding="utf-8")
plugin = Plugin()
"""


def _install_plugin(site: Path, marker: Path) -> None:
    """A package registering a pydantic plugin, as telemetry tools do (entry point 'pydantic')."""
    (site / "spy_plugin.py").write_text(f"MARKER = {str(marker)!r}\n{PLUGIN}", encoding="utf-8")
    info = site / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")


def _environment(site: Path) -> dict[str, str]:
    """This process's environment with ``site`` importable and no plugin switch set."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    return env


def test_a_pydantic_plugin_in_the_environment_is_never_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "plugin-saw-something.txt"
    _install_plugin(tmp_path, marker)
    command = [sys.executable, "-m", "seiteneinsteiger", "intake", "validate", str(EXAMPLE)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=_environment(tmp_path), check=False
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()


def test_the_same_plugin_is_loaded_by_pydantic_outside_the_tool(tmp_path: Path) -> None:
    """The other half of the test above: the fake plugin is a real one pydantic would load."""
    marker = tmp_path / "plugin-saw-something.txt"
    _install_plugin(tmp_path, marker)
    code = "import pydantic\nclass M(pydantic.BaseModel):\n    x: int\nM(x=1)\n"
    subprocess.run([sys.executable, "-c", code], env=_environment(tmp_path), check=True)
    assert marker.read_text(encoding="utf-8").startswith("loaded\nvalidator")


def test_the_stand_in_loader_says_none_and_forwards_other_names() -> None:
    """The tool's stand-in for pydantic's plugin loader (seiteneinsteiger.cli): no plugins, and
    a name a later pydantic may ask for comes from the real module."""
    import seiteneinsteiger.cli  # noqa: F401 (installs the stand-in)

    loader = sys.modules["pydantic.plugin._loader"]
    assert loader.get_plugins() == ()
    assert loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"
    assert not hasattr(loader, "__path__")
