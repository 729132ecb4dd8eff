"""rqrun: run Requestly and Postman collections, with sandboxed Python scripts and a vault."""

from rqrun._version import __version__

__all__ = ["__version__"]
