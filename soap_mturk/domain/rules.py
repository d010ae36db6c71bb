"""Rules of the service that changed from one API version to another.

The domain applies whichever `Rules` it is given; each API version declares its own
(`soap_mturk.versions`), so an operation never asks which version it serves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    # Who may read a worker's score with GetQualificationScore. The first generation
    # of the API let anyone who knew the type and worker ids read it (seed 001); from
    # 2006-08-23 on, only the owner of the type (the 2014-08-15 reference).
    anyone_may_read_scores: bool = False


CURRENT = Rules()
