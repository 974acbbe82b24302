"""The presentation side of the command line (:mod:`iae_eval.cli`): each module runs one
command through the Python API, prints its result in French and returns the exit code.

Exit codes: 0 success, 1 invalid data or a failed report, 2 usage error, 130 interrupted.
"""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Exit code after Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130
