"""``ndx.gluon``: Parameters, Blocks and layers with MXNet 1.x Gluon's names and behaviour."""
from . import nn
from .block import Block, HybridBlock
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict
