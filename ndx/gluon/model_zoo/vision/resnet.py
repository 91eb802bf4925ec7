"""ResNet V1 (He et al., 2015) and V2 (pre-activation, He et al., 2016), 18 to 152 layers.

The residual blocks create their layers without opening a name scope of their own (as MXNet's do),
so their parameters are named after the stage: ``resnetv10_stage1_conv0_weight``.
"""
from ... import nn
from ...block import HybridBlock
from ..model_store import load_pretrained

__all__ = ["ResNetV1", "ResNetV2", "BasicBlockV1", "BasicBlockV2", "BottleneckV1", "BottleneckV2",
           "resnet18_v1", "resnet34_v1", "resnet50_v1", "resnet101_v1", "resnet152_v1",
           "resnet18_v2", "resnet34_v2", "resnet50_v2", "resnet101_v2", "resnet152_v2", "get_resnet"]


def _conv3x3(channels, stride, in_channels):
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1, use_bias=False, in_channels=in_channels)


class _BlockV1(HybridBlock):
    """A V1 residual block: ``body`` (from ``_body_layers``), a 1x1 conv + BatchNorm shortcut when
    ``downsample``, ReLU after the sum. The body's layers are made before the shortcut's, as in MXNet,
    so their names come first."""

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix="")
        for layer in self._body_layers(channels, stride, in_channels):
            self.body.add(layer)
        if downsample:
            self.downsample = nn.HybridSequential(prefix="")
            self.downsample.add(nn.Conv2D(channels, kernel_size=1, strides=stride, use_bias=False,
                                          in_channels=in_channels))
            self.downsample.add(nn.BatchNorm())
        else:
            self.downsample = None

    def _body_layers(self, channels, stride, in_channels):
        raise NotImplementedError

    def hybrid_forward(self, F, x):
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(self.body(x) + residual, act_type="relu")


class BasicBlockV1(_BlockV1):
    """Two 3x3 convolutions with BatchNorm; ReLU after the residual sum (ResNet-18/34)."""

    def _body_layers(self, channels, stride, in_channels):
        return [_conv3x3(channels, stride, in_channels), nn.BatchNorm(), nn.Activation("relu"),
                _conv3x3(channels, 1, channels), nn.BatchNorm()]


