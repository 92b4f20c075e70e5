"""``python -m dckg`` runs the command line."""

from dckg.cli import main

main()
