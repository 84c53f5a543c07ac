"""Direct estimates: parameters read (or simply derived) from the figures, where they exist.

Each estimate reads the latest figure in the frame it is given, so a frame cut at a date
(``calibration.sources.until``) gives the estimate as it was known then. Where a figure is
missing the prior value (an assumption) stays.
"""

from __future__ import annotations

from ..paths import put
from ..pathway import MONTH
from . import dfe_adoption, dfe_ages, dfe_routes
from .figures import Figures, Row, significant

OUTCOME_TABLES = (
    # (measure prefix, total measure, suffix per model outcome): closures by outcome, all teams
    (
        "all_families_closed_",
        "all_families_closed",
        {
            "closed": "closed_entirely",
            "stepped_down": "stepped_down",
            "same_plan": "same_plan",
            "stepped_up": "stepped_up",
            "came_into_care": "became_cla",
        },
    ),
    (
        "eoc_concluded_",
        "eoc_concluded",
        {
            "closed": "closed_entirely",
            "stepped_down": "stepped_down",
            "same_plan": "same_plan",
            "stepped_up": "stepped_up",
            "came_into_care": "became_cla",
        },
    ),
)
THERAPIES = ("mst", "mst_bsf", "fft_cw")
SEED_NAME = {"mst": "mst", "mst_bsf": "mst_can", "fft_cw": "fft"}


def apply(data: dict, fig: Figures) -> None:
    """Every direct estimate the figures support, written into a dumped parameter set."""
    costs(data, fig)
    therapists(data, fig)
    for prog in THERAPIES:
        therapy(data, fig, prog)
    outcomes(data, fig)
    family_decision_making(data, fig)
    reunification(data, fig)
    dfe_routes.apply(data, fig)
    ages = dfe_ages.entrants(fig)
    if ages is not None:
        put(data, "entries.direct.age_band_shares", ages)
    dfe_adoption.apply(data, fig)


def costs(data: dict, fig: Figures) -> None:
    for name, measure in (
        ("foster_inhouse", "weekly_cost_foster_inhouse"),
        ("foster_ifa", "weekly_cost_ifa"),
        ("home_inhouse", "weekly_cost_home_inhouse"),
        ("home_external", "weekly_cost_home_external"),
    ):
        row = fig.latest(measure)
        if row is not None:
            put(
                data,
                f"costs.weekly.{name}",
                fig.derived(row.token, f"average weekly cost £{row.value:.0f}"),
            )
    leavers = fig.latest("care_leavers_18_21")
    if leavers is not None:
        put(
            data,
            "costs.care_leavers.at_start",
            fig.derived(leavers.token, "care leavers aged 18-21, latest count", integer=True),
        )
    cite_latest(
        data,
        fig,
        "pct_cla_from_abroad_seeking_safety",
        "costs.grant.share_at_start",
        "share of children looked after who came from abroad seeking safety, latest year",
    )
    row = fig.latest("weekly_cost_foster_inhouse")
    if row is not None:
        put(
            data,
            "costs.weekly.foster_kinship",
            {
                "value": row.value,
                "source": "assumption: kinship carers are approved and paid by "
                f"the council at the internal fostering rate {row.token} ({row.source_file})",
            },
        )


def cite_latest(data: dict, fig: Figures, measure: str, path: str, text: str) -> None:
    """Set ``path`` to the latest figure of ``measure``, if there is one."""
    row = fig.latest(measure)
    if row is not None:
        put(data, path, fig.derived(row.token, text))


def therapists(data: dict, fig: Figures) -> None:
    """Therapists at full staffing (MST's staffing shortfall is a dated event, see history)."""
    teams = fig.latest("mst_teams")
    if teams is not None:
        put(
            data,
            "programmes.mst.therapists",
            fig.derived(
                f"{teams.token} * 3",
                "MST teams at full staffing; three therapists per team is "
                "assumption (the reports give the teams and the caseload, not the posts)",
            ),
        )
    per_team, bsf_teams = fig.latest("mst_can_therapists_per_team"), fig.latest("mst_can_teams")
    if per_team is not None:
        put(data, "programmes.mst_bsf.therapists", fig.derived(per_team.token, "one team"))
    elif bsf_teams is not None:
        put(
            data,
            "programmes.mst_bsf.therapists",
            fig.derived(f"{bsf_teams.token} * 3", "teams; three therapists per team is assumption"),
        )
    pair = fig.latest_pair("fft_caseload_per_therapist", "fft_families_worked_with")
    if pair is not None:
        caseload, worked = pair
        text = "families worked with in the quarter over the caseload per therapist"
        put(
            data,
            "programmes.fft_cw.therapists",
            fig.derived(f"{worked.token} / {caseload.token}", text),
        )


