"""``gluon.model_zoo``: MXNet 1.x's predefined networks (``vision``) and its model-store file lookup."""
from . import model_store, vision

__all__ = ["model_store", "vision", "get_model"]


def get_model(name, **kwargs):
    """Same as ``vision.get_model`` (MXNet's ``gluon.model_zoo.get_model``)."""
    return vision.get_model(name, **kwargs)
