"""What a reader can recover from published figures and the linear relations between them
(docs/editions.md): the building blocks of the public edition's protection.

- :mod:`~iae_eval.protection.recovery`: which withheld cells are an exact linear
  combination of published ones (Gaussian elimination);
- :mod:`~iae_eval.protection.intervals`: the protection interval of each withheld cell, by
  linear programming (scipy's HiGHS).
"""
