"""The `re` module's own parser, compiler and constants, where this Python keeps them.

Several modules read a derived regex's structure (its first characters, an
automaton of it), and rx.py keeps what the compiler makes of one; Python 3.11
moved sre_parse, sre_compile and sre_constants into `re`.
"""

try:  # Python 3.11+
    from re import _compiler as compiler  # type: ignore[attr-defined]
    from re import _constants as constants  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as compiler  # type: ignore[no-redef]
    import sre_constants as constants  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

__all__ = ["compiler", "constants", "parser"]
