"""``gluon.nn``: neural-network layers (MXNet 1.x names and behaviour)."""
from ..block import Block, HybridBlock
from ..symbol_block import SymbolBlock  # gluon.nn.SymbolBlock is gluon.SymbolBlock, as in MXNet
from .basic_layers import *  # noqa: F401,F403
from .misc_layers import *  # noqa: F401,F403
from .activations import *  # noqa: F401,F403
from .conv_layers import *  # noqa: F401,F403
from .norm_layers import *  # noqa: F401,F403
