"""The instruments shipped with axiosphere, and finding an instrument by name or path."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.fields import suggest
from axiosphere.instruments.model import Instrument

BUNDLED_DIR = Path(__file__).parent / "bundled"


def bundled_names() -> list[str]:
    """Ids of the bundled instruments, in alphabetical order.

    Example
    -------
    >>> all(bundled_path(name).is_file() for name in bundled_names())
    True
    """
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def bundled_path(name: str) -> Path:
    """Path of a bundled instrument's YAML file; unknown names raise ``InputError``."""
    path = BUNDLED_DIR / f"{name}.yaml"
    if "/" in name or not path.is_file():
        raise InputError(f"no bundled instrument '{name}'{suggest(name, bundled_names())}")
    return path


def resolve_instrument(name_or_path: str | Path, *, base_dir: Path | None = None) -> Instrument:
    """Load a bundled instrument by name, or an instrument file by path (relative to ``base_dir``).

    Example
    -------
    >>> first = bundled_names()[0]
    >>> resolve_instrument(first).id == first
    True
    """
    from axiosphere.instruments.load import load_instrument

    text = str(name_or_path)
    if text.endswith((".yaml", ".yml")) or "/" in text or Path(text).suffix:
        path = Path(text)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        return load_instrument(path)
    return _bundled(text)


@lru_cache(maxsize=None)
def _bundled(name: str) -> Instrument:
    """Bundled instruments are parsed once per process (they are immutable)."""
    from axiosphere.instruments.load import load_instrument

    return load_instrument(bundled_path(name))
