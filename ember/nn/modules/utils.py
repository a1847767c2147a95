"""What PyTorch keeps in ``torch.nn.modules.utils``: the layer-argument tuples
(``_single``, ``_pair``, ``_triple``, ``_quadruple``) and state-dict key utilities."""
import collections
import itertools

__all__ = ["consume_prefix_in_state_dict_if_present"]


def _ntuple(n, name="parse"):
    """``parse(x)``: an iterable ``x`` as a tuple, anything else repeated ``n`` times (as torch's;
    lengths are checked where the values are used)."""
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(itertools.repeat(x, n))
    parse.__name__ = name
    return parse


_single = _ntuple(1, "_single")
_pair = _ntuple(2, "_pair")
_triple = _ntuple(3, "_triple")
_quadruple = _ntuple(4, "_quadruple")


def _reverse_repeat_tuple(t, n):
    """``(a, b)``, 2 -> ``(b, b, a, a)``: conv's padding in ``F.pad`` order."""
    return tuple(x for x in reversed(t) for _ in range(n))


def consume_prefix_in_state_dict_if_present(state_dict, prefix):
    """Strip ``prefix`` from every key that has it, in place (also in ``_metadata``).

    The usual use: a checkpoint saved from ``nn.DataParallel`` has keys
    ``module.conv1.weight``; ``consume_prefix_in_state_dict_if_present(sd, "module.")``
    makes them ``conv1.weight`` so a plain model loads it.
    """
    keys = list(state_dict.keys())
    for key in keys:
        if key.startswith(prefix):
            state_dict[key[len(prefix):]] = state_dict.pop(key)
    metadata = getattr(state_dict, "_metadata", None)
    if metadata is not None:
        for key in list(metadata.keys()):
            if len(key) == 0:
                continue
            if key == prefix.replace(".", "") or key.startswith(prefix):
                new = key[len(prefix):] if key.startswith(prefix) else ""
                metadata[new] = metadata.pop(key)


def _prefix_hint(missing, unexpected):
    if missing and unexpected:
        if all(k.startswith("module.") for k in unexpected) and \
                {k[len("module."):] for k in unexpected} & set(missing):
            return ("hint: the checkpoint's keys carry the 'module.' prefix that nn.DataParallel "
                    "adds; strip it with ember.utils.finetune.strip_prefix(state_dict)")
        if all(k.startswith("module.") for k in missing) and \
                {k[len("module."):] for k in missing} & set(unexpected):
            return ("hint: the model is wrapped (keys start with 'module.') but the checkpoint is not; "
                    "load into model.module, or add the prefix with add_prefix(state_dict, 'module.')")
    return None
