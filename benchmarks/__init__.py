"""ndx benchmark suite: ``python -m benchmarks --help``.

Every module here is imported by the runner *and* by the worker processes, which may run under a
different interpreter (the MXNet one has numpy<1.24, the PyTorch one may lack numpy's extras), so
nothing at module level imports more than the standard library. See ``benchmarks/README.md``.
"""
