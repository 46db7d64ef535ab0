"""A Jupyter kernel for nnsh: relays each request to `nnsh --kernel` (docs/JUPYTER.md)."""

__version__ = "0.1.0"
