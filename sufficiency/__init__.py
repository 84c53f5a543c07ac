"""sufficiency: forecast placement sufficiency for a local authority's children's services."""

from . import shutdown

shutdown.starting(shutdown.module_file("__main__"), shutdown.module_file("__mp_main__"))

from .api import compare, run  # noqa: E402  (after the Ctrl-C handling above)
from .version import __version__  # noqa: E402

__all__ = ["__version__", "compare", "run"]
