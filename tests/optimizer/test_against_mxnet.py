"""Every optimizer's first three steps against MXNet 1.9.1 (tests/data/training, from tools/mxnet_reference)."""
import json
from pathlib import Path

import numpy as np
import pytest

import ndx as mx

DATA = Path(__file__).resolve().parents[1] / "data" / "training"
SPEC = json.loads((DATA / "optimizers.json").read_text())
REF = np.load(DATA / "optimizers.npz")


@pytest.mark.parametrize("key,name,kwargs", SPEC, ids=[s[0] for s in SPEC])
def test_three_steps_match_mxnet(ctx, key, name, kwargs):
    dtype = np.float16 if "fp16" in key else np.float32
    opt = mx.optimizer.create(name, **kwargs)
    upd = mx.optimizer.get_updater(opt)
    w = mx.nd.array(REF["w0"], ctx=ctx, dtype=dtype)
    for step in range(3):
        upd(0, mx.nd.array(REF[f"g{step}"], ctx=ctx, dtype=dtype), w)
        tol = 1e-3 if dtype == np.float16 else 1e-5
        np.testing.assert_allclose(w.asnumpy(), REF[f"{key}/step{step}"], rtol=tol, atol=tol,
                                   err_msg=f"{key} after step {step}")
    assert opt.num_update == 3


# "<optimizer>:<case>": [dtype, keyword arguments], as tools/mxnet_reference/gen_update_bits.py ran them
UPDATE_BITS = json.loads(str(np.load(DATA / "update_bits.npz")["__cases__"]))


@pytest.mark.parametrize("case", sorted(UPDATE_BITS))
def test_updates_match_mxnet_bit_for_bit(ctx, case):
    """SGD, NAG, Adam, RMSProp, AdaGrad, AdaDelta, Signum (and AdamW against MXNet's contrib.adamw_update op): three
    steps on 1000 elements equal MXNet's to the last bit (float32 hyper-parameters, MXNet's order of operations)."""
    ref = np.load(DATA / "update_bits.npz")
    dtype, kwargs = UPDATE_BITS[case]
    opt = mx.optimizer.create(case.split(":")[0], learning_rate=0.037, rescale_grad=1 / 128., **kwargs)
    w = mx.nd.array(ref["w0"], ctx=ctx, dtype=dtype)
    state = opt.create_state(0, w)
    for step in range(3):
        opt.update(0, w, mx.nd.array(ref[f"g{step}"], ctx=ctx, dtype=dtype), state)
        got, want = w.asnumpy(), ref[f"{case}/step{step}"]
        assert got.dtype == want.dtype
        assert np.array_equal(got, want), f"{case} step {step}: {(got != want).sum()} of 1000 differ"
