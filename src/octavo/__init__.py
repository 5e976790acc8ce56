"""Octavo turns a folder of reviews into a book: a print-ready PDF and an EPUB 3.

The pipeline, one direction, nothing written before everything is valid::

    anthology.toml -> Manifest ┐
    reviews/*.md   -> Review   ┴-> collect -> Anthology -> render -> HTML / XHTML -> write

``load_anthology()`` runs the first half and ``build()`` the whole of it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import build, load_anthology

__all__ = ["__version__", "build", "load_anthology"]
