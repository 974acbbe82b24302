"""Batch runs: plan the reports, run them in persistent kernels, export HTML, keep the
manifest and the portal."""
