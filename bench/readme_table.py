"""Writes the README's performance table from bench/results/*.json (between its bench markers).

    python bench/readme_table.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def _load(name: str) -> dict:
    path = HERE / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _ratio(a: float | None, b: float | None) -> str:
    return f"{b / a:.1f}x" if a and b else "—"


def rows() -> list[list[str]]:
    out = []
    analysis = _load("analysis").get("results", {})
    for missing in ("listwise", "pairwise"):
        r = analysis.get("reliability", {}).get(missing)
        if r:
            ours, theirs, numpy_ = r["axiosphere_full_output"], r["pingouin_cronbach_alpha"], r["numpy_cov_pass"]
            out.append([f"Reliability, full output, 1M x 21, 2% missing, {missing}",
                        f"pingouin alpha only (one numpy covariance pass: {numpy_['idle_s']} s / {numpy_['busy_s']} s)",
                        f"{ours['idle_s']} s / {theirs['idle_s']} s", f"{ours['busy_s']} s / {theirs['busy_s']} s",
                        _ratio(ours["idle_s"], theirs["idle_s"])])
    memory = analysis.get("memory", {})
    if memory:
        out.append(["`analyze reliability` 1M x 21: peak memory above reading the file", "data size (float64)",
                    f"{memory['listwise']['above_read_over_data']}x", "", ""])
    compare = analysis.get("compare")
    if compare:
        ours, theirs = compare["axiosphere_compare"], compare["pingouin_scipy_same_work"]
        out.append([f"Comparisons, 1M x {compare['scales']} scales x {compare['cities']} cities, Mann-Whitney + Games-Howell",
                    "pingouin + scipy", f"{ours['idle_s']} s / {theirs['idle_s']} s", f"{ours['busy_s']} s / {theirs['busy_s']} s",
                    _ratio(ours["idle_s"], theirs["idle_s"])])
    startup = analysis.get("startup", {})
    if "rscript_psych_idle" in startup:
        out.append(["`analyze reliability`, 10k rows, whole process", "Rscript + psych",
                    f"{startup['axiosphere_idle']['wall_s']} s / {startup['rscript_psych_idle']['wall_s']} s",
                    f"{startup['axiosphere_busy']['wall_s']} s / {startup['rscript_psych_busy']['wall_s']} s",
                    _ratio(startup["axiosphere_idle"]["wall_s"], startup["rscript_psych_idle"]["wall_s"])])
    invariance = _load("invariance").get("results", {})
    hs = invariance.get("hs1939", {})
    if "rscript_process" in hs.get("idle", {}):
        idle, busy = hs["idle"], hs["busy"]
        out.append(["Invariance sequence, HS1939, whole process", "Rscript + lavaan",
                    f"{idle['axiosphere_process']['wall_s']} s / {idle['rscript_process']['wall_s']} s",
                    f"{busy['axiosphere_process']['wall_s']} s / {busy['rscript_process']['wall_s']} s",
                    _ratio(idle["axiosphere_process"]["wall_s"], idle["rscript_process"]["wall_s"])])
    for cities in (10, 20):
        entry = invariance.get(f"cities{cities}", {})
        if entry.get("idle", {}).get("lavaan_s"):
            out.append([f"Invariance sequence, {cities} cities x 21 items", "lavaan (in R)",
                        f"{entry['idle']['axiosphere_s']} s / {entry['idle']['lavaan_s']} s", f"{entry['busy']['axiosphere_s']} s / —",
                        _ratio(entry["idle"]["axiosphere_s"], entry["idle"]["lavaan_s"])])
    aligned = _load("alignment").get("results", {})
    if aligned:
        fixed = aligned["fixed"]
        out.append([f"Alignment, {aligned['groups']} cities x {aligned['items']} items x {aligned['n_per_group']}, "
                    f"20% non-invariant (means recovered r = {fixed['r_means']})", "", f"{fixed['idle_s']} s",
                    f"{fixed['busy_s']} s", ""])
    network = _load("network").get("results", {})
    for key, label in (("tie_dsp", "logit, double semi-partialling"), ("activity_dsp", "least squares, double semi-partialling")):
        if key in network:
            entry = network[key]
            out.append([f"QAP regression, {network['rows']} x {network['columns']} cities ({network['dyads']:,} dyads), "
                        f"{network['permutations']:,} permutations, {label}", "", f"{entry['idle_s']} s",
                        f"{entry['busy_s']} s", ""])
    fieldwork = _load("fieldwork").get("results", {})
    if fieldwork:
        out.append(["`survey run` to the first question", "", f"{fieldwork['startup']['to_first_question_median_s']} s", "", ""])
        out.append(["Merge of 50 stores x 1,000 interviews (again: nothing new)", "",
                    f"{fieldwork['merge']['merge_s']} s ({fieldwork['merge']['merge_again_s']} s)", "", ""])
    demo = _load("demo").get("results", {})
    if demo:
        out.append(["`axiosphere demo`: 2,420 interviews in 15 cities, analysis, HTML + PDF report", "",
                    f"{demo['demo']['seconds_with_start_up']} s (report alone {demo['report_alone']['seconds']} s)", "", ""])
    return out


def table() -> str:
    head = ["Workload", "Against", "Idle: ours / theirs", "Two busy neighbours: ours / theirs", "Speed-up idle"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows()]
    machine = _load("analysis").get("machine", {})
    note = (f"\nMeasured on {machine.get('cpus', '?')} cores ({machine.get('platform', '')}); each figure is the best of"
            " its runs; `bench/results/*.json` hold every figure with the load average beside it.")
    return "\n".join(lines) + "\n" + note


def main() -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text:
        raise SystemExit(f"README.md has no {START} ... {END} markers")
    text = re.sub(re.escape(START) + r".*?" + re.escape(END), f"{START}\n{table()}\n{END}", text, flags=re.S)
    README.write_text(text, encoding="utf-8")
    print(table())


if __name__ == "__main__":
    main()
