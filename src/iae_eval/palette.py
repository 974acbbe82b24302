"""The kit's colours: a leaf module (it imports nothing of the kit).

Charts (:mod:`iae_eval.charts.style`), HTML blocks and the editions' banners all take their
colours from :data:`PALETTE`.
"""

from __future__ import annotations

#: Colour-blind-safe palette (Okabe-Ito), used by every chart of the kit.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#999999",  # grey
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
