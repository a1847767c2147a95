"""``ember.utils.benchmark``: ``Timer`` (warm-up, thread count, CUDA synchronise where
torch's does), ``Measurement`` and ``Compare``, as ``torch.utils.benchmark``."""
from .common import Measurement, TaskSpec, select_unit
from .compare import Colorize, Compare
from .timer import Language, Timer, timer

__all__ = ["Timer", "timer", "Language", "Measurement", "TaskSpec", "Compare", "Colorize", "select_unit"]
