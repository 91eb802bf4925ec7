"""``gluon.contrib.nn``: MXNet's contributed layers that ndx provides."""
from .basic_layers import *  # noqa: F401,F403
from .basic_layers import __all__ as _basic
from .extra_layers import *  # noqa: F401,F403
from .extra_layers import __all__ as _extra

__all__ = _basic + _extra
