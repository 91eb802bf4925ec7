"""``ndx.gluon``: Parameters, Blocks and layers with MXNet 1.x Gluon's names and behaviour."""
from . import nn
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict
from . import data, loss, utils
from .trainer import Trainer
from .symbol_block import SymbolBlock  # noqa: E402  (it also attaches HybridBlock.export)
from . import checkpoint as _checkpoint  # noqa: E402  (save_parameters / load_parameters / ParameterDict.save)

_checkpoint.install()
from . import model_zoo  # noqa: E402,F401  (gluon.model_zoo, as in MXNet)
from . import contrib  # noqa: E402,F401  (gluon.contrib.nn, as in MXNet)
