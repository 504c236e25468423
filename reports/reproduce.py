"""The report's appendix: for each table, the ``axiosphere`` command line that prints its numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from axiosphere.pipeline import StudyResults


def reproduce_commands(results: StudyResults) -> list[tuple[str, str]]:
    """The ``axiosphere`` command line that prints the numbers of each table of the report."""
    import shlex

    folder = shlex.quote(str(results.study.source))
    common = f" --plan {shlex.quote(results.plan.file)}" if results.plan.file else ""
    commands = [("quality", f"axiosphere analyze quality {folder} --by city{common}")]
    for instrument_id, result in results.reliability.items():
        scales = ",".join(dict.fromkeys(s.scale for s in result.scales))
        commands.append((f"reliability_{instrument_id}", f"axiosphere analyze reliability {folder} --instrument "
                                                          f"{instrument_id} --scale {scales} --by city{common}"))
    for entry in results.invariance:
        commands.append((f"invariance_{entry.scale}", f"axiosphere analyze invariance {folder} --instrument "
                                                      f"{entry.instrument} --scale {entry.scale} --by city{common}"))
    for entry in results.alignment:
        commands.append((f"alignment_{entry.scale}", f"axiosphere analyze invariance {folder} --instrument "
                                                     f"{entry.instrument} --scale {entry.scale} --by city --method "
                                                     f"alignment --bootstrap {entry.result.bootstrap} --simulate "
                                                     f"{entry.check.replications}{common}"))
    if results.comparison is not None:
        instruments = " ".join(f"--instrument {i}" for i in results.compared)
        scales = ",".join(s for picked in results.compared.values() for s in picked)
        commands.append(("comparisons", f"axiosphere analyze compare {folder} {instruments} --scale {scales} --by city "
                                        f"--links {folder} --adjust {results.plan.adjust} --family {results.plan.family}{common}"))
    if results.valuemap is not None:
        commands.append(("value maps", f"axiosphere map {folder} --instrument {results.valuemap_instrument} --by city "
                                       f"--links {folder} --permutations {results.permutations} --seed {results.seed or 0} "
                                       f"--out figures{common}"))
    if results.network is not None:
        fit, seed = results.network.fit, results.seed or 0
        dyads = results.network.dyads
        countries = f" --countries {','.join(dyads.countries)}" if dyads.countries else ""
        commands.append(("twin network", f"axiosphere analyze dyads {folder} --pairs {dyads.pairs}{countries} "
                                         f"--seed {seed} --out dyads.csv{common} && axiosphere analyze network dyads.csv "
                                         f"--outcome tie --predictors value_distance --permute {fit.permute} --reps "
                                         f"{fit.reps} --seed {seed}"))
        if results.network.activity is not None:
            commands.append(("twin network: activity", f"axiosphere analyze network dyads.csv --outcome activity "
                                                       f"--predictors value_distance --permute {fit.permute} --reps "
                                                       f"{fit.reps} --seed {seed}"))
    return commands
