"""sufficiency: forecast placement sufficiency for a local authority's children's services."""

__version__ = "0.1.0"

from .api import compare, run  # noqa: E402  (after __version__, which the modules import)

__all__ = ["__version__", "compare", "run"]
