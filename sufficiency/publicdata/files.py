"""Writing an authority's baseline: the parameter set, and a scenario beside it that runs it.

``sufficiency run`` takes a scenario, and a scenario names its parameter file, so
``areas baseline --out leicester.yaml`` writes ``leicester.yaml`` (the parameters) and
``leicester.scenario.yaml`` (a scenario with no changes: ``parameters: leicester.yaml``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InputError
from .baseline import Baseline

HEADER = """# {name}: a baseline parameter set from public data (`sufficiency areas baseline`).
# Every value carries its source: a DfE figure for this authority ('statistic: ...'), England's
# where this authority's is not published, or Leicester's calibrated value ('assumption: ...').
# Run it with: sufficiency run {scenario}
"""


def scenario_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}.scenario.yaml")


def check_outputs(out: Path, force: bool) -> None:
    """Refuse to replace existing files unless ``force``; refuse a scenario-named --out."""
    if out.suffix not in (".yaml", ".yml") or out.name.endswith(".scenario.yaml"):
        raise InputError(
            out,
            "--out",
            "a .yaml file name for the parameter set (the scenario "
            "goes beside it as NAME.scenario.yaml)",
        )
    for path in (out, scenario_path(out)):
        if path.exists() and not force:
            raise InputError(
                path, "--out", "a file that does not exist yet (give --force to replace it)"
            )


def write_baseline(baseline: Baseline, out: Path) -> list[Path]:
    """Write the parameter set and its scenario; the paths written."""
    scenario = scenario_path(out)
    data = baseline.params.model_dump(mode="json", exclude_none=True)
    text = HEADER.format(name=baseline.area.name, scenario=scenario.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + dump(data), encoding="utf-8")
    scenario.write_text(
        dump(
            {
                "name": baseline.params.name,
                "description": f"{baseline.area.name}: the public-data baseline carried forward "
                f"from {baseline.params.start_date}, no new investment.",
                "parameters": out.name,
            }
        ),
        encoding="utf-8",
    )
    return [out, scenario]


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
