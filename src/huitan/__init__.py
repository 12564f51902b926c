"""huitan: Chinese-language diplomacy and defence news into a database of engagements.

Stages, in order (each its own module):

1. ``ingest``  — read inputs (txt, HTML, WARC, JSONL, stdin) into :class:`~huitan.model.RawPage`
2. ``page``    — clean a page into its article and teasers (:class:`~huitan.model.Document`)
3. ``actors``  — persons with positions, rank, country and names; organisations; places
4. ``events``  — events with roles, place, mechanism, statements and evidence
5. ``dates``   — event dates with the year resolved and its source
6. ``resolve`` — corpus level: person ids, merged events, mechanism sessions
7. ``store``   — the SQLite database; ``export`` and ``web`` read it
"""

import logging

from .build import warn_if_stale

__version__ = "0.1.0"
__all__ = ["__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
warn_if_stale()
