#!/usr/bin/env bash
# Regenerate every MXNet 1.9.1 reference file under tests/data/ (needs network access to PyPI
# the first time, for the venv). Usage: bash tools/mxnet_reference/generate_all.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x .venv-mxnet/bin/python ]; then
  python3 -m venv .venv-mxnet
  .venv-mxnet/bin/pip install -q mxnet==1.9.1 "numpy<1.24"
fi
for g in gen_model_zoo gen_symbol_ops gen_layers gen_losses gen_optimizers gen_update_bits; do
  echo "== $g"
  .venv-mxnet/bin/python "tools/mxnet_reference/$g.py" 2>/dev/null
done
du -sh tests/data
