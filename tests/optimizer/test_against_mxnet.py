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
