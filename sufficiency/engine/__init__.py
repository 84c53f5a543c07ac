"""The simpy engine: one module per actor, all state passed in, none at module level."""

from .model import Model, build, simulate

__all__ = ["Model", "build", "simulate"]
