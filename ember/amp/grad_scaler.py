"""``GradScaler``: loss scaling for mixed-precision training (torch.amp's rules)."""
import enum
from collections import abc

import numpy as np

__all__ = ["GradScaler", "OptState"]


class OptState(enum.Enum):
    READY = 0
    UNSCALED = 1
    STEPPED = 2


class GradScaler:
    """Multiply the loss by a scale before ``backward``, divide the gradients by it before the
    step, skip steps whose gradients hold inf/NaN (and back the scale off), and grow the scale
    after ``growth_interval`` clean steps.

    Args:
        device (str): ``"cpu"`` works; ``"cuda"`` (the default) warns and disables, CUDA being
            absent, so every method passes through (``scale`` returns its input, ``step`` calls
            ``optimizer.step()``), as torch's CPU build does.
        init_scale (float): starting scale. Default: ``2.**16``.
        growth_factor (float): multiplier after ``growth_interval`` clean steps. Default: 2.0.
        backoff_factor (float): multiplier after a step with inf/NaN gradients. Default: 0.5.
        growth_interval (int): Default: 2000.
        enabled (bool): ``False`` makes every method a pass-through. Default: ``True``.

    Example::

        >>> model = ember.nn.Linear(4, 1)
        >>> optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
        >>> scaler = ember.amp.GradScaler("cpu")
        >>> loss = model(ember.ones(2, 4)).sum()
        >>> scaler.scale(loss).backward()
        >>> scaler.step(optimizer)
        >>> scaler.update()
        >>> scaler.get_scale()
        65536.0
    """

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        import warnings

        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.")
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
            self._init_scale = init_scale
            self._scale = None
            self._growth_factor = growth_factor
            self._backoff_factor = backoff_factor
            self._growth_interval = growth_interval
            self._init_growth_tracker = 0
            self._growth_tracker = None
            self._per_optimizer_states = {}

    def _check(self, funcname):
        if self._scale is None:
            raise AssertionError(f"{funcname} but _scale is None.  This may indicate your script did "
                                 "not use scaler.scale(loss or outputs) earlier in the iteration.")

    def _state(self, optimizer):
        return self._per_optimizer_states.setdefault(id(optimizer), {"stage": OptState.READY,
                                                                     "found_inf": 0.0})

    def scale(self, outputs):
        """``outputs * scale`` (a tensor, or an iterable of tensors); ``outputs`` when disabled."""
        from .._tensor import Tensor
        from ..ops.creation import full

        if not self._enabled:
            return outputs
        if self._scale is None:
            from .. import float32, int32

            self._scale = full((), float(self._init_scale), dtype=float32)
            self._growth_tracker = full((), self._init_growth_tracker, dtype=int32)
        if isinstance(outputs, Tensor):
            return outputs * self._scale.to(outputs.dtype)

        def apply_scale(val):
            if isinstance(val, Tensor):
                return val * self._scale.to(val.dtype)
            if isinstance(val, abc.Iterable):
                it = map(apply_scale, val)
                return type(val)(it) if isinstance(val, (list, tuple)) else it
            raise ValueError("outputs must be a Tensor or an iterable of Tensors")
        return apply_scale(outputs)

    def unscale_(self, optimizer):
        """Divide ``optimizer``'s gradients by the scale (once per step), noting inf/NaN."""
        if not self._enabled:
            return
        self._check("unscale_() has been invoked")
        state = self._state(optimizer)
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv = np.float32(1.0 / np.float64(self._scale.item()))
        found = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if g._data.dtype == np.float16:
                    raise ValueError("Attempting to unscale FP16 gradients.")
                a = g._data
                if not np.isfinite(a).all():
                    found = True
                a *= inv.astype(a.dtype)
                g._bump()
        state["found_inf"] = 1.0 if found else 0.0
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscale (if not done), then ``optimizer.step()`` unless a gradient was inf/NaN;
        returns what the step returned (None when skipped)."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check("step()")
        state = self._state(optimizer)
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if not state["found_inf"]:
            ret = optimizer.step(*args, **kwargs)
        else:
            ret = None
        state["stage"] = OptState.STEPPED
        return ret

    def update(self, new_scale=None):
        """Back the scale off after inf/NaN, or grow it after ``growth_interval`` clean steps;
        ``new_scale`` (a float or a one-element tensor) sets it instead."""
        from .._tensor import Tensor

        if not self._enabled:
            return
        self._check("update()")
        if new_scale is not None:
            if isinstance(new_scale, Tensor):
                if new_scale.numel() != 1:
                    raise AssertionError("new_scale should be a single-element tensor.")
                if new_scale.requires_grad:
                    raise AssertionError("new_scale should not require grad.")
                new_scale = new_scale.item()
            elif not isinstance(new_scale, float):
                raise AssertionError("new_scale should be a float or a 1-element torch.cuda.FloatTensor "
                                     "or torch.FloatTensor with requires_grad=False.")
            self._scale.fill_(new_scale)
        else:
            found = [s["found_inf"] for s in self._per_optimizer_states.values()]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            if sum(found):
                self._scale.mul_(self._backoff_factor)
                self._growth_tracker.fill_(0)
            else:
                n = self._growth_tracker.item() + 1
                if n == self._growth_interval:
                    self._scale.mul_(self._growth_factor)
                    n = 0
                self._growth_tracker.fill_(n)
        self._per_optimizer_states = {}

    def get_scale(self):
        """The current scale (a float); 1.0 when disabled."""
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else self._scale.item()

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        self._growth_interval = new_interval

    def _get_growth_tracker(self):
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._growth_tracker is None else self._growth_tracker.item()

    def is_enabled(self):
        return self._enabled

    def state_dict(self):
        """``{"scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker"}``;
        empty when disabled."""
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict):
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from "
                               "a disabled instance of GradScaler.")
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])
