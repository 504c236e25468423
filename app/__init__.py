"""axiosphere: survey research on human values and civic trust across twin cities.

The substance lives in ``axiosphere.instruments``, ``axiosphere.survey``, ``axiosphere.analysis``
and ``axiosphere.reports``; this package's root holds what spans them: the command line,
``open_study`` and the pipeline that ``demo`` and ``report`` run.

Example
-------
>>> import axiosphere
>>> callable(axiosphere.open_study)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Study", "open_study", "__version__"]

if TYPE_CHECKING:
    from axiosphere.study import Study, open_study


def __getattr__(name: str) -> Any:
    # Imported on first use: the survey prompt and --help must not pay for pandas.
    if name in ("Study", "open_study"):
        from axiosphere import study

        return getattr(study, name)
    raise AttributeError(f"module 'axiosphere' has no attribute '{name}'")
