"""The structure's evolution: people in pathway and exit rates over every year of the data,
the rates with their 95 % intervals beside the département's."""

from __future__ import annotations

import matplotlib.pyplot as plt

from iae_eval import charts, wording
from iae_eval.indicators.catalogue import LABELS as INDICATOR_LABELS
from iae_eval.indicators.catalogue import TARGETS
from iae_eval.indicators.pathways import structure_name
from iae_eval.report import Report
from iae_eval.sections import parts
from iae_eval.sections import places as at
from iae_eval.sections.formats import PUBLIC_LABELS, shown_numbers
from iae_eval.sections.frames import by_year, structure_years
from iae_eval.sections.notes import no_data, view
from iae_eval.sections.rate_texts import formatted
from iae_eval.sections.rates import RATES, interval_chart, year_intervals


def _people_chart(numbers, *, name: str, first: int, last: int) -> parts.Chart | parts.Paragraph:
    """People in pathway and RSA recipients by year; one sentence when nothing can be drawn."""
    people = numbers[["participants", "rsa_participants"]]
    if not charts.has_values(people):
        return parts.note(f"Aucun effectif à représenter pour {name} : le graphique n'est pas tracé.")
    fig, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    charts.trend_lines(
        people,
        ax=ax,
        labels={
            "participants": INDICATOR_LABELS["participants"],
            "rsa_participants": "dont "
            + PUBLIC_LABELS["rsa_participants"].replace("Allocataires", "allocataires"),
        },
        ylabel="Personnes",
        legend_columns=2,
    )
    described = " ; ".join(
        f"{y} : {wording.count_words('participants', numbers.at[y, 'participants'], noun='personnes')} dont "
        f"{wording.count_words('rsa_participants', numbers.at[y, 'rsa_participants'])}"
        for y in numbers.index
    )
    alt = f"Courbes de {first} à {last} pour {name} : personnes en parcours et allocataires du RSA. {described}."
    return parts.figure(fig, alt)


@view
def structure(rep: Report) -> parts.Section:
    """The structure's participants and exit rates over every year of the data; the rates
    with their intervals next to the département's."""
    dataset, structure_id, min_cell, diffusion = rep.dataset, rep.structure_id, rep.min_cell, rep.diffusion
    name = structure_name(dataset, structure_id)
    frame = structure_years(dataset, structure_id, dataset.years())
    active = [] if frame.empty else [int(y) for y in frame.index[frame["participants"] > 0]]
    if not active:
        return no_data(f"{name} n'a aucun parcours dans les données.")
    # every year from the first to the last with people in pathway, those without exits
    # included (their rates are undefined, NaN: the charts and the table show them as such)
    first, last = min(active), max(active)
    frame = frame.loc[first:last]
    without_exits = [str(y) for y in frame.index if not frame.at[y, "exits_examined"]]
    places = at.of_years(frame, dataset, at.structure_unit(structure_id))
    numbers = shown_numbers(frame, min_cell=min_cell, diffusion=diffusion, places=places)
    dep = by_year(dataset, first, last)
    dep_numbers = shown_numbers(dep, min_cell=min_cell, diffusion=diffusion, places=at.of_years(dep, dataset))
    rates_chart = interval_chart(
        {
            "Structure": {k: year_intervals(frame, numbers, k) for k in RATES},
            "Département": {k: year_intervals(dep, dep_numbers, k) for k in RATES},
        },
        what=f"{name} et le département, de {first} à {last}",
        own="Structure",
    )
    keys = ["participants", "rsa_participants", "exits_examined", *RATES]
    table = formatted(frame, min_cell=min_cell, columns=keys, diffusion=diffusion, places=places)
    table.index = [str(y) for y in table.index]
    drawn = ["participants", "rsa_participants", *TARGETS]
    hidden = int((numbers[drawn].isna() & frame[drawn].notna()).to_numpy().sum())
    return parts.join(
        _people_chart(numbers, name=name, first=first, last=last),
        rates_chart,
        parts.note(
            "Barres : intervalle de confiance à 95 % ; marque creuse : effectif faible (moins de 20 sorties "
            "examinées)."
        )
        if isinstance(rates_chart, parts.Chart)
        else None,
        parts.note(f"Les valeurs masquées par le secret statistique ({hidden}) ne sont pas tracées.")
        if hidden
        else None,
        parts.note(
            f"Aucune sortie examinée en {', '.join(without_exits)} : les taux de sortie n'y sont pas calculables."
        )
        if without_exits
        else None,
        parts.table(table, caption=f"Évolution de {first} à {last}"),
    )
