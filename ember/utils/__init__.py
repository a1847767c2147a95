"""``ember.utils``: data loading (``ember.utils.data``), fine-tuning helpers (``finetune``),
``tensorboard``, ``benchmark``, ``summary`` (a torchinfo-style model summary), ``viz``
(torchviz's ``make_dot``) and ``model_zoo`` (``load_url``). Each is imported on first use."""

_LAZY = ("data", "finetune", "tensorboard", "benchmark", "summary", "viz", "checkpoint", "model_zoo")


def __getattr__(name):
    """``ember.utils.data`` works after a bare ``import ember``, as ``torch.utils.data`` does."""
    if name in _LAZY:
        import importlib

        mod = importlib.import_module(f".{name}", __name__)  # summary: a callable module
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'ember.utils' has no attribute '{name}'")
