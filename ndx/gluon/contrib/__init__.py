"""``gluon.contrib``: MXNet's contributed Gluon layers that ndx provides (``contrib.nn``)."""
from . import nn  # noqa: F401
