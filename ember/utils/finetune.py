"""Fine-tuning helpers for what the notes write by hand.

    sd = ember.load("pretrained.pth")
    sd = strip_prefix(sd)                                     # drop DataParallel's "module."
    sd = drop_prefix(sd, "audio_encoder.audio_conv.0.conv")   # keep only unchanged layers
    report = load_matching(model, sd)                         # loads what fits, says what didn't
    print(report)
    freeze(model)                                             # every parameter
    unfreeze(model, "audio_encoder.audio_conv.0.conv")        # train just this part
    optimizer = ember.optim.SGD(trainable(model), lr=1e-3, momentum=0.9)
"""
import collections

from ..nn.modules.utils import _prefix_hint, consume_prefix_in_state_dict_if_present

__all__ = ["keep_prefix", "drop_prefix", "strip_prefix", "add_prefix", "freeze", "unfreeze",
           "trainable", "LoadReport", "compare_state_dict", "load_matching",
           "consume_prefix_in_state_dict_if_present"]


def _prefixes(prefixes):
    return (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)


def _like(sd, items):
    out = collections.OrderedDict(items)
    meta = getattr(sd, "_metadata", None)
    if meta is not None:
        out._metadata = meta
    return out


def keep_prefix(state_dict, prefixes):
    """Only the entries whose key starts with one of ``prefixes`` (a new dict)."""
    p = _prefixes(prefixes)
    return _like(state_dict, ((k, v) for k, v in state_dict.items() if k.startswith(p)))


def drop_prefix(state_dict, prefixes):
    """Every entry except those whose key starts with one of ``prefixes`` (a new dict)."""
    p = _prefixes(prefixes)
    return _like(state_dict, ((k, v) for k, v in state_dict.items() if not k.startswith(p)))


def strip_prefix(state_dict, prefix="module."):
    """A new dict with ``prefix`` removed from the keys that have it (default: DataParallel's)."""
    out = _like(state_dict, state_dict.items())
    consume_prefix_in_state_dict_if_present(out, prefix)
    return out


def add_prefix(state_dict, prefix):
    """A new dict with ``prefix`` put in front of every key (e.g. to load into a wrapper)."""
    return _like(state_dict, ((prefix + k, v) for k, v in state_dict.items()))


def _set_requires_grad(model, prefixes, flag):
    p = _prefixes(prefixes) if prefixes is not None else ("",)
    changed = []
    for name, param in model.named_parameters():
        if name.startswith(p):
            param.requires_grad_(flag)
            changed.append(name)
    if prefixes is not None and not changed:
        raise ValueError(f"no parameter name starts with {list(p)}; names look like "
                         f"{[n for n, _ in model.named_parameters()][:5]}")
    return changed


def freeze(model, prefixes=None):
    """``requires_grad=False`` for parameters under ``prefixes`` (all when None); returns the names."""
    return _set_requires_grad(model, prefixes, False)


def unfreeze(model, prefixes=None):
    """``requires_grad=True`` for parameters under ``prefixes`` (all when None); returns the names."""
    return _set_requires_grad(model, prefixes, True)


def trainable(model):
    """The parameters that require grad: what an optimiser for fine-tuning should get."""
    return [p for p in model.parameters() if p.requires_grad]


class LoadReport(collections.namedtuple("LoadReport", "loaded missing unexpected mismatched")):
    """What a state dict did to a model: keys loaded, missing, unexpected, and shape mismatches.

    ``mismatched`` holds ``(key, checkpoint shape, model shape)``.
    """

    def __str__(self):
        lines = [f"loaded {len(self.loaded)} of {len(self.loaded) + len(self.missing) + len(self.mismatched)} "
                 "model entries"]
        if self.missing:
            lines.append("missing (kept the model's values): " + ", ".join(self.missing))
        if self.unexpected:
            lines.append("unexpected (ignored): " + ", ".join(self.unexpected))
        for k, a, b in self.mismatched:
            lines.append(f"shape mismatch for {k}: checkpoint {list(a)}, model {list(b)} (kept the model's)")
        hint = _prefix_hint(self.missing, self.unexpected)
        if hint:
            lines.append(hint)
        return "\n".join(lines)


def compare_state_dict(model, state_dict):
    """The ``LoadReport`` that loading ``state_dict`` into ``model`` would give (loads nothing)."""
    own = model.state_dict()
    loaded, missing, mismatched = [], [], []
    for k, v in own.items():
        if k not in state_dict:
            missing.append(k)
        elif tuple(state_dict[k].shape) != tuple(v.shape):
            mismatched.append((k, tuple(state_dict[k].shape), tuple(v.shape)))
        else:
            loaded.append(k)
    unexpected = [k for k in state_dict if k not in own]
    return LoadReport(loaded, missing, unexpected, mismatched)


def load_matching(model, state_dict):
    """Load every entry whose key and shape match; return the ``LoadReport`` of the rest."""
    report = compare_state_dict(model, state_dict)
    ok = {k: state_dict[k] for k in report.loaded}
    model.load_state_dict(ok, strict=False)
    return report
