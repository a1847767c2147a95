"""``ember.profiler``: time every op a block of code runs; a per-op table and a Chrome trace.

    with ember.profiler.profile(record_shapes=True) as prof:
        with ember.profiler.record_function("model_inference"):
            model(x)
    print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=10))
    prof.export_chrome_trace("trace.json")     # chrome://tracing or ui.perfetto.dev

Ops are seen through the op recorder hook in ``ops/_apply.py`` (forward, named as
PyTorch's ``aten::`` ops, table in ``ember/jit/_aten.py``) and in the backward walk
(named as their autograd nodes, ``AddmmBackward0``). Ops that skip ``apply`` (indexing's
fast path, a few no-grad fast paths) are not timed separately: their time counts toward
the enclosing ``record_function``. ``profile_memory``/``with_stack`` are accepted; the
table has no memory or stack columns.
"""
import enum
import json
import os
import threading
import time

__all__ = ["profile", "record_function", "ProfilerActivity", "ProfilerAction", "schedule",
           "tensorboard_trace_handler", "supported_activities"]

_active = []   # profilers recording now (record_function reports to them)


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1
    XPU = 2
    MTIA = 3
    PrivateUse1 = 4


def supported_activities():
    return {ProfilerActivity.CPU}


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """Step -> action: skip ``skip_first`` steps, then cycles of ``wait`` idle, ``warmup``
    and ``active`` recorded steps (the last one saves), ``repeat`` times (0: forever)."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    num = wait + warmup + active

    def fn(step):
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if repeat > 0 and step // num >= repeat:
            return ProfilerAction.NONE
        mod = step % num
        if mod < wait:
            return ProfilerAction.NONE
        if mod < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod < num - 1 else ProfilerAction.RECORD_AND_SAVE
    return fn


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """``on_trace_ready`` that writes ``<worker>.<ns>.pt.trace.json[.gz]`` into ``dir_name``."""
    import socket

    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        name = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{name}.{time.time_ns()}.pt.trace.json")
        if use_gzip:
            import gzip
            path += ".gz"
            with gzip.open(path, "wt") as f:
                json.dump(prof._trace(), f)
        else:
            prof.export_chrome_trace(path)
    return handler


class _Event:
    __slots__ = ("name", "t0", "t1", "self_ns", "tid", "shapes", "cat")

    def __init__(self, name, t0, t1, self_ns, tid, shapes, cat):
        self.name, self.t0, self.t1, self.self_ns = name, t0, t1, self_ns
        self.tid, self.shapes, self.cat = tid, shapes, cat


class profile:
    """Context manager recording op timings (see the module docstring)."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False,
                 use_cuda=None, custom_trace_id_callback=None):
        self.activities = set(activities) if activities else {ProfilerActivity.CPU}
        self.schedule = schedule
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory, self.with_stack = profile_memory, with_stack
        self.step_num = 0
        self._events = []
        self._stacks = {}          # thread id -> open frames [name, t0, child_ns, shapes, cat]
        self._recording = False
        self._action = None
        self._base = time.perf_counter_ns()
        self._step_frame = None

    # ---- the observer protocol (ops/_apply.py, autograd/graph.py) ----------------------
    def op_enter(self, cls, inputs, kwargs):
        if inputs is None:   # a backward node
            return self._push(cls.__name__, None, "cpu_op")
        from ..jit._aten import aten_name

        shapes = None
        if self.record_shapes:
            shapes = [list(x._data.shape) if hasattr(x, "_data") else [] for x in inputs]
        return self._push(aten_name(cls, kwargs), shapes, "cpu_op")

    def op_exit(self, token, out):
        self._pop(token)

    def _push(self, name, shapes, cat):
        tid = threading.get_ident()
        st = self._stacks.get(tid)
        if st is None:
            st = self._stacks[tid] = []
        frame = [name, time.perf_counter_ns(), 0, shapes, cat, tid]
        st.append(frame)
        return frame

    def _pop(self, frame):
        t1 = time.perf_counter_ns()
        st = self._stacks.get(frame[5])
        if st and st[-1] is frame:
            st.pop()
        dur = t1 - frame[1]
        if st:
            st[-1][2] += dur
        self._events.append(_Event(frame[0], frame[1], t1, dur - frame[2], frame[5], frame[3], frame[4]))

    # ---- start / stop / step ---------------------------------------------------------
    def _start_recording(self):
        if self._recording:
            return
        from ..autograd import graph
        from ..jit._graph import warm
        from ..ops import _apply

        warm()
        self._recording = True
        _apply.add_observer(self)
        graph._observers.append(self)
        _active.append(self)

    def _stop_recording(self):
        if not self._recording:
            return
        from ..autograd import graph
        from ..ops import _apply

        self._recording = False
        _apply.remove_observer(self)
        graph._observers[:] = [o for o in graph._observers if o is not self]
        _active[:] = [p for p in _active if p is not self]

    def start(self):
        self._action = self.schedule(self.step_num) if self.schedule else ProfilerAction.RECORD
        self._apply_action()
        return self

    def _apply_action(self):
        if self._action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._start_recording()
            self._step_frame = self._push(f"ProfilerStep#{self.step_num}", None, "user_annotation") \
                if self.schedule else None
        else:
            self._stop_recording()

    def stop(self):
        self._close_step()
        recorded = self._recording
        self._stop_recording()
        if recorded and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _close_step(self):
        if self._step_frame is not None:
            self._pop(self._step_frame)
            self._step_frame = None

    def step(self):
        """End a training step: move along ``schedule``; a finished active cycle goes to
        ``on_trace_ready`` and the next cycle starts with an empty event list."""
        if self.schedule is None:
            self.step_num += 1
            return
        self._close_step()
        prev = self._action
        self.step_num += 1
        self._action = self.schedule(self.step_num)
        if prev == ProfilerAction.RECORD_AND_SAVE:
            self._stop_recording()
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)
            if self._action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE,
                                ProfilerAction.WARMUP):
                self._events = []
        elif prev in (ProfilerAction.NONE, ProfilerAction.WARMUP) and self._action in (
                ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE):
            self._events = []
        self._apply_action()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- results ---------------------------------------------------------------------
    def events(self):
        return EventList(self._events)

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        return self.events().key_averages(group_by_input_shape)

    def _trace(self):
        pid = os.getpid()
        evs = []
        for e in sorted(self._events, key=lambda e: e.t0):
            d = {"ph": "X", "cat": e.cat, "name": e.name, "pid": pid, "tid": e.tid,
                 "ts": (e.t0 - self._base) / 1e3, "dur": (e.t1 - e.t0) / 1e3}
            if e.shapes is not None:
                d["args"] = {"Input Dims": e.shapes}
            evs.append(d)
        return {"schemaVersion": 1, "deviceProperties": [], "traceEvents": evs,
                "traceName": "ember", "displayTimeUnit": "ms"}

    def export_chrome_trace(self, path):
        """Write the events as Chrome trace JSON (complete "X" events, µs)."""
        with open(path, "w") as f:
            json.dump(self._trace(), f)

    def export_stacks(self, path, metric="self_cpu_time_total"):
        raise RuntimeError("ember.profiler records no stacks (with_stack is accepted but ignored)")


