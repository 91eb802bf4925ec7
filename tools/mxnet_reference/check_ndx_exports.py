"""Check that models exported by ndx (``HybridBlock.export``) import and run in MXNet 1.9.1.

Two halves, two interpreters (MXNet needs numpy < 1.24, ndx numpy 2):

    python3 tools/mxnet_reference/check_ndx_exports.py write OUT        # ndx: build, run, export nets
    .venv-mxnet/bin/python tools/mxnet_reference/check_ndx_exports.py check OUT   # MXNet: import, compare
    python3 tools/mxnet_reference/check_ndx_exports.py all --mxnet-python .venv-mxnet/bin/python

``write`` stores for each net ``NAME-symbol.json``, ``NAME-0000.params``, the inputs ``NAME-in<i>.npy``
and ndx's outputs ``NAME-out<i>.npy`` plus ``manifest.json``; ``check`` runs
``gluon.SymbolBlock.imports(NAME-symbol.json, input_names, NAME-0000.params)`` in MXNet on the same
inputs and compares every output (exit status 1 on any failure). Nets whose layers ndx lacks are
listed as skipped.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

RTOL, ATOL = 1e-4, 1e-5


# ----------------------------------------------------------------------------- ndx side

def _nets():
    """(name, builder, input shapes) for the nets exported by ``write``."""
    import ndx as mx
    from ndx.gluon import nn

    def mlp():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Dense(16, activation="relu"), nn.Dense(4))
        return net

    def convnet():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(nn.Conv2D(4, 3, padding=1, activation="relu"), nn.BatchNorm(), nn.MaxPool2D(2),
                    nn.Conv2D(6, 3, groups=2, use_bias=False), nn.AvgPool2D(2, ceil_mode=True),
                    nn.Flatten(), nn.Dropout(0.3), nn.Dense(5))
        return net

    class OpsMix(mx.gluon.HybridBlock):
        """User code written with F ops: scalar arithmetic, broadcasting, split, concat, softmax."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.dense = nn.Dense(6, flatten=False)

        def hybrid_forward(self, F, x, y):
            h = self.dense(x)
            a, b = F.split(h, num_outputs=2, axis=-1)
            s = F.broadcast_add(a * 2.0 - 1, F.expand_dims(F.sum(y, axis=1), axis=1).reshape((0, 1, 1)))
            m = F.concat(F.tanh(s), F.sigmoid(b), 1 - F.abs(b), dim=-1)
            return F.softmax(m, axis=-1), F.log_softmax(F.mean(m, axis=1) / 3)

    def finetuned():
        d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "fixtures",
                         "mxnet", "nets", "convnet_hybrid")
        base = mx.gluon.SymbolBlock.imports(os.path.join(d, "export-symbol.json"), ["data"],
                                            os.path.join(d, "export-0000.params"))
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(base, nn.Dense(3))
        return net

    return [("mlp", mlp, [(2, 7)]), ("convnet", convnet, [(2, 3, 9, 9)]),
            ("ops_mix", OpsMix, [(2, 3, 8), (2, 4)]), ("finetuned_convnet", finetuned, [(2, 3, 8, 8)])]


def write(out):
    import ndx as mx
    os.makedirs(out, exist_ok=True)
    manifest = {"nets": {}, "skipped": {}}
    rng = np.random.RandomState(0)
    for name, build, shapes in _nets():
        try:
            net = build()
        except (AttributeError, FileNotFoundError) as e:
            manifest["skipped"][name] = f"{type(e).__name__}: {e}"
            continue
        net.initialize(mx.init.Xavier())
        net.hybridize()  # MXNet's condition for export: hybridize() and a forward
        xs = [rng.uniform(-1, 1, s).astype(np.float32) for s in shapes]
        outs = net(*[mx.nd.array(x) for x in xs])
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        prefix = os.path.join(out, name)
        net.export(prefix)
        for i, x in enumerate(xs):
            np.save(f"{prefix}-in{i}.npy", x)
        for i, y in enumerate(outs):
            np.save(f"{prefix}-out{i}.npy", y.asnumpy())
        inputs = ["data"] if len(xs) == 1 else [f"data{i}" for i in range(len(xs))]
        manifest["nets"][name] = {"inputs": inputs, "num_outputs": len(outs)}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {len(manifest['nets'])} nets to {out}; skipped: {manifest['skipped'] or 'none'}")


# ----------------------------------------------------------------------------- MXNet side

def check(out):
    import mxnet as mx
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    failures = 0
    for name, info in manifest["nets"].items():
        prefix = os.path.join(out, name)
        try:
            blk = mx.gluon.SymbolBlock.imports(f"{prefix}-symbol.json", info["inputs"], f"{prefix}-0000.params")
            xs = [mx.nd.array(np.load(f"{prefix}-in{i}.npy")) for i in range(len(info["inputs"]))]
            outs = blk(*xs)
            outs = outs if isinstance(outs, (list, tuple)) else [outs]
            diffs = []
            for i in range(info["num_outputs"]):
                want = np.load(f"{prefix}-out{i}.npy")
                got = outs[i].asnumpy()
                assert got.shape == want.shape, f"output {i}: shape {got.shape} vs ndx {want.shape}"
                diffs.append(float(np.abs(got - want).max()))
                np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=f"{name} output {i}")
            print(f"OK    {name}: {len(outs)} output(s), max |mxnet - ndx| = {max(diffs):.3g}")
        except Exception as e:  # noqa: BLE001 - report every net, then fail
            failures += 1
            print(f"FAIL  {name}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    for name, why in manifest.get("skipped", {}).items():
        print(f"SKIP  {name}: {why}")
    print(f"MXNet {mx.__version__}: {len(manifest['nets']) - failures} of {len(manifest['nets'])} ndx exports "
          "import and match")
    return 1 if failures else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=("write", "check", "all"))
    p.add_argument("out", nargs="?", default="/tmp/ndx_exports_check")
    p.add_argument("--mxnet-python", default=".venv-mxnet/bin/python",
                   help="interpreter with MXNet 1.9.1 (mode 'all')")
    a = p.parse_args()
    if a.mode == "write":
        return write(a.out)
    if a.mode == "check":
        return check(a.out)
    write(a.out)
    return subprocess.call([a.mxnet_python, os.path.abspath(__file__), "check", a.out])


if __name__ == "__main__":
    sys.exit(main())
