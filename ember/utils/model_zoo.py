"""``ember.utils.model_zoo`` (torch.utils.model_zoo): the old home of ``load_url``, now
:func:`ember.hub.load_state_dict_from_url`."""
from ..hub import load_state_dict_from_url as load_url  # noqa: F401

__all__ = ["load_url"]


def __getattr__(name):
    if name == "tqdm":   # torchvision imported tqdm from here
        from .. import hub
        return hub.tqdm
    raise AttributeError(f"module 'ember.utils.model_zoo' has no attribute '{name}'")
