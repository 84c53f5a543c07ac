"""Build hooks: the simulation engine compiled with mypyc where it can be.

Everything else about the package is in ``pyproject.toml``. A wheel built here holds the
engine's modules (``COMPILED``) both as Python source and as C extensions compiled by mypyc
(part of mypy), which Python imports in preference: a replication then takes about a third less
time, with the same results draw for draw. The engine stays pure Python, with a warning, where
compilation is not possible (no C compiler, mypy missing) and where it is not wanted: in an
editable install (so that edits to the source take effect) and with ``SUFFICIENCY_PURE=1``.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

COMPILED = [
    "sufficiency/records.py",
    *sorted(
        str(path.as_posix())
        for path in Path("sufficiency/engine").glob("*.py")
        if path.name != "__init__.py"
    ),
]
"""The modules compiled: the engine's event loop and actors, and the log they write to."""


class MaybeCompiled(build_ext):
    """Compile the engine with mypyc, or leave it pure Python and say why.

    The extensions are made only when the command runs (making them takes a minute, and the
    build's other steps finalize this command too): until then it holds a placeholder."""

    def run(self) -> None:
        why = self.reason_to_skip()
        if why is None:
            try:
                self.distribution.ext_modules = mypyc_extensions()
                self.initialize_options()  # set up again, for the extensions mypyc made
                self.finalize_options()
                super().run()
                return
            except (Exception, SystemExit) as exc:  # a failure leaves a working package
                for ext in self.extensions:
                    Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
                why = f"compiling it failed ({type(exc).__name__}: {exc})"
        self.extensions = self.distribution.ext_modules = []
        print(f"sufficiency: the engine stays pure Python: {why}", file=sys.stderr)

    def reason_to_skip(self) -> str | None:
        if os.environ.get("SUFFICIENCY_PURE") == "1":
            return "SUFFICIENCY_PURE=1"
        if getattr(self, "editable_mode", False):
            return "an editable install runs the source as it is edited"
        return None


@functools.cache
def mypyc_extensions() -> list[Extension]:
    """The engine's extensions (made once a build), with the runtime they share installed as
    ``sufficiency.engine__mypyc``. Type-checked without the project's mypy settings (they need
    pydantic's plugin), with simpy's type hints (a build requirement: the clock subclasses
    simpy's environment) and any others installed; errors in the modules they import are not
    theirs to report (with no numpy at hand, as in a first install, some would be)."""
    from mypyc.build import mypycify

    options = [
        *("--config-file", os.devnull),
        *("--follow-imports", "silent", "--ignore-missing-imports"),
    ]
    return mypycify([*options, *COMPILED], opt_level="3", group_name="sufficiency.engine")


setup(
    cmdclass={"build_ext": MaybeCompiled},
    ext_modules=[Extension("sufficiency.engine._compiled", sources=[])],
)
