"""sufficiency: forecast placement sufficiency for a local authority's children's services."""

__version__ = "0.1.0"
