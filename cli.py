"""The `sufficiency` command from a source checkout: ``python cli.py ...``.

The commands live in ``sufficiency/cli.py``; an installed package runs them as ``sufficiency``.
"""

from sufficiency.cli import main

if __name__ == "__main__":
    main()
