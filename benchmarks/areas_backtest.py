"""The national backtest: every authority forecast one year on from the figures up to
--train-until only, scored against what was published, beside persistence and a linear trend
(and, with --simulate N, each authority's public-data baseline run N replications).

Run from the repository root:  python benchmarks/areas_backtest.py [--train-until 2023-03-31]
[--simulate 20] [--jobs 2] [--seeds 5]

Prints the scores table for the first seed, the pooled model's figures across --seeds seeds of
its draws (the intervals of starts and ceased come from draws; the stock's is exact), the wall
and CPU time (CPU: this process only, not the --jobs workers), and whether the stock model's
spread held from year to year: the root mean square of its standardised changes in each
training pair of years and in the year scored (1 where the spread fits), and a
likelihood-ratio test of a spread per training year against one. Target (issue 13): the pooled
model and the simulation of the baselines beat persistence (5.5%) and the linear trend (7.9%) on
children looked after, with 80-95% of authorities inside their 90% intervals. The simulation's
point is its replications' mean with the starts as a control variate; "plain mean" is the
replications' mean as `areas forecast` writes it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from sufficiency.publicdata import pooled, spread
from sufficiency.publicdata.backtest import backtest, describe, fitted, scored_rows
from sufficiency.publicdata.forecast import Settings
from sufficiency.publicdata.tables import PublicData, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-until", type=dt.date.fromisoformat, default=dt.date(2023, 3, 31))
    parser.add_argument("--simulate", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    data = load()
    settings = Settings(args.train_until, 1, args.simulate, 1, args.jobs) if args.simulate else None
    started, wall = time.process_time(), time.perf_counter()
    first = backtest(data, args.train_until, settings)
    print(describe(first))
    print(f"wall {time.perf_counter() - wall:.1f} s, CPU {time.process_time() - started:.1f} s")
    print("pooled model across seeds (MAPE %, inside the 90% interval %):")
    for seed in range(1, args.seeds + 1):
        result = first if seed == 1 else backtest(data, args.train_until, seed=seed)
        pooled = result.scores[result.scores["method"] == "pooled"]
        figures = ", ".join(
            f"{row['measure']} {row['mape']:.2f} / {row['inside_90']:.1f}"
            for row in pooled.to_dict("records")
        )
        print(f"  seed {seed}: {figures}")

    print_spread(data, first.year)


def print_spread(data: PublicData, year: int) -> None:
    """The stock model's standardised changes by year, and the test of a spread per year."""
    frame, model = fitted(data, year)
    training = pooled.pairs(frame[frame["year"] < year])
    print("stock model's spread by year (root mean square of the standardised changes,")
    print("1 where the spread fits; inside the 90% interval %):")
    for role, rows in (("training", training), ("scored", scored_rows(frame, year))):
        for row in spread.by_year(model.stock, rows).to_dict("records"):
            print(
                f"  {row['year']}-{row['year'] + 1 - 2000} {role:<9}{row['authorities']:>4} "
                f"authorities  {row['rms']:.3f}  {row['inside_90']:.1f}"
            )
    if training["year"].nunique() > 1:
        test = spread.yearly_test(model.stock, training)
        print(
            f"a spread per training year against one: likelihood ratio {test.statistic:.2f} "
            f"on {test.degrees_of_freedom} degrees of freedom, p {test.p_value:.2f}"
        )


if __name__ == "__main__":
    main()
