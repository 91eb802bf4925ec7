"""Run tutorial code cell by cell as a notebook would, capturing what each cell shows.

Each cell's printed output is captured, and when its last statement is an expression its ``repr`` is
shown too (as Jupyter displays it). ``mask`` blanks what legitimately differs between runs and
libraries (random values, object addresses, the library's module name), keeping names, shapes and
``<NDArray ...>`` lines (integers, as in shapes, are kept).
"""
import ast
import contextlib
import io
import re


def run_cells(cells, namespace):
    """Execute ``cells`` (source strings) in ``namespace``; returns the text each cell shows."""
    shown = []
    for src in cells:
        tree = ast.parse(src)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(tree, "<cell>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
                if value is not None:
                    print(repr(value))
        shown.append(buf.getvalue())
    return shown


_NUMBER = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+e[-+]?\d+|\bnan\b|-?\binf\b")


def mask(text):
    """Blank random values and addresses: every run of printed numbers becomes ``<values>``."""
    text = re.sub(r" at 0x[0-9a-f]+", " at 0x?", text)
    text = text.replace("mxnet.", "LIB.").replace("ndx.", "LIB.")
    text = re.sub(r"np\.(?:float|int|uint|bool)\w*\(([^()]*)\)", r"\1", text)  # numpy 2 scalar reprs
    text = _NUMBER.sub("#", text)
    return _VALUES.sub("<values>", text)


_VALUES = re.compile(r"[\[\]#.\s,]*#[\[\]#.\s,]*")