def therapy(data: dict, fig: Figures, prog: str) -> None:
    """Caseload, referrals, family size, ages and duration of one family therapy."""
    seed = SEED_NAME[prog]
    base = f"programmes.{prog}"
    caseload = fig.latest(f"{seed}_caseload_per_therapist") or fig.latest(
        f"{seed}_max_caseload_per_therapist"
    )
    if caseload is not None:
        put(data, f"{base}.caseload", fig.derived(caseload.token, "families per therapist"))
    referrals(data, fig, prog)
    children_per_family(data, fig, prog)
    low, high = fig.latest(f"{seed}_age_min"), fig.latest(f"{seed}_age_max")
    if low is not None and high is not None:
        put(
            data,
            f"{base}.age_range",
            {
                "value": {"low": int(low.value), "high": int(high.value)},
                "source": f"{fig.where(low.token + high.token)}: ages worked with "
                f"[low = {low.token}; high = {high.token}]",
            },
        )
    duration(data, fig, prog)
    if prog == "mst":
        deflator = fig.latest("mst_targeting_deflator")
        if deflator is not None:
            put(
                data,
                f"{base}.targeting_deflator",
                fig.derived(deflator.token, "probability of care without MST, latest figure"),
            )


def referrals(data: dict, fig: Figures, prog: str) -> None:
    """Referrals a month: the stated monthly figure, else the annual target for starts / 12."""
    seed = SEED_NAME[prog]
    stated = fig.latest(f"{seed}_referrals_per_month")
    target = fig.latest(f"{seed}_families_started_target")
    path = f"programmes.{prog}.referrals_per_month"
    if stated is not None:
        put(data, path, fig.derived(stated.token, "referrals a month"))
    elif target is not None:
        put(
            data,
            path,
            fig.derived(
                f"{target.token} / 12", "annual target for families started, spread over 12 months"
            ),
        )


def children_per_family(data: dict, fig: Figures, prog: str) -> None:
    seed = SEED_NAME[prog]
    path = f"programmes.{prog}.children_per_family"
    stated = fig.latest(f"{seed}_children_per_family", years_only=True)
    if stated is not None:
        put(data, path, fig.derived(stated.token, "children per family, latest full year"))
        return
    pair = fig.latest_pair(f"{seed}_children_started", f"{seed}_families_started", True)
    if pair is not None:
        children, families = pair
        text = "children started per family started, latest full year"
        put(data, path, fig.derived(f"{children.token} / {families.token}", text))


def duration(data: dict, fig: Figures, prog: str) -> None:
    seed = SEED_NAME[prog]
    path = f"programmes.{prog}.duration_days"
    days = fig.latest(f"{seed}_avg_treatment_days")
    low, high = fig.latest(f"{seed}_duration_months_min"), fig.latest(f"{seed}_duration_months_max")
    if days is not None:
        put(data, path, fig.derived(days.token, "average length of treatment"))
    elif low is not None and high is not None:
        put(
            data,
            path,
            fig.derived(
                f"({low.token} + {high.token}) / 2 * {MONTH}",
                "the middle of the stated range of months, in days",
            ),
        )


def latest_outcome_table(fig: Figures) -> tuple[dict[str, Row], Row] | None:
    """The most recent table of closures by outcome across the teams."""
    best = None
    for prefix, total_measure, suffixes in OUTCOME_TABLES:
        total = fig.latest(total_measure)
        if total is None:
            continue
        parts = {k: row for k, s in suffixes.items() if (row := fig.get(prefix + s, total.period))}
        if len(parts) == len(suffixes) and (best is None or total.end > best[1].end):
            best = (parts, total)
    return best


