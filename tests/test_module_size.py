"""No module of Refugiu's source is over 600 lines (migrations aside): a module that grows past it is split
by topic, as ARCHITECTURE.md says, so that each file says what it holds and a newcomer can read it whole."""

from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "refugiu"
LIMIT = 600


def test_no_module_over_600_lines():
    modules = [path for path in SOURCE.rglob("*.py") if "migrations" not in path.relative_to(SOURCE).parts]
    assert len(modules) > 100, "the source tree was not found"
    too_long = {
        str(path.relative_to(SOURCE)): count
        for path in modules
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert too_long == {}, f"split these modules by topic (at most {LIMIT} lines each): {too_long}"
