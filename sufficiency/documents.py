"""The public documents the parameters are sourced from, by the file names sources cite.

Sources in parameter sets and scenarios cite a seed report by its file name
(``004_cfe9078384657e76.txt, para 3.11``) and a published figure by a token
(``{cla_at_31_march@2025-03-31}``); reports show the report's title, publisher and date and the
figure in words instead (``cited``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEICESTER = "Leicester City Council"


@dataclass(frozen=True)
class Document:
    title: str
    publisher: str
    date: str

    def __str__(self) -> str:
        return f"'{self.title}' ({self.publisher}, {self.date})"


DOCUMENTS = {
    "000_5b8d8f93ba5922ce.txt": Document(
        "Family Therapies progress report, quarter 3 2024/25", LEICESTER, "March 2025"
    ),
    "001_372c55305701d265.txt": Document("Edge of Care Strategy 2025-2027", LEICESTER, "2025"),
    "002_23c3c75e57ab1230.txt": Document(
        "Edge of Care Interventions Summary Report, quarter two 2020-21", LEICESTER, "2020"
    ),
    "003_76f1a019f5cb34a6.txt": Document(
        "Children, Young People and Education Scrutiny Commission agenda pack",
        LEICESTER,
        "23 September 2025",
    ),
    "004_cfe9078384657e76.txt": Document(
        "Children, Young People and Education Scrutiny Commission agenda pack "
        "(Placement Sufficiency Strategy 2025-2030)",
        LEICESTER,
        "8 April 2025",
    ),
}
SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
FIGURE = re.compile(r"\{([a-z][a-z0-9_]*)@([^{}]+)\}")


def cited(text: str) -> str:
    """``text`` with seed file names as document titles and figure tokens in words."""
    text = SEED_FILE.sub(lambda m: str(DOCUMENTS.get(m.group(0), m.group(0))), text)
    return FIGURE.sub(
        lambda m: f"the published figure '{m.group(1).replace('_', ' ')}' for {m.group(2)}", text
    )
