"""Compare ember against PyTorch (the oracle) on the same inputs.

    check(lambda m, x, y: m.add(x, y), [np_x, np_y])

runs the function with ``m = ember`` and ``m = torch`` on copies of the same arrays,
compares values, dtypes and shapes of the outputs, then backpropagates the same
random cotangent through both and compares every input's gradient.
"""
import numpy as np
import pytest
import torch

import ember

RTOL = {np.float16: 1e-2, np.float32: 1e-4, np.float64: 1e-7}


def E(a, requires_grad=False):
    """ndarray -> ember tensor (a copy)."""
    t = ember.tensor(np.array(a))
    return t.requires_grad_() if requires_grad else t


def T(a, requires_grad=False):
    """ndarray -> torch tensor (a copy)."""
    t = torch.tensor(np.array(a))
    return t.requires_grad_() if requires_grad else t


def to_np(t):
    if isinstance(t, ember.Tensor):
        return t.detach().numpy() if t.dtype is not ember.bfloat16 else t.float().detach().numpy()
    if isinstance(t, torch.Tensor):
        return t.detach().cpu().numpy()
    return np.asarray(t)


def same_dtype(e, t):
    assert str(e.dtype) == str(t.dtype), f"dtype: ember {e.dtype} vs torch {t.dtype}"


def assert_close(e, t, rtol=None, atol=None, check_dtype=True):
    """An ember result equals a torch result: type, shape, dtype and values."""
    if isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)), f"expected a sequence, got {type(e).__name__}"
        assert len(e) == len(t), f"length: ember {len(e)} vs torch {len(t)}"
        for a, b in zip(e, t):
            assert_close(a, b, rtol, atol, check_dtype)
        return
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"expected an ember Tensor, got {type(e).__name__}"
        assert tuple(e.shape) == tuple(t.shape), f"shape: ember {tuple(e.shape)} vs torch {tuple(t.shape)}"
        if check_dtype:
            same_dtype(e, t)
        a, b = to_np(e), to_np(t)
        if a.dtype.kind in "fc":
            r = rtol if rtol is not None else RTOL.get(a.dtype.type, 1e-5)
            np.testing.assert_allclose(a, b, rtol=r, atol=atol if atol is not None else r, equal_nan=True)
        else:
            np.testing.assert_array_equal(a, b)
        return
    if isinstance(t, float):
        assert e == pytest.approx(t, rel=rtol or 1e-6, abs=atol or 1e-6, nan_ok=True)
        return
    assert e == t, f"ember {e!r} vs torch {t!r}"


def _flat_tensors(out):
    if isinstance(out, (tuple, list)):
        r = []
        for o in out:
            r.extend(_flat_tensors(o))
        return r
    return [out]


def check(fn, arrays, grad=True, rtol=None, atol=None, kwargs=None, grad_rtol=None, seed=0):
    """Run ``fn(module, *tensors)`` in ember and torch; compare outputs and gradients.

    ``arrays``: ndarrays (or Python scalars passed through unchanged). Float arrays
    require grad when ``grad`` is True.
    """
    kwargs = kwargs or {}

    def make(mod, conv):
        ins = []
        for a in arrays:
            if isinstance(a, np.ndarray):
                rg = grad and a.dtype.kind == "f"
                ins.append(conv(a, rg))
            else:
                ins.append(a)
        return ins

    e_in = make(ember, E)
    t_in = make(torch, T)
    t_out = fn(torch, *t_in, **kwargs)
    e_out = fn(ember, *e_in, **kwargs)
    assert_close(e_out, t_out, rtol, atol)
    if not grad:
        return e_out, t_out
    t_outs = [o for o in _flat_tensors(t_out) if isinstance(o, torch.Tensor) and o.requires_grad]
    e_outs = [o for o in _flat_tensors(e_out) if isinstance(o, ember.Tensor) and o.requires_grad]
    assert len(t_outs) == len(e_outs), "ember and torch disagree on which outputs require grad"
    if not t_outs:
        return e_out, t_out
    rs = np.random.RandomState(seed)
    t_loss = 0
    e_loss = 0
    for eo, to in zip(e_outs, t_outs):
        w = rs.standard_normal(tuple(to.shape)).astype(to_np(to).dtype)
        t_loss = t_loss + (to * torch.tensor(w)).sum()
        e_loss = e_loss + (eo * ember.tensor(w)).sum()
    t_loss.backward()
    e_loss.backward()
    for ei, ti in zip(e_in, t_in):
        if isinstance(ti, torch.Tensor) and ti.requires_grad:
            if ti.grad is None:
                assert ei.grad is None or np.all(to_np(ei.grad) == 0)
            else:
                assert ei.grad is not None, "ember produced no gradient where torch did"
                assert_close(ei.grad, ti.grad, grad_rtol or rtol, atol)
    return e_out, t_out


def check_raises(fn, *args, **kwargs):
    """``fn(module, ...)`` raises the same exception class in ember as in torch."""
    with pytest.raises(Exception) as te:
        fn(torch, *[T(a) if isinstance(a, np.ndarray) else a for a in args], **kwargs)
    with pytest.raises(Exception) as ee:
        fn(ember, *[E(a) if isinstance(a, np.ndarray) else a for a in args], **kwargs)
    tcls = te.type
    assert issubclass(ee.type, tcls) or (tcls.__name__ == ee.type.__name__), \
        f"torch raised {tcls.__name__}: {te.value}; ember raised {ee.type.__name__}: {ee.value}"
    return ee.value


def gradcheck(fn, *arrays):
    """float64 gradcheck of ``fn(ember, *tensors)`` with ember's own gradcheck."""
    ins = [E(np.asarray(a, dtype=np.float64), True) if isinstance(a, np.ndarray) else a for a in arrays]
    assert ember.autograd.gradcheck(lambda *xs: fn(ember, *xs), ins, eps=1e-6, atol=1e-5, rtol=1e-3)


def rand(*shape, dtype=np.float32, seed=None, low=-1.0, high=1.0):
    rs = np.random.RandomState(seed if seed is not None else hash(shape) % 2**31)
    if np.dtype(dtype).kind == "f":
        return rs.uniform(low, high, shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rs.rand(*shape) > 0.5
    return rs.randint(-5 if np.dtype(dtype).kind == "i" else 0, 10, shape).astype(dtype)
