"""``nn.utils.stateless.functional_call``: run a module with some parameters and buffers
replaced by the given tensors (restored afterwards; gradients flow to the given tensors)."""
import contextlib
import warnings

__all__ = ["functional_call"]


def _untie(module, mapping, tie_weights):
    """Spread each replacement to every name sharing the original tensor (tied weights)."""
    if not tie_weights:
        return dict(mapping)
    names_by_id = {}
    for name, t in list(module.named_parameters(remove_duplicate=False)) + \
            list(module.named_buffers(remove_duplicate=False)):
        names_by_id.setdefault(id(t), []).append(name)
    out = dict(mapping)
    for names in names_by_id.values():
        given = [n for n in names if n in mapping]
        if given:
            first = mapping[given[0]]
            for n in given[1:]:
                if mapping[n] is not first:
                    raise ValueError(f"functional_call got multiple values for keys {given}, "
                                     "which are tied. Consider using tie_weights=False")
            for n in names:
                out.setdefault(n, first)
    return out


@contextlib.contextmanager
def _reparametrize_module(module, mapping, tie_weights=False, strict=False):
    if strict:
        expected = {n for n, _ in module.named_parameters(remove_duplicate=False)} | \
            {n for n, _ in module.named_buffers(remove_duplicate=False)}
        missing = sorted(expected - set(mapping))
        unexpected = sorted(set(mapping) - expected)
        msgs = []
        if unexpected:
            msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if msgs:
            raise RuntimeError(f"Error(s) in reparametrizing for {module._get_name()}:\n\t"
                               + "\n\t".join(msgs))
    mapping = _untie(module, mapping, tie_weights)
    saved = []
    try:
        for name, value in mapping.items():
            prefix, _, attr = name.rpartition(".")
            mod = module.get_submodule(prefix) if prefix else module
            for store in (mod._parameters, mod._buffers):
                if attr in store:
                    saved.append((store, attr, store[attr]))
                    store[attr] = value
                    break
            else:
                saved.append((mod.__dict__, attr, mod.__dict__.get(attr, _MISSING)))
                mod.__dict__[attr] = value
        yield
    finally:
        for store, attr, old in reversed(saved):
            if old is _MISSING:
                store.pop(attr, None)
            else:
                store[attr] = old


_MISSING = object()


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Deprecated alias of ``ember.func.functional_call`` (warns as torch)."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 "
                  "and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameter_and_buffer_dicts, args, kwargs,
                            tie_weights=tie_weights, strict=strict)


def _functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                     tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with ``{name: tensor}`` substituted for its parameters and
    buffers (a dict or a sequence of dicts); gradients flow to the given tensors."""
    if isinstance(parameter_and_buffer_dicts, dict):
        mapping = parameter_and_buffer_dicts
    else:
        mapping = {}
        for d in parameter_and_buffer_dicts:
            for k, v in d.items():
                if k in mapping:
                    raise ValueError(f"{k} appeared in multiple dictionaries; behavior of "
                                     "functional call is ambiguous")
                mapping[k] = v
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, mapping, tie_weights=tie_weights, strict=strict):
        return module(*args, **kwargs)
