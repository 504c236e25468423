"""The codebook written beside every export: Markdown for people, a Frictionless data
package for machines, and a DDI-Codebook 2.5 XML for data archives.

Every column of the export is listed with its label, type, value labels and
missing-value codes, so the data can be read correctly without axiosphere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from axiosphere.survey.table import STATA_MISSING, Column, ExportTable

_MEDIA = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "sav": "application/x-spss-sav",
          "dta": "application/x-stata-dta",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_MISSING_SENTENCE = {
    "dta": " (Stata extended missing values .d and .r).",
    "sav": " (declared user-missing in the SPSS file).",
}


def write_codebook(table: ExportTable, data_path: Path, format: str) -> list[Path]:
    """Write ``<file>.codebook.md``, ``<file>.datapackage.json`` and ``<file>.ddi.xml`` beside the data.

    Named after the whole file name (``answers.sav.codebook.md``), so a CSV and an SPSS export
    of the same name each keep their own codebook.
    """
    markdown = data_path.with_name(data_path.name + ".codebook.md")
    package = data_path.with_name(data_path.name + ".datapackage.json")
    ddi = data_path.with_name(data_path.name + ".ddi.xml")
    markdown.write_text(codebook_markdown(table, data_path.name, format), encoding="utf-8")
    package.write_text(json.dumps(datapackage(table, data_path.name, format), ensure_ascii=False, indent=2) + "\n",
                       encoding="utf-8")
    ddi.write_text(ddi_codebook(table, data_path.name), encoding="utf-8")
    return [markdown, package, ddi]


def _missing_note(column: Column, format: str) -> str:
    if not column.missing:
        return ""
    parts = []
    for code, kind in sorted(column.missing.items()):
        shown = f".{STATA_MISSING[kind]}" if format == "dta" else str(code)
        parts.append(f"{shown} = {kind.replace('_', ' ')}")
    return "; ".join(parts)


def codebook_markdown(table: ExportTable, data_name: str, format: str) -> str:
    """The codebook as a Markdown document."""
    frame = table.frame
    lines = [
        f"# Codebook: {data_name}",
        "",
        f"Study `{table.study}`, {len(frame)} interviews ({', '.join(table.statuses)}), {len(table.columns)} columns.",
        "One row per interview. Empty cells are system-missing: not asked (skip logic), skipped, or not reached.",
        "Answers keep their codes; the codes listed as missing are non-answers" + _MISSING_SENTENCE.get(format, "."),
        "",
        "| column | label | type | values | missing codes | n valid |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for column in table.columns:
        values = "; ".join(f"{v} = {label}" for v, label in sorted(column.values.items()) if v not in column.missing)
        series = frame[column.name]
        valid = int(series.notna().sum() - (series.isin(list(column.missing)).sum() if column.missing else 0))
        label = column.label.replace("|", "/")
        lines.append(f"| `{column.name}` | {label} | {column.type} | {values.replace('|', '/')} | "
                     f"{_missing_note(column, format)} | {valid} |")
    notes = [c for c in table.columns if c.kind != "meta" and c.note and c.note != c.label]
    if notes:
        lines += ["", "## Question texts", ""]
        lines += [f"- `{c.name}` ({c.instrument or 'unknown instrument'}): {' '.join(c.note.split())}" for c in notes]
    return "\n".join(lines) + "\n"


def datapackage(table: ExportTable, data_name: str, format: str) -> dict[str, Any]:
    """A Frictionless Data Package (v2) describing the export."""
    fields = []
    for column in table.columns:
        spec: dict[str, Any] = {"name": column.name, "title": column.label, "type": column.type}
        if column.note and column.note != column.label:
            spec["description"] = " ".join(column.note.split())
        if column.type == "integer":
            spec["bareNumber"] = True
        valid = sorted(v for v in column.values if v not in column.missing)
        if valid:
            spec["categories"] = [{"value": v, "label": column.values[v]} for v in valid]
            spec["constraints"] = {"enum": valid}
        if column.missing or column.kind != "meta":
            spec["missingValues"] = [""] + [str(code) for code in sorted(column.missing)]
        if column.measure == "ordinal" and column.values:
            spec["categoriesOrdered"] = True
        fields.append(spec)
    resource: dict[str, Any] = {
        "name": Path(data_name).stem.lower().replace(" ", "-"), "path": data_name, "format": format,
        "mediatype": _MEDIA[format], "schema": {"fields": fields, "primaryKey": ["interview"]},
    }
    if format == "csv":
        resource.update({"type": "table", "encoding": "utf-8"})
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": table.study,
        "title": f"Answers of study {table.study}",
        "created_by": "axiosphere",
        "resources": [resource],
    }


def ddi_codebook(table: ExportTable, data_name: str) -> str:
    """A minimal DDI-Codebook 2.5 document: the file and each variable with its categories."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<codeBook xmlns="ddi:codebook:2_5" version="2.5">',
           f"  <stdyDscr><citation><titlStmt><titl>{escape(table.study)}</titl></titlStmt></citation></stdyDscr>",
           f'  <fileDscr ID="F1"><fileTxt><fileName>{escape(data_name)}</fileName>'
           f"<dimensns><caseQnty>{len(table.frame)}</caseQnty><varQnty>{len(table.columns)}</varQnty></dimensns>"
           "</fileTxt></fileDscr>",
           "  <dataDscr>"]
    for n, column in enumerate(table.columns, 1):
        interval = "discrete" if column.type in ("integer", "string") else "contin"
        out.append(f'    <var ID="V{n}" name="{escape(column.name)}" files="F1" intrvl="{interval}">')
        out.append(f"      <labl>{escape(column.label)}</labl>")
        if column.note and column.note != column.label:
            out.append(f"      <qstn><qstnLit>{escape(' '.join(column.note.split()))}</qstnLit></qstn>")
        for value, label in sorted(column.values.items()):
            missing = ' missing="Y"' if value in column.missing else ""
            out.append(f"      <catgry{missing}><catValu>{value}</catValu><labl>{escape(label)}</labl></catgry>")
        kind = {"integer": "numeric", "number": "numeric"}.get(column.type, "character")
        out.append(f'      <varFormat type="{kind}"/>')
        out.append("    </var>")
    out += ["  </dataDscr>", "</codeBook>"]
    return "\n".join(out) + "\n"
