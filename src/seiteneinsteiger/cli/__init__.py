"""The command line: a thin Typer layer over the core. Nothing below this package imports typer.

Pydantic plugins are switched off for the whole program before any model is built: a plugin is
any package in the same Python environment that registers itself under pydantic's entry point
(telemetry and tracing tools do), and it would be handed every intake the tool validates,
children's data included. Switching them off also spares the scan of all installed packages
for such entry points at every start.
"""

import os

os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
