"""Indicators: the catalogue, pathway helpers, the engine (docs/indicators.md), the
publication-safe suppression and the spreadsheet exports."""

from iae_eval.indicators.compute import compute_indicators, compute_trends

__all__ = ["compute_indicators", "compute_trends"]