class _Avg:
    """One row of ``key_averages()``: times in µs, as torch's FunctionEventAvg."""

    def __init__(self, key, shapes):
        self.key, self.input_shapes = key, shapes
        self.count = 0
        self.cpu_time_total = self.self_cpu_time_total = 0.0
        self.cuda_time_total = self.self_cuda_time_total = self.device_time_total = 0.0

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    @property
    def self_cpu_time(self):
        return self.self_cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_fmt_t(self.self_cpu_time_total)} "
                f"cpu_time={_fmt_t(self.cpu_time_total)} input_shapes={self.input_shapes}>")


class EventList(list):
    """Recorded events; ``key_averages()`` groups them by name (and input shapes)."""

    def key_averages(self, group_by_input_shape=False):
        rows = {}
        for e in self:
            shapes = e.shapes if group_by_input_shape else None
            k = (e.name, str(shapes)) if group_by_input_shape else e.name
            r = rows.get(k)
            if r is None:
                r = rows[k] = _Avg(e.name, shapes)
            r.count += 1
            r.cpu_time_total += (e.t1 - e.t0) / 1e3
            r.self_cpu_time_total += e.self_ns / 1e3
        out = _Averages(rows.values())
        out._shapes = group_by_input_shape
        return out

    def table(self, **kw):
        return self.key_averages().table(**kw)

    def total_average(self):
        t = _Avg("Total", None)
        for e in self:
            t.count += 1
            t.cpu_time_total += (e.t1 - e.t0) / 1e3
            t.self_cpu_time_total += e.self_ns / 1e3
        return t


