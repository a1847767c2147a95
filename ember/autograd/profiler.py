"""``ember.autograd.profiler`` (``torch.autograd.profiler``): the legacy profiler spellings,
over ``ember.profiler``'s recorder."""
from .. import profiler as _profiler
from ..profiler import EventList, record_function  # noqa: F401

__all__ = ["profile", "record_function", "emit_nvtx", "emit_itt", "EventList"]


class profile(_profiler.profile):
    """``with profile() as prof: ...`` records every op call (and ``record_function`` ranges);
    ``prof.function_events``, ``prof.key_averages().table(...)``, ``prof.export_chrome_trace``.

    Args:
        enabled (bool): ``False`` records nothing (and ``with ... as prof`` gives ``None``, as torch).
        record_shapes (bool): record input shapes (``key_averages(group_by_input_shape=True)``).
        use_cuda, use_device, with_flops, profile_memory, with_stack, with_modules, use_kineto,
        use_cpu, experimental_config, acc_events, custom_trace_id_callback: accepted.

    Example::

        >>> x = ember.ones(8, 8)
        >>> with ember.autograd.profiler.profile() as prof:
        ...     y = (x @ x).relu()
        >>> [e.name for e in prof.function_events]
        ['aten::mm', 'aten::relu']
        >>> table = prof.key_averages().table(sort_by="self_cpu_time_total")
    """

    def __init__(self, enabled=True, *, use_cuda=False, use_device=None, record_shapes=False,
                 with_flops=False, profile_memory=False, with_stack=False, with_modules=False,
                 use_kineto=False, use_cpu=True, experimental_config=None, acc_events=False,
                 custom_trace_id_callback=None):
        import warnings

        if use_cuda:
            warnings.warn("The attribute `use_cuda` will be deprecated soon, please use "
                          "``use_device = 'cuda'`` instead.", FutureWarning, stacklevel=2)
            use_device = "cuda"
        if enabled and use_device == "cuda":
            warnings.warn("CUDA is not available, disabling CUDA profiling", stacklevel=2)
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory,
                         with_stack=with_stack, with_flops=with_flops, with_modules=with_modules)
        self.enabled = enabled

    def __enter__(self):
        if not self.enabled:
            return None
        super().__enter__()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            super().__exit__(*exc)
        return False

    @property
    def function_events(self):
        return self.events()

    def table(self, sort_by=None, row_limit=100, **kw):
        return self.key_averages().table(sort_by=sort_by, row_limit=row_limit, **kw)

    def total_average(self):
        return self.events().total_average()

    @property
    def self_cpu_time_total(self):
        """Total self CPU time of the recorded events, in µs."""
        return sum(e.self_ns for e in self._events) / 1e3


class emit_nvtx:
    """NVTX ranges for NVIDIA's profilers: needs CUDA, so entering it raises as torch's CPU build."""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            raise AssertionError("Torch not compiled with CUDA enabled")
        return self

    def __exit__(self, *exc):
        return False


class emit_itt:
    """Intel ITT ranges for VTune: ember emits none (no ITT library), so this changes nothing."""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
