"""The ``ndx`` command: ``ndx inspect``, ``ndx convert`` and ``ndx diff`` for checkpoint files.

Exit codes: 0 success (``diff``: files equal within tolerance), 1 ``diff`` found differences,
2 errors (bad usage, unreadable or corrupt input, refused overwrite). See ``docs/cli.md``.
"""
from __future__ import annotations

import argparse
import json
import sys

__all__ = ["main", "build_parser"]


def _inspect(args):
    from .formats.inspection import format_report, inspect
    results = [inspect(p, stats=args.stats, params=args.params) for p in args.files]
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, indent=2, allow_nan=False))
    else:
        print("\n\n".join(format_report(r) for r in results))
    return 0


def _convert(args):
    from .formats.convert import convert
    result = convert(args.input, args.output, to=args.to, rename=args.rename or (),
                     strip_prefix=args.strip_prefix, add_prefix=args.add_prefix,
                     strip_arg_aux=args.strip_arg_aux, dtype=args.dtype, preset=args.preset,
                     only=args.only, exclude=args.exclude, force=args.force, progress=True)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(f"wrote {result.output}: {result.source_format} -> {result.output_format}, "
              f"{result.num_arrays} arrays, {result.nbytes:,} bytes"
              + (f", {len(result.renamed)} renamed" if result.renamed else "")
              + (f", {len(result.cast)} cast to {args.dtype}" if result.cast else "")
              + (f", {len(result.excluded)} left out" if result.excluded else ""))
    if result.unmapped:
        print(f"note: the {args.preset} preset could not map {len(result.unmapped)} key(s), kept "
              "as they were: " + ", ".join(result.unmapped), file=sys.stderr)
    if result.skipped:
        print("note: entries that are not tensors were left out: " + ", ".join(result.skipped),
              file=sys.stderr)
    return 0


def _fmt(x):
    return "-" if x is None else f"{x:.6g}"


def _diff(args):
    from .formats.diff import diff
    r = diff(args.a, args.b, rtol=args.rtol, atol=args.atol)
    if args.json:
        print(json.dumps(r.to_dict(), indent=2))
        return 0 if r.equal else 1
    for k in r.only_a:
        print(f"only in {r.a}: {k}")
    for k in r.only_b:
        print(f"only in {r.b}: {k}")
    for d in r.arrays:
        if d.shape_a != d.shape_b:
            print(f"{d.key}: shape {tuple(d.shape_a)} vs {tuple(d.shape_b)}")
            continue
        notes = []
        if d.dtype_a != d.dtype_b:
            notes.append(f"dtype {d.dtype_a} vs {d.dtype_b}")
        if notes or d.mismatches or args.verbose:
            notes.append(f"max abs {_fmt(d.max_abs)}, max rel {_fmt(d.max_rel)}, "
                         f"{d.mismatches} element(s) outside tolerance")
        if notes:
            print(f"{d.key}: " + "; ".join(notes))
    n = len(r.arrays)
    if r.equal:
        print(f"equal: {n} arrays" + (f" within rtol={args.rtol}, atol={args.atol}"
                                      if args.rtol or args.atol else ""))
        return 0
    print(f"different: {len(r.differing)} of {n} common arrays differ, {len(r.only_a)} only in "
          f"{r.a}, {len(r.only_b)} only in {r.b}")
    return 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ndx", description="Inspect, convert and compare checkpoint "
                                "files: MXNet .params/.nd, safetensors, npz (and .pt/.pth with torch).")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    i = sub.add_parser("inspect", help="describe checkpoint files (headers only unless --stats)",
                       description="Show format, layout, naming scheme and a table of arrays. "
                       "A -symbol.json file prints its graph.")
    i.add_argument("files", nargs="+", metavar="FILE")
    i.add_argument("--stats", action="store_true", help="also min/max/mean/std and NaN/Inf counts "
                   "(reads the data)")
    i.add_argument("--json", action="store_true", help="print JSON instead of a table")
    i.add_argument("--params", metavar="FILE", help="params file of a -symbol.json graph (shapes)")
    i.set_defaults(run=_inspect)

    c = sub.add_parser("convert", help="convert between formats, renaming keys",
                       description="Convert IN to OUT. Key pipeline, in order: --only/--exclude, "
                       "--strip-arg-aux, --strip-prefix, --preset, --rename (in order), --add-prefix.")
    c.add_argument("input", metavar="IN")
    c.add_argument("output", metavar="OUT")
    c.add_argument("--to", choices=["mxnet", "safetensors", "npz", "torch"],
                   help="output format (default: from OUT's extension)")
    c.add_argument("--rename", action="append", metavar="REGEX=REPLACEMENT",
                   help="re.sub on every key (repeatable, applied in order; split at the last '=')")
    c.add_argument("--strip-prefix", metavar="P", help="remove P from the start of keys")
    c.add_argument("--add-prefix", metavar="P", help="put P in front of every key")
    c.add_argument("--strip-arg-aux", action="store_true", help="drop arg:/aux: key prefixes")
    c.add_argument("--dtype", choices=["float16", "bfloat16", "float32"],
                   help="cast floating arrays (integer and bool arrays are kept)")
    c.add_argument("--preset", choices=["mxnet-to-torch"],
                   help="MXNet Gluon names to PyTorch's (gamma/beta -> weight/bias, ...)")
    c.add_argument("--only", metavar="REGEX", help="keep only input keys matching REGEX")
    c.add_argument("--exclude", metavar="REGEX", help="leave out input keys matching REGEX")
    c.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    c.add_argument("--json", action="store_true", help="print what was done as JSON")
    c.set_defaults(run=_convert)

    d = sub.add_parser("diff", help="compare two checkpoints (exit 0 equal, 1 different)",
                       description="Keys only in A or B, shape/dtype differences and per-key max "
                       "abs/rel differences. Exit 0 when equal within tolerance, 1 when not, 2 on error.")
    d.add_argument("a", metavar="A")
    d.add_argument("b", metavar="B")
    d.add_argument("--rtol", type=float, default=0.0, help="relative tolerance (default 0)")
    d.add_argument("--atol", type=float, default=0.0, help="absolute tolerance (default 0)")
    d.add_argument("-v", "--verbose", action="store_true", help="show differences of every array")
    d.add_argument("--json", action="store_true", help="print the comparison as JSON")
    d.set_defaults(run=_diff)
    return p


def main(argv=None) -> int:
    """Run the ``ndx`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from .formats.errors import FormatError
    try:
        return args.run(args)
    except BrokenPipeError:  # e.g. `ndx inspect big.params | head`
        return 0
    except FormatError as e:
        print(f"ndx {args.command}: error: {e}", file=sys.stderr)
    except (OSError, ValueError, KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        if isinstance(e, OSError) and e.filename and e.strerror:
            msg = f"{e.filename}: {e.strerror}"
        print(f"ndx {args.command}: error: {msg}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
