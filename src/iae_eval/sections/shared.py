"""What the report sections share, one module per concern, gathered here for the sections'
``from iae_eval.sections import shared as r``:

- :mod:`~iae_eval.sections.frames`: indicator frames by scope (keyed by ``structure_id``);
- :mod:`~iae_eval.sections.formats`: values as the edition shows them, in French;
- :mod:`~iae_eval.sections.rate_texts`: rates with their intervals, labelled tables, targets;
- :mod:`~iae_eval.sections.notes`: shared sentences and notes, the :func:`view` decorator.

Each view returns a :class:`~iae_eval.sections.parts.Section` (docs/architecture.md).
"""

from iae_eval.sections.formats import *  # noqa: F403
from iae_eval.sections.frames import *  # noqa: F403
from iae_eval.sections.notes import *  # noqa: F403
from iae_eval.sections.rate_texts import *  # noqa: F403
