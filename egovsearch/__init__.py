"""egovsearch: search a bilingual (German/English) eGovernment news archive.

This module stays standard-library only: importing the package must not load
Whoosh or Rich, so that ``egovsearch --help`` starts quickly.
"""

__version__ = "0.1.0"
