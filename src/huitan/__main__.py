"""``python -m huitan`` runs the command-line interface."""

import gc

gc.disable()  # the imports make long-lived objects only: 40 collections (14 ms) that would find nothing
from .cli import main  # noqa: E402

gc.enable()
main()
