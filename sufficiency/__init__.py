"""sufficiency: forecast placement sufficiency for a local authority's children's services."""

from .api import compare, run
from .version import __version__

__all__ = ["__version__", "compare", "run"]
