"""``ndx.optimizer`` (``mx.optimizer``): optimizers for ``gluon.Trainer`` with MXNet 1.9.1's update rules."""
from .optimizer import Optimizer, create, register
from .rules import NAG, SGD, AdaDelta, AdaGrad, Adam, AdamW, RMSProp, Signum
from .adaptive_rules import DCASGD, FTML, LAMB, SGLD, Adamax, Ftrl, Nadam
from .updater import Updater, get_updater

__all__ = ["Optimizer", "create", "register", "SGD", "NAG", "Signum", "Adam", "AdamW", "AdaGrad", "RMSProp",
           "AdaDelta", "Adamax", "Nadam", "DCASGD", "FTML", "Ftrl", "LAMB", "SGLD", "Updater", "get_updater"]
