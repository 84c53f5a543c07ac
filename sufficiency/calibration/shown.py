"""The DfE's figures the fit report shows beside the fit without fitting them: Leicester's
children in care by age group and by placement provider at each 31 March in the window
(``WHY`` says why they are not targets)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..pathway import AGE_BANDS, PLACEMENTS, State
from .dfe_sources import age_measure
from .fit import Fit
from .simulate import History
from .targets import in_window

PROVIDER_PLACEMENTS = {
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
"""The model's placements read as each DfE provider (shares of all children in care)."""
BANDS = {age_measure(band): band for band in AGE_BANDS}
WHAT = {
    **{m: f"share of CLA aged {b} at 31 March (DfE)" for m, b in BANDS.items()},
    "dfe_pct_cla_own_provision": "share of CLA in the council's own provision at 31 March "
    "(DfE), against the model's in-house and connected foster carers and in-house homes",
    "dfe_pct_cla_private_provision": "share of CLA in private or voluntary provision at 31 March "
    "(DfE), against the model's agency foster carers, external and specialist homes and "
    "supported accommodation",
}
WHY = (
    "The DfE's shares of Leicester's children in care by age and by placement provider at each "
    "31 March, beside the simulated shares; shown, not fitted. No fitted knob sets the ages of "
    "the children in care (entrants take the DfE's ages on starting, and one multiplier scales "
    "every age band's months in care). Both provider shares are of all children in care; the "
    "model's children placed with parents, placed for adoption or in other placements, and the "
    "DfE's placed by parents, by other councils or public bodies or with no provider reported, "
    "are in neither. The council's '% CLA placed with internal carers' (fitted as a share of "
    "fostered children) is, to within a point in each year 2021-2024, the DfE's own "
    "provision share of all children in care, for Leicester and for England: the fit's reading "
    "of it is the likely cause of the gap in the provider rows (docs/calibration.md)."
)


def simulated_share(measure: str, h: History, date: dt.date) -> np.ndarray:
    """Per replication, the simulated counterpart of a shown DfE share at ``date``."""
    if measure in PROVIDER_PLACEMENTS:
        return h.share(date, PROVIDER_PLACEMENTS[measure], PLACEMENTS)
    return h.age_share(date, (BANDS[measure],))


def shown_frame(fit: Fit) -> pd.DataFrame:
    """One row per shown DfE share in the window: observed, simulated mean and 90% range."""
    rows = []
    for measure in WHAT:
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
                    "what": WHAT[measure],
                }
            )
    return pd.DataFrame(rows)
