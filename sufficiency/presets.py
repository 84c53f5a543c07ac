"""The parameter set fitted under each effect preset.

``sufficiency calibrate --effect trial --out calibration/leicester.trial.yaml`` writes the set
fitted under the trial preset beside the one fitted under the service-reported effects
(``leicester.yaml``); a scenario run with ``--effect trial`` loads it in place of its own.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .parameters import ParameterSet

SERVICE = "service"


def preset_file(path: Path, effect: str) -> Path:
    """The file holding ``path``'s parameter set fitted under ``effect``."""
    return path if effect == SERVICE else path.with_name(f"{path.stem}.{effect}{path.suffix}")


def make_one(out: Path, effect: str) -> str:
    """The command that writes the set fitted under ``effect`` to ``out``."""
    return f"make one with 'sufficiency calibrate --effect {effect} --out {out}'"


def fitted_for(path: Path, effect: str) -> Path:
    """The parameter file to use under ``effect``; refused if there is none."""
    target = preset_file(path, effect)
    if not target.is_file():
        raise InputError(
            path,
            "--effect",
            f"a parameter set fitted under the '{effect}' preset ({target.name} beside it), "
            f"none found; {make_one(target, effect)}",
        )
    return target


def check_preset(params: ParameterSet, path: Path, effect: str) -> None:
    """A preset's parameter set must record that it was fitted under that preset."""
    if effect == SERVICE:
        return
    fitted = params.fit.effect if params.fit is not None else None
    if fitted != effect:
        raise InputError(
            path,
            "fit.effect",
            f"a parameter set fitted under the '{effect}' preset, got "
            f"{'no fit' if fitted is None else repr(fitted)}; {make_one(path, effect)}",
        )
