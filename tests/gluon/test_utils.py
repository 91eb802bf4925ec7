"""gluon.utils helpers MXNet 1.9.1 exposes beside split_and_load and clip_global_norm."""
import pytest

from ndx import gluon
from ndx.gluon import utils


def test_shape_is_known_legacy_convention():
    assert [utils.shape_is_known(s) for s in (None, (), (2, 3), (2, 0), (0,))] == [False, False, True, False, False]
    with pytest.raises(AssertionError) as e:
        utils.shape_is_known((3, -1))
    assert str(e.value) == "shape dimension size cannot be less than 0, while received -1"


def test_np_modes_off_hookhandle_and_replace_file(tmp_path):
    assert utils.is_np_array() is False and utils.is_np_shape() is False
    assert utils.HookHandle is gluon.block.HookHandle
    (tmp_path / "a").write_text("x")
    (tmp_path / "b").write_text("y")
    assert utils.replace_file(str(tmp_path / "a"), str(tmp_path / "b")) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"] and (tmp_path / "b").read_text() == "x"
