"""iae-eval: evaluation kit for the IAE policy of a French département."""

__version__ = "0.1.0"
