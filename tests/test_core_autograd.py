"""The core path: apply, promotion, graph nodes, backward, grad modes, custom Function."""
import numpy as np
import pytest
import torch
from oracle import E, assert_close, check, check_raises, gradcheck, rand

import ember


@pytest.mark.parametrize("a,b", [
    (np.int32, 2.5), (np.uint8, 1000), (np.bool_, 1), (np.bool_, True), (np.int64, 1.5),
    (np.float16, 2.0), (np.float32, 2), (np.int8, 3),
])
def test_scalar_promotion(a, b):
    x = (np.arange(4) % 3).astype(a)
    check(lambda m, x: x + b, [x], grad=False)
    check(lambda m, x: x * b, [x], grad=False)


@pytest.mark.parametrize("da,db", [
    (np.int8, np.uint8), (np.int64, np.float16), (np.float32, np.float64), (np.bool_, np.int32),
    (np.uint8, np.int16), (np.int32, np.float32),
])
def test_tensor_promotion(da, db):
    a = rand(3, dtype=da)
    b = rand(3, dtype=db)
    check(lambda m, x, y: x * y, [a, b], grad=False)
    # 0-d tensors only lift the category
    check(lambda m, x, y: x + y, [a, np.array(b[0])], grad=False)


def test_int_division_is_float():
    check(lambda m, x: x / 2, [np.array([1, 2, 3])], grad=False)
    check(lambda m, x, y: x / y, [np.array([1, 2, 3]), np.array([2, 2, 2])], grad=False)


def test_broadcast_grads_and_mixed_dtypes():
    check(lambda m, x, y: x * y + x, [rand(2, 3, 4), rand(3, 1)])
    check(lambda m, x, y: x * y, [rand(3), rand(3, dtype=np.float64)])
    check(lambda m, x, y: x / y - y, [rand(4, 1), rand(1, 5, low=0.5, high=2)])


def test_node_names_and_next_functions():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).sum() if hasattr(x, "sum") else x * 2
    tx = torch.ones(2, requires_grad=True)
    z = x * 2 + 1
    tz = tx * 2 + 1
    assert type(z.grad_fn).__name__ == type(tz.grad_fn).__name__ == "AddBackward0"
    nf = z.grad_fn.next_functions
    tnf = tz.grad_fn.next_functions
    assert [type(n).__name__ if n else None for n, _ in nf] == [type(n).__name__ if n else None for n, _ in tnf]
    acc = nf[0][0].next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad" and acc.variable is x
    assert x.is_leaf and not z.is_leaf and z.requires_grad
    assert repr(z).endswith("grad_fn=<AddBackward0>)")
    del y


def test_accumulation_and_retain_graph():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.backward(ember.ones(2), retain_graph=True)
    y.backward(ember.ones(2))
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward(ember.ones(2))


def test_backward_errors():
    check_raises(lambda m, x: (x * 2).backward(), rand(3))  # does not require grad
    x = ember.ones(3, requires_grad=True)
    tx = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError):
        (tx * 2).backward()
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ember.ones(2))


def test_inplace_checks():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    y = x * 1
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward(ember.ones(3))
    with pytest.raises(RuntimeError):
        ember.ones(2, dtype=ember.int64).add_(1.5)
    # in-place on a non-leaf records the op
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    b.mul_(3)
    b.backward(ember.ones(2))
    np.testing.assert_allclose(a.grad.numpy(), [6.0, 6.0])
    assert type(b.grad_fn).__name__ == "MulBackward0" and b._version == 1


def test_grad_modes():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad
    with ember.inference_mode():
        assert not (x * 2).requires_grad and ember.is_inference_mode_enabled()

    @ember.no_grad()
    def f(t):
        return t * 2

    @ember.no_grad
    def g(t):
        return t * 2
    assert not f(x).requires_grad and not g(x).requires_grad
    ember.set_grad_enabled(False)
    assert not ember.is_grad_enabled()
    ember.set_grad_enabled(True)


def test_hooks_and_retain_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    y = x * 3
    y.retain_grad()
    h = y.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    (y * y).backward(ember.ones(2))
    np.testing.assert_allclose(y.grad.numpy(), 2 * 3 * np.array([1.0, 2.0]) * 2)
    np.testing.assert_allclose(x.grad.numpy(), 2 * 3 * np.array([1.0, 2.0]) * 2 * 3)
    assert len(seen) == 1
    h.remove()


