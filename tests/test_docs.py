"""Every ```python block of every docs/*.md page runs: a page's blocks in order, in one namespace, in a temp cwd."""
import contextlib
import io
import re
from pathlib import Path

import pytest

import ndx

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def _pages():
    return sorted(p for p in DOCS.glob("*.md") if BLOCK.search(p.read_text(encoding="utf-8")))


def _blocks(page):
    text = page.read_text(encoding="utf-8")
    for match in BLOCK.finditer(text):
        yield text.count("\n", 0, match.start()) + 2, match.group(1)  # line of the block's first code line


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_doc_page_runs(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": f"docs_{page.stem}"}
    previous = (ndx.autograd.is_recording(), ndx.autograd.is_training())
    try:
        for line, code in _blocks(page):
            compiled = compile("\n" * (line - 1) + code, str(page), "exec")  # tracebacks point into the page
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compiled, namespace)
    finally:
        ndx.autograd.set_recording(previous[0])
        ndx.autograd.set_training(previous[1])


def test_block_extraction_finds_code():
    page = DOCS / "ndarray.md"
    if not page.exists():
        pytest.skip("docs/ndarray.md not present")
    blocks = list(_blocks(page))
    assert len(blocks) > 3
    first_line, code = blocks[0]
    assert page.read_text(encoding="utf-8").splitlines()[first_line - 1] == code.splitlines()[0]


def test_quickstart_example_runs(monkeypatch, tmp_path, capsys):
    import runpy
    script = DOCS.parent / "examples" / "quickstart.py"
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    assert "=== Autograd" in out and "learned w:" in out
