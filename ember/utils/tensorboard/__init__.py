"""``ember.utils.tensorboard``: ``SummaryWriter`` for TensorBoard (needs ``pip install tensorboard``)."""
try:
    import tensorboard
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above: "
                      "pip install tensorboard (or ember[tensorboard])") from e

if tuple(int(p) for p in tensorboard.__version__.split(".")[:2] if p.isdigit()) < (1, 15):
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above")
del tensorboard

from tensorboard.summary.writer.record_writer import RecordWriter  # noqa: E402

from .writer import FileWriter, SummaryWriter  # noqa: E402

__all__ = ["FileWriter", "RecordWriter", "SummaryWriter"]
