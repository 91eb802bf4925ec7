"""The rest of MXNet's ``basic_layers`` (Dropout, Embedding, Flatten, ...): they live in ``misc_layers``."""
from .misc_layers import *  # noqa: F401,F403
from .misc_layers import __all__  # noqa: F401