_SORT = {"cpu_time_total": "cpu_time_total", "self_cpu_time_total": "self_cpu_time_total",
         "cpu_time": "cpu_time", "self_cpu_time": "self_cpu_time", "count": "count",
         "cpu_time_avg": "cpu_time"}


class _Averages(list):
    _shapes = False

    def table(self, sort_by=None, row_limit=100, max_src_column_width=75, max_name_column_width=55,
              max_shapes_column_width=80, header=None, top_level_events_only=False):
        """torch's layout: Name, Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg,
        # of Calls (and Input Shapes when grouped by them); times as us/ms/s."""
        rows = list(self)
        if sort_by is not None:
            attr = _SORT.get(sort_by)
            if attr is not None:
                rows.sort(key=lambda r: getattr(r, attr), reverse=True)
            elif not any(w in sort_by for w in ("cuda", "device", "xpu", "memory")):
                raise AttributeError(f"'FunctionEventAvg' object has no attribute '{sort_by}'")
        total_self = sum(r.self_cpu_time_total for r in self)
        if row_limit is not None and row_limit > 0:
            rows = rows[:row_limit]
        name_w = min(max([len(r.key) for r in rows] + [len("Name")]) + 4, max_name_column_width)
        shapes = self._shapes
        shapes_w = 0
        if shapes:
            shapes_w = min(max([len(str(r.input_shapes)) for r in rows] + [12]) + 4,
                           max_shapes_column_width)
        heads = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg", "# of Calls"]
        widths = [12] * len(heads)
        fmt = "{: >%d}" % name_w + "".join("  {: >%d}" % w for w in widths)
        if shapes:
            fmt += "  {: <%d}" % shapes_w
        cols = [name_w] + widths + ([shapes_w] if shapes else [])
        line = "  ".join("-" * w for w in cols) + "  "
        out = [line]
        if header:
            out = ["=" * len(line), header, "=" * len(line), line]
        out.append(fmt.format("Name", *heads, *(["Input Shapes"] if shapes else [])) + "  ")
        out.append(line)

        def pct(x):
            return f"{100.0 * x / total_self:.2f}%" if total_self > 0 else "0.00%"
        for r in rows:
            name = r.key if len(r.key) <= name_w else r.key[:name_w - 3] + "..."
            vals = [pct(r.self_cpu_time_total), _fmt_t(r.self_cpu_time_total),
                    pct(r.cpu_time_total), _fmt_t(r.cpu_time_total), _fmt_t(r.cpu_time), str(r.count)]
            if shapes:
                s = str(r.input_shapes if r.input_shapes is not None else [])
                vals.append(s if len(s) <= shapes_w else s[:shapes_w - 3] + "...")
            out.append(fmt.format(name, *vals) + "  ")
        out.append(line)
        out.append(f"Self CPU time total: {_fmt_t(total_self)}")
        return "\n".join(out) + "\n"

    def __str__(self):
        return self.table()


def _fmt_t(us):
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class record_function:
    """A named range in the profile (context manager or decorator); ops inside nest under it."""

    def __init__(self, name, args=None):
        self.name, self.args = name, args
        self._frames = []

    def __enter__(self):
        self._frames = [(p, p._push(self.name, None, "user_annotation")) for p in list(_active)]
        return self

    def __exit__(self, *exc):
        for p, f in self._frames:
            p._pop(f)
        self._frames = []

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with record_function(self.name):
                return fn(*a, **k)
        return wrapper
