"""The DfE's figures the fit report shows beside the fit without fitting them: Leicester's
children in care by age group and by placement provider at each 31 March in the window
(``WHY`` says why they are not targets)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..pathway import AGE_BANDS, PLACEMENTS, State
from .dfe_sources import AGES
from .fit import Fit
from .simulate import History
from .targets import in_window

PROVIDERS = {
    "dfe_pct_cla_own_provision": (
        State.FOSTER_INHOUSE,
        State.FOSTER_KINSHIP,
        State.HOME_INHOUSE,
    ),
    "dfe_pct_cla_private_provision": (
        State.FOSTER_IFA,
        State.HOME_EXTERNAL,
        State.RESIDENTIAL_SPECIALIST,
        State.SUPPORTED_ACCOMMODATION,
    ),
}
"""The model's placements read as each DfE provider."""
WHY = (
    "The DfE's shares of Leicester's children in care by age and by placement provider at each "
    "31 March, beside the simulated shares; shown, not fitted. No fitted knob sets the ages of "
    "the children in care (entrants take the DfE's ages on starting, and one multiplier scales "
    "every age band's months in care). The providers do not map one-to-one onto the model's "
    "placements: own provision is read as in-house and connected foster carers and in-house "
    "homes, private (with voluntary) as agency foster carers, external and specialist homes and "
    "supported accommodation, while the DfE also counts placements for adoption, with parents "
    "and of unreported provider, which neither side holds; the council's share of fostered "
    "children with in-house carers is fitted instead."
)


def simulated_share(measure: str, h: History, date: dt.date) -> np.ndarray:
    """Per replication, the simulated counterpart of a shown DfE share at ``date``."""
    if measure in PROVIDERS:
        return h.share(date, PROVIDERS[measure], PLACEMENTS)
    band = AGE_BANDS[list(AGES).index(measure)]
    return h.age_share(date, (band,))


def shown_frame(fit: Fit) -> pd.DataFrame:
    """One row per shown DfE share in the window: observed, simulated mean and 90% range."""
    rows = []
    for measure in [*AGES, *PROVIDERS]:
        for row in in_window(fit.figures.rows(measure), fit.first, fit.last):
            sims = simulated_share(measure, fit.history, row.end)
            p05, p95 = np.percentile(sims, [5, 95])
            rows.append(
                {
                    "measure": measure,
                    "period": row.period,
                    "observed": row.value,
                    "simulated_mean": float(sims.mean()),
                    "simulated_p05": float(p05),
                    "simulated_p95": float(p95),
                    "difference": float(sims.mean() - row.value),
                }
            )
    return pd.DataFrame(rows)
