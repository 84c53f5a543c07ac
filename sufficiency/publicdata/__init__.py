"""Public data on every English council: the DfE's children-looked-after statistics and the
councils' spending outturn, shipped as a small tidy subset (``data/``), and the baseline
parameter set built from them for any authority (``sufficiency areas``)."""
