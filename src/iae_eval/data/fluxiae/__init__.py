"""Import of the ASP's national export, fluxIAE (``iae-eval import-fluxiae``): read, build, write."""
