"""``Timer``: ``timeit.Timer`` that warms up, fixes the thread count and synchronises.

Timing asynchronous device work needs a synchronise before reading the clock,
or it measures only the launch (the notes' pitfall). The clock here calls
``ember.cuda.synchronize()`` first exactly when torch's does: when an accelerator
is available. On ember's CPU build there is none, so nothing is synchronised (and
``ember.cuda.synchronize()`` itself raises, as on torch's CPU build).
"""
import textwrap
import timeit

from . import common

__all__ = ["Timer", "timer", "Language"]


def timer():
    """``timeit.default_timer()``, after synchronising CUDA when it is available."""
    from ... import cuda

    if cuda.is_available():
        cuda.synchronize()
    return timeit.default_timer()


class Language:
    PYTHON = 0
    CPP = 1


def _clean(code):
    code = textwrap.dedent(code)
    return (code[1:] if code.startswith("\n") else code).rstrip()


class Timer:
    """Time ``stmt`` (a string) after ``setup`` with ``globals``; ``ember`` is in globals.

    >>> t = Timer("x @ x", setup="x = ember.randn(64, 64)", label="matmul")
    >>> m = t.blocked_autorange(min_run_time=0.2)
    >>> m.median > 0   # seconds per run
    True
    """

    _timer_cls = timeit.Timer

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timer, globals=None,
                 label=None, sub_label=None, description=None, env=None, num_threads=1,
                 language=Language.PYTHON):
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError(f"Invalid language `{language}`: ember times Python statements only.")
        if global_setup:
            raise ValueError(f"global_setup is C++ only, got `{global_setup}`. Most "
                             "likely this code can simply be moved to `setup`.")
        import ember

        self._globals = dict(globals or {})
        self._globals.setdefault("ember", ember)
        stmt, setup = _clean(stmt), _clean(setup)
        self._timer = self._timer_cls(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = common.TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup,
                                          label=label, sub_label=sub_label, description=description,
                                          env=env, num_threads=num_threads)

    def _timeit(self, number):
        return max(self._timer.timeit(number), 1e-9)  # no real statement runs in under 1 ns

    def _measurement(self, number, times):
        return common.Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def timeit(self, number=1000000):
        """Run ``stmt`` ``number`` times after a warm-up of ``number // 100`` (at least 2)."""
        with common.set_torch_threads(self._task_spec.num_threads):
            self._timeit(max(number // 100, 2))
            return self._measurement(number, [self._timeit(number)])

    def repeat(self, repeat=5, number=1000):
        """``repeat`` blocks of ``number`` runs after one warm-up block, as one Measurement.

        (torch's ``Timer.repeat`` raises ``NotImplementedError``; this is ``timeit.Timer.repeat``
        with torch's warm-up and statistics.)
        """
        with common.set_torch_threads(self._task_spec.num_threads):
            self._timeit(max(number // 100, 2))
            return self._measurement(number, [self._timeit(number) for _ in range(repeat)])

    def autorange(self, callback=None):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _threaded_measurement_loop(self, number, time_hook, stop_hook, min_run_time,
                                   max_run_time=None, callback=None):
        total, can_stop, times = 0.0, False, []
        with common.set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not can_stop:
                t = time_hook()
                times.append(t)
                total += t
                if callback:
                    callback(number, t)
                can_stop = stop_hook(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def _estimate_block_size(self, min_run_time):
        """Grow the block by 10x until the clock's overhead is < 0.01% of it; also the warm-up."""
        with common.set_torch_threads(self._task_spec.num_threads):
            overhead = sorted(self._timeit(0) for _ in range(5))[2]
            number = 1
            while True:
                took = self._timeit(number)
                if overhead / took <= 1e-4 and took >= min_run_time / 1000:
                    break
                if took > min_run_time or number * 10 > 2147483647:
                    break
                number *= 10
        return number

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Blocks of a size chosen so timer overhead is negligible, until ``min_run_time``."""
        number = self._estimate_block_size(min_run_time)
        times = self._threaded_measurement_loop(number, lambda: self._timeit(number),
                                                lambda times: True, min_run_time, callback=callback)
        return self._measurement(number, times)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0,
                           callback=None):
        """Blocks until IQR/median < ``threshold`` (after 4+ blocks and ``min_run_time``),
        or ``max_run_time``."""
        number = self._estimate_block_size(min_run_time=0.05)

        def stop(times):
            return len(times) > 3 and self._measurement(number, times).meets_confidence(threshold)

        times = self._threaded_measurement_loop(number, lambda: self._timeit(number), stop,
                                                min_run_time, max_run_time, callback=callback)
        return self._measurement(number, times)