def outcomes(data: dict, fig: Figures) -> None:
    """The outcome split of closed families, from the latest all-team table, for each therapy."""
    table = latest_outcome_table(fig)
    if table is not None:
        parts, total = table
        value = {k: significant(row.value / total.value) for k, row in parts.items()}
        value["same_plan"] = significant(1.0 - sum(v for k, v in value.items() if k != "same_plan"))
        checks = "; ".join(f"{k} = {row.token} / {total.token}" for k, row in parts.items())
        sourced = {
            "value": value,
            "source": f"{fig.where(checks)}: closures by outcome across the "
            f"teams, latest quarter; the same split for each therapy [{checks}]",
        }
        for prog in THERAPIES:
            put(data, f"programmes.{prog}.outcome_split", sourced)
    reentry(data, fig)


def reentry(data: dict, fig: Figures) -> None:
    """Re-entry within 18 months: the fall from 'home at closure' to the lowest later share."""
    closure = fig.latest("all_remain_home_at_closure_share")
    later = [r for m in (6, 12, 18) if (r := fig.latest(f"all_remain_home_{m}m_share"))]
    if closure is None or not later:
        return
    lowest = min(later, key=lambda r: r.value)
    sourced = fig.derived(
        f"1 - {lowest.token} / {closure.token}",
        "share of children home at closure who are not home at a later "
        "check (the lowest of the 6, 12 and 18 month cohorts)",
    )
    for prog in THERAPIES:
        put(data, f"programmes.{prog}.reentry_within_18_months", sourced)


def family_decision_making(data: dict, fig: Figures) -> None:
    """Referrals and family size from the latest two quarters; time to conference."""
    quarters = [r for r in fig.rows("fdm_referrals") if " Q" in r.period][-2:]
    kids = [k for r in quarters if (k := fig.get("fdm_referrals_children", r.period))]
    if len(quarters) == len(kids) == 2:
        families = " + ".join(r.token for r in quarters)
        children = " + ".join(r.token for r in kids)
        put(
            data,
            "programmes.fdm.referrals_per_month",
            fig.derived(f"({families}) / 6", "families referred a month over two quarters"),
        )
        put(
            data,
            "programmes.fdm.children_per_family",
            fig.derived(f"({children}) / ({families})", "children per family referred"),
        )
    cite_latest(
        data,
        fig,
        "fdm_days_allocation_to_conference",
        "programmes.fdm.duration_days",
        "days from allocation to conference, latest quarter",
    )


def reunification(data: dict, fig: Figures) -> None:
    cite_latest(
        data,
        fig,
        "fft_reunification_returned_home_share",
        "reunification.success_share",
        "share of the pilot's children who returned home",
    )
    low, high = fig.latest("fft_reunification_age_min"), fig.latest("fft_reunification_age_max")
    if low is not None and high is not None:
        put(
            data,
            "reunification.age_range",
            {
                "value": {"low": int(low.value), "high": int(high.value)},
                "source": f"{fig.where(low.token + high.token)}: ages worked with "
                f"[low = {low.token}; high = {high.token}]",
            },
        )


UNLISTED = (
    "residential_specialist",
    "supported_accommodation",
    "placed_with_parents",
    "other_placement",
)


def unlisted_costs(data: dict, fig: Figures) -> None:
    """The placement types with no reported cost: their assumed weekly rates times one factor,
    solved so the average daily cost of the starting placement mix equals the reported one."""
    average = fig.latest("avg_daily_placement_cost")
    if average is None:
        return
    shares = data["population"]["placement_shares"]["value"]
    weekly = data["costs"]["weekly"]
    known = sum(shares[k] * weekly[k]["value"] for k in shares if k not in UNLISTED)
    assumed = sum(shares[k] * weekly[k]["value"] for k in UNLISTED)
    factor = (7 * average.value - known) / assumed if assumed > 0 else -1.0
    if factor <= 0:
        return
    for name in UNLISTED:
        weekly[name] = {
            "value": significant(weekly[name]["value"] * factor, 4),
            "source": f"fitted: the assumed rate times {factor:.3f}, the factor that makes the "
            f"average daily cost of the placement mix at {data['population']['date']} "
            f"equal {average.token} ({average.source_file}, {average.location}), with "
            f"the reported rates for the other types; the assumed rate: "
            f"{weekly[name]['source']}",
        }
