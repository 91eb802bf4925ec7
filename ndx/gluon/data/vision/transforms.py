"""``gluon.data.vision.transforms``: MXNet's image transforms as Blocks (HWC images in, CHW tensors out)."""
from ...block import Block, HybridBlock
from ...nn.basic_layers import HybridSequential, Sequential

__all__ = ["Compose", "Cast", "ToTensor", "Normalize", "RandomFlipLeftRight", "RandomFlipTopBottom"]


class Compose(Sequential):
    """Applies ``transforms`` in order; runs of HybridBlocks are grouped into (hybridized) HybridSequentials,
    as MXNet does."""

    def __init__(self, transforms):
        super().__init__()
        transforms = list(transforms) + [None]
        run = []
        for t in transforms:
            if isinstance(t, HybridBlock):
                run.append(t)
                continue
            if len(run) == 1:
                self.add(run[0])
            elif run:
                group = HybridSequential()
                for block in run:
                    group.add(block)
                group.hybridize()
                self.add(group)
            run = []
            if t is not None:
                self.add(t)


class Cast(HybridBlock):
    """Casts the input to ``dtype``."""

    def __init__(self, dtype="float32"):
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F, x):
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """(H, W, C) / (N, H, W, C) images in [0, 255] -> float32 (C, H, W) / (N, C, H, W) in [0, 1]."""

    def hybrid_forward(self, F, x):
        return F.image.to_tensor(x)


class Normalize(HybridBlock):
    """``(x - mean[c]) / std[c]`` for each channel of (C, H, W) / (N, C, H, W) tensors."""

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F, x):
        return F.image.normalize(x, self._mean, self._std)


class RandomFlipLeftRight(Block):
    """Mirrors the image's width axis with probability 1/2."""

    def forward(self, x):
        from .... import nd
        return nd.image.random_flip_left_right(x)


class RandomFlipTopBottom(Block):
    """Mirrors the image's height axis with probability 1/2."""

    def forward(self, x):
        from .... import nd
        return nd.image.random_flip_top_bottom(x)
