"""``ember.utils``: data loading (``ember.utils.data``), fine-tuning helpers (``finetune``)."""


def __getattr__(name):
    """``ember.utils.data`` works after a bare ``import ember``, as ``torch.utils.data`` does."""
    if name in ("data", "finetune"):
        import importlib

        mod = importlib.import_module(f".{name}", __name__)
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
