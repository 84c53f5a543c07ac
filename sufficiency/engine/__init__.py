"""The simpy engine: one module per actor, all state passed in, none at module level.

An installed package usually runs these modules compiled by mypyc (``setup.py``); the source
gives the same results draw for draw, only more slowly.
"""

from pathlib import Path

from . import model
from .model import Model, build, simulate


def engine_kind() -> str:
    """How the engine runs here: ``compiled`` (mypyc extensions) or ``python`` (source)."""
    return "python" if Path(model.__file__ or "").suffix == ".py" else "compiled"


__all__ = ["Model", "build", "engine_kind", "simulate"]