def test_autograd_grad():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = ember.tensor([3.0], requires_grad=True)
    z = x * y
    gx, gy = ember.autograd.grad(z, (x, y), ember.ones(2))
    np.testing.assert_allclose(gx.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(gy.numpy(), [3.0])
    assert x.grad is None
    w = ember.ones(1, requires_grad=True)
    with pytest.raises(RuntimeError, match="not have been used"):
        ember.autograd.grad(x * 2, [w], ember.ones(2))
    assert ember.autograd.grad(x * 2, [w], ember.ones(2), allow_unused=True) == (None,)


def test_custom_function():
    class Cube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x * x * x * k

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return g * 3 * x * x * ctx.k, None

    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert type(y.grad_fn).__name__ == "CubeBackward"
    y.backward(ember.ones(2))
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 24.0])
    assert ember.autograd.gradcheck(lambda t: Cube.apply(t, 2.0), (E(rand(3, dtype=np.float64), True),))


def test_gradcheck_catches_wrong_gradient():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 3

    with pytest.raises(ember.autograd.GradcheckError):
        ember.autograd.gradcheck(Bad.apply, (E(rand(3, dtype=np.float64), True),))


def test_gradcheck_elementwise():
    gradcheck(lambda m, x, y: x * y + x / y, rand(3, 2), rand(2, low=0.5, high=2))
    gradcheck(lambda m, x: x.exp().log(), rand(4))


@pytest.mark.parametrize("case", ["mul_view", "copy_into_zeros", "setitem_on_view", "iadd_row"])
def test_inplace_on_views_rebases_the_base(case):
    """In-place ops through views update the base's history (PyTorch's CopySlices)."""
    def run(m):
        x = m.tensor(np.arange(1.0, 7.0, dtype=np.float32), requires_grad=True)
        w = m.tensor(np.array([0.5, -1.0, 2.0], dtype=np.float32), requires_grad=True)
        if case == "mul_view":
            y = (x * 1).view(2, 3)
            y[0].mul_(w)
        elif case == "copy_into_zeros":
            y = m.zeros(2, 3)
            y[1:2].copy_((w * 2).unsqueeze(0))
            y = y + x.view(2, 3)
        elif case == "setitem_on_view":
            y = (x * 2).view(2, 3)
            v = y[:, 1:]
            v[0] = w[:2]
        else:
            y = (x * 1).view(2, 3)
            y[1] += w
        out = (y * m.arange(6.0).view(2, 3)).sum()
        out.backward()
        return y, x.grad, w.grad, type(y.grad_fn).__name__

    e, t = run(ember), run(torch)
    assert_close(e[0], t[0])
    assert_close(e[1], t[1])
    assert_close(e[2], t[2])
    assert e[3] == t[3]


def test_inplace_keeps_saved_original():
    a = ember.ones(3) * 2
    b = ember.ones(3, requires_grad=True)
    a.mul_(b)
    a.sum().backward()
    assert b.grad.tolist() == [2.0, 2.0, 2.0]


def _modified(m, case):
    x = m.randn(3, 2, requires_grad=True)
    if case == "saved output":       # relu saves its output
        y = m.relu(x)
        y.add_(1)
        z = y
    elif case == "saved input":      # sin saves its input, output of an add
        y = x + 1
        z = y.sin()
        y.mul_(2)
    elif case == "saved leaf":       # a leaf that does not require grad
        w = m.randn(3, 2)
        z = x * w
        w.add_(1)
    else:                            # max(dim) saves its indices: a two-output node
        y = x.exp()
        z = y.max(1).values
        y.mul_(2)
    z.sum().backward()


@pytest.mark.parametrize("case", ["saved output", "saved input", "saved leaf", "two outputs"])
def test_inplace_modified_message(case):
    """The error names the tensor, its producer and versions exactly as PyTorch does."""
    msgs = []
    for m in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            _modified(m, case)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_op_outputs_are_freed_without_the_garbage_collector():
    """An op that saves its own output must not form a reference cycle with it:
    the output's array would then live until the cycle collector runs."""
    import gc
    import weakref
    x = ember.randn(4, 4, requires_grad=True)
    gc.disable()
    try:
        for f in (ember.relu, ember.exp, ember.sigmoid, ember.tanh, lambda t: t.softmax(1),
                  lambda t: t.max(1), lambda t: t.sort(1)):
            out = f(x)
            ref = weakref.ref(out if isinstance(out, ember.Tensor) else out[0])
            del out
            assert ref() is None, f
    finally:
        gc.enable()


def _exp_function(m):
    class Exp(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, g):
            y, = ctx.saved_tensors
            return g * y
    return Exp


