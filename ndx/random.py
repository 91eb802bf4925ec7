"""``ndx.random``: the samplers of ``nd.random`` and ``seed``."""
from .ndarray.random import *  # noqa: F401,F403
from .ndarray.random import seed  # noqa: F401
