"""``index.html``: the portal of an output folder (French, self-contained, offline).

It lists every report recorded in the manifest, year by year, with its status in the last
run (``à jour`` built now, ``inchangé`` skipped because its inputs did not change,
``échec`` failed, ``antérieur`` built by an earlier run that did not ask for it), a link to
the report, or for a failed one the executed notebook and, when an earlier run built it, the
last good report marked out of date with the reason of the failure; the year's headline figures
(participants, durable and dynamic exit rates, département scope, suppressed) and links
to the year's indicator tables. It carries the banner of the run's edition ("Diffusion
restreinte — …" or "Diffusion publique"), and names the edition of a report built in another
one by an earlier run. The bilan of the run's period is listed as the bilan; bilans of other
periods, built by earlier runs, are listed apart as earlier ones.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from iae_eval import __version__, atomic, display, editions, fmt
from iae_eval.batch.htmlexport import french_datetime, methodology_html, stylesheet
from iae_eval.batch.manifest import Manifest
from iae_eval.data.reference import DEFAULT_MIN_CELL
from iae_eval.indicators.catalogue import RATE_KEYS, label
from iae_eval.indicators.exports import FILE_NAMES
from iae_eval.indicators.synthesis_exports import YEAR_CSV, bilan_csv_name, bilan_xlsx_name

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "ok": ("à jour", "iae-status-ok"),
    "skipped": ("inchangé", "iae-status-skipped"),
    "failed": ("échec", "iae-status-failed"),
    "earlier": ("antérieur", "iae-status-skipped"),
}
INDEX_NAME = "index.html"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(out_dir: Path, rel: str | None, text: str) -> str:
    if rel and (out_dir / rel).is_file():
        return f'<a href="{_e(rel)}">{_e(text)}</a>'
    return _e(text)


def _status(entry: dict, run_status: dict[str, str], key: str) -> str:
    state = run_status.get(key, "earlier")
    if entry.get("status") == "failed":
        state = "failed"
    label, css = STATUS_LABELS[state]
    return f'<span class="{css}">{label}</span>'


def _report_row(out_dir: Path, key: str, entry: dict, run_status: dict[str, str], diffusion: str) -> str:
    name = entry.get("name") or entry.get("label") or key
    other = entry.get("diffusion")
    if other and other != diffusion and other in editions.EDITIONS:
        name_html = f"{_e(name)}<br><small>{_e(editions.edition(other).banner)}</small>"
    else:
        name_html = _e(name)
    if entry.get("status") == "failed":
        link = _link(out_dir, entry.get("notebook"), "notebook exécuté")
        detail = f"<br><small>{_e(entry.get('error', ''))}</small>" if entry.get("error") else ""
        target = f"{link}{detail}"
        if entry.get("last_good") and (out_dir / key).is_file():
            when = _e(french_datetime(datetime.fromisoformat(entry["last_good"])))
            target = (
                f'<span class="iae-status-stale">Version périmée</span> : '
                f"{_link(out_dir, key, f'ouvrir le rapport du {when}')}, construit avant l’échec "
                f"de sa mise à jour.<br>{target}"
            )
    else:
        target = _link(out_dir, key, "ouvrir le rapport")
    return f"<tr><td>{name_html}</td><td>{_status(entry, run_status, key)}</td><td>{target}</td></tr>"


def _order(entry: dict) -> tuple:
    return ({"departement": 0, "structure": 1}.get(entry.get("kind"), 2), entry.get("label") or "")


def _split_bilans(bilans: dict[str, dict], run_status: dict[str, str]) -> tuple[list, list]:
    """(the current bilan, the others): the bilan of the last run's period when that run asked
    for one, else the one built most recently; the others were built for other periods."""
    if not bilans:
        return [], []
    current = [k for k in bilans if k in run_status]
    if not current:
        current = [max(bilans, key=lambda k: (bilans[k].get("built") or bilans[k].get("last_good") or "", k))]
    return (
        sorted((k, bilans[k]) for k in current),
        sorted((k, e) for k, e in bilans.items() if k not in current),
    )


#: The département's figures the portal shows for each year (kept in the manifest).
HEADLINE_KEYS: tuple[str, ...] = ("participants", "durable_rate", "dynamic_rate")


def _headline(values: dict) -> list[str]:
    return [
        fmt.percent(values.get(k)) if k in RATE_KEYS else fmt.integer(values.get(k)) for k in HEADLINE_KEYS
    ]


def portal_html(
    out_dir: Path,
    manifest: Manifest,
    run_status: dict[str, str],
    *,
    fingerprint: str,
    generated: datetime,
    min_cell: int = DEFAULT_MIN_CELL,
    diffusion: str = editions.DEFAULT_DIFFUSION,
    departement: str | None = None,
) -> str:
    """The portal page of ``out_dir`` (``min_cell``: the threshold its methodology names;
    ``diffusion``: the edition of the run, on its banner; ``departement``: the name in its
    title, from the data)."""
    title = "Évaluation de l'insertion par l'activité économique" + (
        f" — {departement}" if departement else ""
    )
    chosen = editions.edition(diffusion)
    reports = {k: e for k, e in manifest.entries.items() if e.get("type") == "report"}
    years = sorted(
        {int(e["year"]) for e in reports.values() if e.get("year") is not None}
        | {int(y) for y in manifest.years}
    )
    bilans, older_bilans = _split_bilans(
        {k: e for k, e in reports.items() if e.get("kind") == "bilan"}, run_status
    )
    counts = {s: 0 for s in STATUS_LABELS}
    for key, entry in reports.items():
        state = "failed" if entry.get("status") == "failed" else run_status.get(key, "earlier")
        counts[state] += 1
    when = french_datetime(generated)
    short = fingerprint[:12] if fingerprint else "inconnue"

    parts = [
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f'<meta name="generator" content="iae-eval {_e(__version__)}">\n'
        f"<title>{_e(title)} — rapports</title>\n"
        f'<style>\n{stylesheet()}\n</style>\n</head>\n<body class="iae-portal">\n',
        display.banner(chosen).html + "\n",
        '<header class="iae-header"><p class="iae-kicker">Portail des rapports</p>'
        f'<h1 class="iae-title">{_e(title)}</h1>'
        f'<dl class="iae-meta"><div><dt>Généré le</dt><dd>{_e(when)}</dd></div>'
        f"<div><dt>Édition</dt><dd>{_e(chosen.banner)}</dd></div>"
        f"<div><dt>Données</dt><dd>{_e(short)}</dd></div>"
        f"<div><dt>Rapports</dt><dd>{len(reports)}</dd></div></dl></header>\n",
    ]
    summary = ", ".join(
        f"{counts[s]} {STATUS_LABELS[s][0]}" for s in ("ok", "skipped", "failed", "earlier") if counts[s]
    )
    parts.append(f'<p class="iae-note">Dernière exécution : {_e(summary or "aucun rapport")}.</p>\n')

    toc = [f'<li><a href="#annee-{y}">{y}</a></li>' for y in years]
    if bilans:
        toc.append('<li><a href="#bilan">Bilan pluriannuel</a></li>')
    if older_bilans:
        toc.append('<li><a href="#bilans-anterieurs">Bilans d’autres périodes</a></li>')
    parts.append(
        '<nav class="iae-toc" aria-label="Sommaire"><h2>Sommaire</h2><ol>'
        '<li><a href="#chiffres-cles">Chiffres clés par année</a></li>' + "".join(toc) + "</ol></nav>\n"
    )
    parts.append('<main class="iae-main">\n<h2 id="chiffres-cles">Chiffres clés par année</h2>\n')
    parts.append(
        '<table class="iae-table"><caption>Département, tous types de structures</caption>'
        "<thead><tr><th>Année</th>"
        + "".join(f"<th>{_e(label(k))}</th>" for k in HEADLINE_KEYS)
        + "<th>Indicateurs détaillés</th></tr></thead><tbody>"
    )
    for year in years:
        values = manifest.years.get(str(year), {})
        cells = "".join(f"<td>{_e(v)}</td>" for v in _headline(values))
        tables = " · ".join(
            [
                *(_link(out_dir, f"{year}/{name}", name.rsplit(".", 1)[1].upper()) for name in FILE_NAMES),
                _link(out_dir, f"{year}/{YEAR_CSV}", "Synthèse (CSV)"),
            ]
        )
        parts.append(f'<tr><td><a href="#annee-{year}">{year}</a></td>{cells}<td>{tables}</td></tr>')
    parts.append("</tbody></table>\n")

    for year in years:
        rows = sorted(
            ((k, e) for k, e in reports.items() if e.get("year") == year),
            key=lambda item: _order(item[1]),
        )
        parts.append(f'<h2 id="annee-{year}">{year}</h2>\n')
        if not rows:
            parts.append('<p class="iae-note">Aucun rapport pour cette année.</p>\n')
            continue
        parts.append(
            '<table class="iae-table"><thead><tr><th>Rapport</th><th>Statut</th><th>Lien</th></tr>'
            "</thead><tbody>"
            + "".join(_report_row(out_dir, k, e, run_status, chosen.diffusion) for k, e in rows)
            + "</tbody></table>\n"
        )
    if bilans:
        parts.append(
            '<h2 id="bilan">Bilan pluriannuel</h2>\n<table class="iae-table"><thead><tr>'
            "<th>Rapport</th><th>Statut</th><th>Lien</th></tr></thead><tbody>"
        )
        parts.extend(_report_row(out_dir, k, e, run_status, chosen.diffusion) for k, e in bilans)
        parts.append("</tbody></table>\n")
        periods = sorted(
            {(e.get("first_year"), e.get("last_year")) for _, e in bilans if e.get("first_year")}
        )
        links = [
            f"{first}-{last} : "
            + " · ".join(
                (
                    _link(out_dir, bilan_csv_name(first, last), "synthèse évaluative (CSV)"),
                    _link(out_dir, bilan_xlsx_name(first, last), "classeur du bilan (XLSX)"),
                )
            )
            for first, last in periods
        ]
        if links:
            parts.append(f'<p class="iae-note">Synthèse évaluative : {" ; ".join(links)}</p>\n')
    if older_bilans:
        parts.append(
            '<h3 id="bilans-anterieurs">Bilans d’autres périodes (exécutions précédentes)</h3>\n'
            '<p class="iae-note">Construits par une exécution précédente pour une autre période : '
            "ils ne tiennent pas compte des données ni des réglages de la dernière exécution.</p>\n"
            '<table class="iae-table"><thead><tr><th>Rapport</th><th>Statut</th><th>Lien</th></tr>'
            "</thead><tbody>"
        )
        parts.extend(_report_row(out_dir, k, e, run_status, chosen.diffusion) for k, e in older_bilans)
        parts.append("</tbody></table>\n")
    parts.append(
        f'</main>\n<footer class="iae-footer">{methodology_html(fingerprint=short, generated=when, min_cell=min_cell, diffusion=chosen.diffusion)}'
        "</footer>\n</body>\n</html>\n"
    )
    return "".join(parts)


def write_portal(
    out_dir: Path,
    manifest: Manifest,
    run_status: dict[str, str],
    *,
    fingerprint: str,
    generated: datetime,
    min_cell: int = DEFAULT_MIN_CELL,
    diffusion: str = editions.DEFAULT_DIFFUSION,
    departement: str | None = None,
) -> Path:
    """Write ``out_dir/index.html`` atomically."""
    page = portal_html(
        out_dir,
        manifest,
        run_status,
        fingerprint=fingerprint,
        generated=generated,
        min_cell=min_cell,
        diffusion=diffusion,
        departement=departement,
    )
    return atomic.write_text(out_dir / INDEX_NAME, page)
