"""Multi-precision states and the float16 warning, laid out as MXNet 1.9.1 lays them out."""
import numpy as np
import pytest

import ndx as mx


@pytest.mark.parametrize("name,kwargs,master_last", [
    ("sgd", {"momentum": 0.9}, True),
    ("nag", {"momentum": 0.9}, True),
    ("adam", {}, False),
    ("rmsprop", {}, False),
    ("signum", {"momentum": 0.9}, False),
])
def test_master_copy_position(name, kwargs, master_last):
    # SGD and NAG return (state, float32 master); every other optimizer (master, state)
    opt = mx.optimizer.create(name, multi_precision=True, **kwargs)
    w = mx.nd.array([1.0, 2.0, 3.0], dtype="float16")
    state = opt.create_state_multi_precision(0, w)
    master = state[-1] if master_last else state[0]
    assert master.dtype == np.float32
    np.testing.assert_array_equal(master.asnumpy(), [1.0, 2.0, 3.0])


def test_sgd_multi_precision_steps():
    # lr 0.1, momentum 0.9, three steps with grad [0.1, 0.2, 0.3]: MXNet 1.9.1's values
    opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, multi_precision=True)
    w = mx.nd.ones((3,), dtype="float16")
    state = opt.create_state_multi_precision(0, w)
    for _ in range(3):
        opt.update_multi_precision(0, w, mx.nd.array([0.1, 0.2, 0.3], dtype="float16"), state)
    mom, master = state
    np.testing.assert_allclose(master.asnumpy(), [0.9439137, 0.8878274, 0.8316726], rtol=1e-6)
    np.testing.assert_allclose(mom.asnumpy(), [-0.02709338, -0.05418677, -0.08131323], rtol=1e-6)
    np.testing.assert_array_equal(w.asnumpy(), master.asnumpy().astype(np.float16))


@pytest.mark.parametrize("name,label", [
    ("sgd", "SGD optimizer"), ("nag", "NAG optimizer"), ("adam", "optimizer"), ("signum", "optimizer"),
    ("adagrad", "optimizer"),
])
def test_float16_warning_text(name, label):
    opt = mx.optimizer.create(name, momentum=0.9) if name in ("sgd", "nag") else mx.optimizer.create(name)
    with pytest.warns(UserWarning) as record:
        opt.create_state_multi_precision(0, mx.nd.ones((2,), dtype="float16"))
    assert str(record[0].message) == (
        "Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
        f"Consider using multi_precision=True option of the {label}")