class BottleneckV1(_BlockV1):
    """1x1 (stride) -> 3x3 -> 1x1 convolutions with BatchNorm, 4x channel expansion (ResNet-50+)."""

    def _body_layers(self, channels, stride, in_channels):
        return [nn.Conv2D(channels // 4, kernel_size=1, strides=stride), nn.BatchNorm(), nn.Activation("relu"),
                _conv3x3(channels // 4, 1, channels // 4), nn.BatchNorm(), nn.Activation("relu"),
                nn.Conv2D(channels, kernel_size=1, strides=1), nn.BatchNorm()]


class _BlockV2(HybridBlock):
    """A V2 (pre-activation) residual block: BN-ReLU-conv pairs ``bn1, conv1, bn2, conv2, ...`` (from
    ``_pairs``), then a 1x1 conv shortcut when ``downsample``, taken after the first BN-ReLU."""

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        pairs = self._pairs(channels, stride, in_channels)
        for i, (bn, conv) in enumerate(pairs, 1):
            setattr(self, "bn%d" % i, bn)
            setattr(self, "conv%d" % i, conv)
        self._num_pairs = len(pairs)
        if downsample:
            self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels)
        else:
            self.downsample = None

    def _pairs(self, channels, stride, in_channels):
        raise NotImplementedError

    def hybrid_forward(self, F, x):
        residual = x
        for i in range(1, self._num_pairs + 1):
            x = F.Activation(getattr(self, "bn%d" % i)(x), act_type="relu")
            if i == 1 and self.downsample:
                residual = self.downsample(x)
            x = getattr(self, "conv%d" % i)(x)
        return x + residual


class BasicBlockV2(_BlockV2):
    """Pre-activation basic block: BN-ReLU-conv3x3 twice; the shortcut is taken after the first BN-ReLU."""

    def _pairs(self, channels, stride, in_channels):
        return [(nn.BatchNorm(), _conv3x3(channels, stride, in_channels)),
                (nn.BatchNorm(), _conv3x3(channels, 1, channels))]


class BottleneckV2(_BlockV2):
    """Pre-activation bottleneck: BN-ReLU before each of the 1x1, 3x3 (stride) and 1x1 convolutions."""

    def _pairs(self, channels, stride, in_channels):
        return [(nn.BatchNorm(), nn.Conv2D(channels // 4, kernel_size=1, strides=1, use_bias=False)),
                (nn.BatchNorm(), _conv3x3(channels // 4, stride, channels // 4)),
                (nn.BatchNorm(), nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False))]


def _make_stage(block, num_blocks, channels, stride, stage_index, in_channels):
    stage = nn.HybridSequential(prefix="stage%d_" % stage_index)
    with stage.name_scope():
        stage.add(block(channels, stride, channels != in_channels, in_channels=in_channels, prefix=""))
        for _ in range(num_blocks - 1):
            stage.add(block(channels, 1, False, in_channels=channels, prefix=""))
    return stage


class _ResNet(HybridBlock):
    """ResNet V1 and V2's shared trunk: ``features`` is ``_before_stem`` layers, the stem (one 3x3
    convolution with ``thumbnail``, else 7x7 conv + BN + ReLU + max pooling), one stage per ``layers[i]``,
    then ``_after_stages`` layers; ``output`` is the Dense classifier."""

    def __init__(self, block, layers, channels, classes=1000, thumbnail=False, **kwargs):
        super().__init__(**kwargs)
        assert len(layers) == len(channels) - 1
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self._before_stem()
            if thumbnail:
                self.features.add(_conv3x3(channels[0], 1, 0))
            else:
                self.features.add(nn.Conv2D(channels[0], 7, 2, 3, use_bias=False))
                self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation("relu"))
                self.features.add(nn.MaxPool2D(3, 2, 1))
            for i, num_layer in enumerate(layers):
                stride = 1 if i == 0 else 2
                self.features.add(_make_stage(block, num_layer, channels[i + 1], stride, i + 1, channels[i]))
            self._after_stages()
            self.output = nn.Dense(classes, in_units=channels[-1])

    def _before_stem(self):
        pass

    def _after_stages(self):
        self.features.add(nn.GlobalAvgPool2D())

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


class ResNetV1(_ResNet):
    """ResNet V1: ``layers[i]`` blocks of ``channels[i + 1]`` channels per stage; ``thumbnail=True`` starts
    with one 3x3 convolution (for 32x32 inputs) instead of 7x7 conv + max pooling."""


class ResNetV2(_ResNet):
    """ResNet V2 (pre-activation); the input first passes a BatchNorm without scale or shift, the last
    stage a BN-ReLU before the pooling."""

    def _before_stem(self):
        self.features.add(nn.BatchNorm(scale=False, center=False))

    def _after_stages(self):
        self.features.add(nn.BatchNorm())
        self.features.add(nn.Activation("relu"))
        self.features.add(nn.GlobalAvgPool2D())
        self.features.add(nn.Flatten())


# depth -> (block type, blocks per stage, channels: stem then per stage)
resnet_spec = {18: ("basic_block", [2, 2, 2, 2], [64, 64, 128, 256, 512]),
               34: ("basic_block", [3, 4, 6, 3], [64, 64, 128, 256, 512]),
               50: ("bottle_neck", [3, 4, 6, 3], [64, 256, 512, 1024, 2048]),
               101: ("bottle_neck", [3, 4, 23, 3], [64, 256, 512, 1024, 2048]),
               152: ("bottle_neck", [3, 8, 36, 3], [64, 256, 512, 1024, 2048])}
resnet_net_versions = [ResNetV1, ResNetV2]
resnet_block_versions = [{"basic_block": BasicBlockV1, "bottle_neck": BottleneckV1},
                         {"basic_block": BasicBlockV2, "bottle_neck": BottleneckV2}]


def get_resnet(version, num_layers, pretrained=False, ctx=None, root=None, **kwargs):
    """ResNet ``version`` (1 or 2) of depth ``num_layers`` (18, 34, 50, 101 or 152)."""
    assert num_layers in resnet_spec, "Invalid number of layers: %d. Options are %s" % (
        num_layers, str(resnet_spec.keys()))
    block_type, layers, channels = resnet_spec[num_layers]
    assert 1 <= version <= 2, "Invalid resnet version: %d. Options are 1 and 2." % version
    net = resnet_net_versions[version - 1](resnet_block_versions[version - 1][block_type], layers, channels,
                                           **kwargs)
    if pretrained:
        load_pretrained(net, "resnet%d_v%d" % (num_layers, version), ctx, root)
    return net


def resnet18_v1(**kwargs):
    """ResNet-18 V1."""
    return get_resnet(1, 18, **kwargs)


def resnet34_v1(**kwargs):
    """ResNet-34 V1."""
    return get_resnet(1, 34, **kwargs)


def resnet50_v1(**kwargs):
    """ResNet-50 V1."""
    return get_resnet(1, 50, **kwargs)


def resnet101_v1(**kwargs):
    """ResNet-101 V1."""
    return get_resnet(1, 101, **kwargs)


def resnet152_v1(**kwargs):
    """ResNet-152 V1."""
    return get_resnet(1, 152, **kwargs)


def resnet18_v2(**kwargs):
    """ResNet-18 V2."""
    return get_resnet(2, 18, **kwargs)


def resnet34_v2(**kwargs):
    """ResNet-34 V2."""
    return get_resnet(2, 34, **kwargs)


def resnet50_v2(**kwargs):
    """ResNet-50 V2."""
    return get_resnet(2, 50, **kwargs)


def resnet101_v2(**kwargs):
    """ResNet-101 V2."""
    return get_resnet(2, 101, **kwargs)


def resnet152_v2(**kwargs):
    """ResNet-152 V2."""
    return get_resnet(2, 152, **kwargs)
