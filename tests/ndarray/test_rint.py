"""nd.rint as MXNet 1.9.1: the floor unless the fraction exceeds one half, so halves round down
(2.5 -> 2, -0.5 -> -1), unlike numpy's round-half-to-even."""
import numpy as np

from ndx import nd


def test_rint_halves_round_down(ctx):
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.4, 0.6, -0.6, -0.4], dtype=np.float32)
    got = nd.rint(nd.array(x, ctx=ctx)).asnumpy()
    f = np.floor(x)
    np.testing.assert_array_equal(got, f + (x - f > 0.5))
    np.testing.assert_array_equal(got[:7], [-3, -2, -1, 0, 1, 2, 3])  # spec of the halves, as MXNet prints


def test_rint_of_integers_is_identity(ctx):
    x = nd.array([-3, 0, 7], ctx=ctx, dtype="int32")
    assert nd.rint(x).asnumpy().tolist() == [-3, 0, 7]
