"""``gluon.data.vision``: image transforms (the datasets, which download files, are not provided)."""
from . import transforms

__all__ = ["transforms"]
