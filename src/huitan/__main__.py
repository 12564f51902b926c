"""``python -m huitan`` runs the command-line interface."""

from .cli import main

main()