def test_function_saved_output_is_freed_and_checked():
    """A custom Function that saves its own output: no reference cycle, correct
    gradient, and torch's message when the output is changed in place."""
    import gc
    import weakref
    x = ember.randn(3, requires_grad=True)
    Exp = _exp_function(ember)
    gc.disable()
    try:
        ref = weakref.ref(Exp.apply(x))
        assert ref() is None
    finally:
        gc.enable()
    Exp.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp(x.detach().numpy()), rtol=1e-6)
    msgs = []
    for m in (torch, ember):
        y = _exp_function(m).apply(m.ones(3, requires_grad=True))
        y.add_(1)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_grad_fn_name():
    """``grad_fn.name()`` as in PyTorch, for op nodes, custom Functions and leaves."""
    names = []
    for m in (torch, ember):
        x = m.ones(2, requires_grad=True)
        y = (x * 2).sum()
        f = _exp_function(m).apply(x)
        names.append((y.grad_fn.name(), y.grad_fn.next_functions[0][0].name(),
                      y.grad_fn.next_functions[0][0].next_functions[0][0].name(), f.grad_fn.name()))
    assert names[0] == names[1]


def test_post_accumulate_grad_hook():
    res = []
    for m in (torch, ember):
        x = m.ones(2, requires_grad=True)
        seen = []
        h = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.detach().clone().tolist()))
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        h.remove()
        (x * 3).sum().backward()
        errs = []
        for t in (x * 2, m.ones(2)):
            with pytest.raises(RuntimeError) as info:
                t.register_post_accumulate_grad_hook(lambda t: None)
            errs.append(str(info.value))
        res.append((seen, errs))
    assert res[0] == res[1]


# ---- anomaly detection: NaN in backward, set_detect_anomaly -----------------------------------

def _nan_backward(m):
    x = m.zeros(2, requires_grad=True)
    (x / x).sum().backward()


@pytest.mark.filterwarnings("ignore:Anomaly Detection", "ignore::RuntimeWarning")
def test_anomaly_detect_nan():
    assert not ember.is_anomaly_enabled() and ember.is_anomaly_check_nan_enabled()
    _nan_backward(ember)  # off: NaN gradients pass silently, as torch
    with pytest.warns(UserWarning, match="Anomaly Detection"):
        cm_e, cm_t = ember.autograd.detect_anomaly(), torch.autograd.detect_anomaly()
    with cm_t:
        with pytest.raises(RuntimeError) as te:
            _nan_backward(torch)
    with cm_e:
        assert ember.is_anomaly_enabled()
        with pytest.raises(RuntimeError) as ee:
            _nan_backward(ember)
    assert str(ee.value) == str(te.value)  # Function 'DivBackward0' returned nan values in its 1th output.
    assert not ember.is_anomaly_enabled()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_set_detect_anomaly():
    ember.autograd.set_detect_anomaly(True)
    try:
        assert ember.is_anomaly_enabled()
        with pytest.raises(RuntimeError, match="returned nan values in its 0th output"):
            x = ember.tensor([-1.0], requires_grad=True)
            ember.sqrt(x).sum().backward()
        with ember.autograd.set_detect_anomaly(True, check_nan=False):
            assert not ember.is_anomaly_check_nan_enabled()
            _nan_backward(ember)
        assert ember.is_anomaly_check_nan_enabled()
    finally:
        ember.autograd.set_detect_anomaly(False)
    assert not ember.is_anomaly_enabled()
    with pytest.warns(UserWarning):
        deco = ember.autograd.detect_anomaly()

    @deco
    def f():
        assert ember.is_anomaly_enabled()
        x = ember.tensor([2.0], requires_grad=True)
        (x * x).sum().backward()  # finite gradients: no error
        return x.grad
    assert f().item() == 4.0 and not ember.is_anomaly_enabled()


def test_grad_buffers_never_alias():
    # AccumulateGrad takes a gradient nothing else holds as .grad without a copy; a shared one
    # (two leaves fed by one add, a hook that keeps it, a seed the caller owns) is copied
    for mod in (torch, ember):
        a, c = mod.ones(4, requires_grad=True), mod.ones(4, requires_grad=True)
        (a + c).backward(mod.ones(4))
        a.grad.add_(1)
        assert c.grad.tolist() == [1.0] * 4
        w = mod.ones(3, requires_grad=True)
        kept = []
        w.register_hook(lambda g: kept.append(g))
        (w * 2).sum().backward()
        w.grad.add_(5)
        assert kept[0].tolist() == [2.0] * 3
        seed = mod.full((2,), 3.0)
        v = mod.ones(2, requires_grad=True)
        v.backward(seed)
        v.grad.add_(1)
        assert seed.tolist() == [3.0, 3.0]
        lin = mod.nn.Linear(3, 2)
        lin(mod.ones(5, 3)).sum().backward()
        assert lin.weight.grad.tolist() == [[5.0] * 3] * 2 and lin.bias.grad.tolist() == [5.0] * 2
