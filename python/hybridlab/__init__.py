"""Hybrid Lab's PyTorch companion: the browser app's hybrid generative-contrastive transformer in
PyTorch, run bundles in and out, and `python -m hybridlab.train` for torchrun (DDP).
See python/README.md and docs/run-bundle.md."""

__version__ = "0.1.0"
