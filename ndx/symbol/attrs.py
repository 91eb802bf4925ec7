"""Attribute values of a ``-symbol.json`` node: MXNet writes every value as a string; parse them back.

Each parser takes the string and returns a Python value, or raises ``ValueError`` with MXNet's wording
(the caller adds the node). ``to_string`` is the inverse used when writing: Python's ``str()`` of the
value, as MXNet's front end does (``(3, 3)`` -> ``"(3, 3)"``, ``True`` -> ``"True"``).
"""
import re

__all__ = ["REQUIRED", "boolean", "integer", "real", "shape", "axis", "opt_int", "opt_real", "opt_bool",
           "text", "opt_text", "guess", "to_string"]

REQUIRED = object()  # default marker: the attribute must be present

_INT = re.compile(r"-?\d+")
_TUPLE = re.compile(r"^\s*[\(\[]?\s*(-?\d+\s*(,\s*-?\d+\s*)*,?)?\s*[\)\]]?\s*$")


def boolean(s):
    v = s.strip()
    if v in ("True", "true", "1"):
        return True
    if v in ("False", "false", "0"):
        return False
    raise ValueError(f"expect boolean but value='{s}'")


boolean.kind = "boolean"


def integer(s):
    try:
        return int(s)
    except ValueError:
        try:
            f = float(s)
        except ValueError:
            raise ValueError(f"expect int but value='{s}'") from None
        if f != int(f):
            raise ValueError(f"expect int but value='{s}'") from None
        return int(f)


integer.kind = "int"


def real(s):
    try:
        return float(s)
    except ValueError:
        raise ValueError(f"expect float but value='{s}'") from None


real.kind = "float"


def shape(s):
    """``"(3, 3)"``, ``"(3,3)"``, ``"[3, 3]"``, ``"3"``, ``"(3)"`` (the 1-tuple), ``"()"``."""
    if not _TUPLE.match(s):
        raise ValueError(f"expect Shape(tuple) but value='{s}'")
    return tuple(int(t) for t in _INT.findall(s))


shape.kind = "Shape(tuple)"


def opt_shape(s):
    return None if s.strip() == "None" else shape(s)


opt_shape.kind = "Shape or None"


def opt_tuple(s):
    """``"(None, 2)"`` -> (None, 2): the begin/end/step tuples of ``slice``."""
    v = s.strip()
    if not (v[:1] in "([" and v[-1:] in ")]"):
        raise ValueError(f"expect tuple of <int or None> but value='{s}'")
    out = []
    for t in v[1:-1].split(","):
        t = t.strip()
        if t:
            out.append(None if t == "None" else integer(t))
    return tuple(out)


opt_tuple.kind = "tuple of <int or None>"


def axis(s):
    """``"None"`` -> None, ``"1"`` -> 1, ``"(1, 2)"`` -> (1, 2)."""
    v = s.strip()
    if v == "None":
        return None
    if v[:1] in "([":
        return shape(v)
    return integer(v)


axis.kind = "int, tuple of int or None"


def opt_int(s):
    return None if s.strip() == "None" else integer(s)


opt_int.kind = "int or None"


def opt_real(s):
    return None if s.strip() == "None" else real(s)


opt_real.kind = "float or None"


def opt_bool(s):
    return None if s.strip() == "None" else boolean(s)


opt_bool.kind = "boolean or None"


def text(s):
    return s


text.kind = "string"


def opt_text(s):
    return None if s == "None" else s


opt_text.kind = "string or None"


def enum(*choices, optional=False):
    """A parser accepting only ``choices`` (and ``"None"`` when optional)."""
    def parse(s):
        if optional and s == "None":
            return None
        if s not in choices:
            raise ValueError(f"Invalid Input: '{s}', valid values are: {{{', '.join(repr(c) for c in choices)}}}")
        return s
    parse.kind = "{" + ", ".join(repr(c) for c in choices) + "}"
    return parse


def guess(s):
    """Best-effort parse for ops without a schema: bool, None, int, float, tuple, else the string."""
    v = s.strip()
    if v in ("True", "False"):
        return v == "True"
    if v == "None":
        return None
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            pass
    if v[:1] in "([" and _TUPLE.match(v):
        return shape(v)
    return s


def to_string(value):
    """How MXNet's Python front end stores a value: ``str(value)`` (lists as tuples)."""
    if isinstance(value, list):
        value = tuple(value)
    if hasattr(value, "item") and not isinstance(value, (str, tuple)):
        value = value.item()
    return str(value)
