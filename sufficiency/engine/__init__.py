"""The simpy engine: one module per actor, all state passed in, none at module level."""

from .model import Model, simulate

__all__ = ["Model", "simulate"]
