PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.ndx-installed

.PHONY: demo test test-fast bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,cli]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/quickstart.py

test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

test-fast: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow"

# Benchmark peers live in their own interpreters: MXNet 1.9.1 needs numpy<1.24, and PyTorch's
# thread pool must not share a process with numpy's OpenBLAS. A peer that fails to install is
# reported as "missing" by the suite, so these steps never stop `make bench`.
BENCH_MXNET_VENV ?= .venv-bench-mxnet
BENCH_TORCH_VENV ?= .venv-bench-torch
NDX_BENCH_MXNET_SPEC ?= mxnet==1.9.1 numpy<1.24
NDX_BENCH_TORCH_SPEC ?= torch==2.13.0
NDX_BENCH_TORCHVISION_SPEC ?= torchvision==0.28.0
# results go to $(BENCH_OUT)/results.{json,md,png}; extra flags: make bench BENCH_ARGS="--quick"
BENCH_OUT  ?= bench-out
BENCH_ARGS ?=

.PHONY: bench-venvs bench-mxnet-venv bench-torch-venv

bench-mxnet-venv: $(BENCH_MXNET_VENV)/.ndx-bench-ok
$(BENCH_MXNET_VENV)/.ndx-bench-ok:
	-@$(PYTHON) -m venv $(BENCH_MXNET_VENV) && \
	 $(BENCH_MXNET_VENV)/bin/python -m pip install -q $(foreach s,$(NDX_BENCH_MXNET_SPEC),"$(s)") psutil threadpoolctl && \
	 $(BENCH_MXNET_VENV)/bin/python -c "import mxnet" && touch $@ || \
	 echo "warning: could not build $(BENCH_MXNET_VENV); MXNet will be reported as missing"

bench-torch-venv: $(BENCH_TORCH_VENV)/.ndx-bench-ok
$(BENCH_TORCH_VENV)/.ndx-bench-ok:
	-@$(PYTHON) -m venv $(BENCH_TORCH_VENV) && \
	 $(BENCH_TORCH_VENV)/bin/python -m pip install -q $(NDX_BENCH_TORCH_SPEC) && \
	 $(BENCH_TORCH_VENV)/bin/python -m pip install -q numpy psutil safetensors threadpoolctl && \
	 $(BENCH_TORCH_VENV)/bin/python -c "import torch" && touch $@ || \
	 echo "warning: could not build $(BENCH_TORCH_VENV); PyTorch will be reported as missing"
	@# torchvision is optional: model_zoo falls back to a plain-torch ResNet-18 when it does not import
	@# (the PyPI torchvision wheel is built against CUDA torch and fails to load beside a +cpu torch).
	-@test -f $@ && { $(BENCH_TORCH_VENV)/bin/python -m pip install -q $(NDX_BENCH_TORCHVISION_SPEC) && \
	 $(BENCH_TORCH_VENV)/bin/python -c "import torchvision" 2>/dev/null || \
	 { $(BENCH_TORCH_VENV)/bin/python -m pip uninstall -q -y torchvision >/dev/null 2>&1; \
	   echo "note: torchvision unavailable; model_zoo uses its plain-torch ResNet-18"; }; }

bench-venvs: bench-mxnet-venv bench-torch-venv

bench: $(STAMP) bench-venvs
	$(PY) -m pip install -q -e ".[bench]"
	mkdir -p $(BENCH_OUT)
	$(PY) -m benchmarks --mxnet-python $(BENCH_MXNET_VENV)/bin/python \
	    --torch-python $(BENCH_TORCH_VENV)/bin/python --json $(BENCH_OUT)/results.json \
	    --markdown $(BENCH_OUT)/results.md --plot $(BENCH_OUT)/results.png $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
