"""axiosphere: survey research on human values and civic trust across twin cities.

The substance lives in the packages ``instruments``, ``survey``, ``analysis`` and
``reports``; this package holds the command line and the end-to-end pipeline.
"""

__version__ = "0.1.0"
