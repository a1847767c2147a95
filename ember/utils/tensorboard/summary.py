"""Summary protocol buffers TensorBoard reads: scalars, histograms, images, text, hparams.

Each function returns a ``Summary`` proto; ``SummaryWriter`` wraps it in an event.
The protos and their meaning are the ``tensorboard`` package's; the values put in
them follow ``torch.utils.tensorboard`` so that both write the same summaries.
"""
import io

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto

__all__ = ["make_np", "scalar", "histogram", "histogram_raw", "make_histogram", "image",
           "make_image", "text", "tensor_proto", "hparams", "convert_to_HWC", "make_grid"]


def make_np(x):
    """A NumPy array from an ember tensor, an array or a Python number."""
    from ..._tensor import Tensor

    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if isinstance(x, Tensor):
        a = x.detach()._data
        if a.dtype.kind not in "biufc":  # bfloat16 (ml_dtypes) and friends
            a = a.astype(np.float32)
        return np.asarray(a)
    raise NotImplementedError(f"Got {type(x)}, but numpy array or ember tensor are expected.")


def scalar(name, value, new_style=False, double_precision=False):
    """One scalar: ``simple_value`` (old style) or a ``scalars``-plugin tensor (new style)."""
    a = make_np(value).squeeze()
    if a.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). "
                             f"Was given size: {a.size} and {a.ndim} dimensions.")
    v = float(a)
    if not new_style:
        return Summary(value=[Summary.Value(tag=name, simple_value=v)])
    tp = (TensorProto(double_val=[v], dtype="DT_DOUBLE") if double_precision
          else TensorProto(float_val=[v], dtype="DT_FLOAT"))
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    return Summary(value=[Summary.Value(tag=name, tensor=tp, metadata=smd)])


_TENSOR_TYPES = {  # numpy kind+size -> (TensorProto dtype, field)
    "f4": ("DT_FLOAT", "float_val"), "f8": ("DT_DOUBLE", "double_val"),
    "f2": ("DT_HALF", "half_val"), "i1": ("DT_INT8", "int_val"), "i2": ("DT_INT16", "int_val"),
    "i4": ("DT_INT32", "int_val"), "i8": ("DT_INT64", "int64_val"), "u1": ("DT_UINT8", "uint32_val"),
    "b1": ("DT_BOOL", "bool_val"),
}


def tensor_proto(tag, tensor):
    """The whole tensor, for the ``tensor`` plugin (``add_tensor``)."""
    a = make_np(tensor)
    key = f"{a.dtype.kind}{a.dtype.itemsize}"
    if key not in _TENSOR_TYPES:
        raise ValueError(f"{tag} has unsupported tensor dtype {a.dtype}")
    dtype, field = _TENSOR_TYPES[key]
    flat = a.reshape(-1)
    vals = flat.view(np.uint16).tolist() if key == "f2" else flat.tolist()
    tp = TensorProto(dtype=dtype, tensor_shape=_shape(a.shape), **{field: vals})
    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=smd, tensor=tp)])


def _shape(shape):
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(d)) for d in shape])


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):
    """A histogram from precomputed statistics and buckets."""
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=bucket_limits, bucket=bucket_counts)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def histogram(name, values, bins, max_bins=None):
    """A histogram of ``values`` (any shape) with NumPy's ``bins``."""
    hist = make_histogram(make_np(values).astype(float), bins, max_bins)
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def make_histogram(values, bins, max_bins=None):
    """Bucket ``values``; keep the buckets from the first to the last non-empty one.

    TensorBoard stores only right bucket limits, so one empty bucket is kept on the
    left to carry the leftmost limit (as TensorFlow's histogram.cc does).
    """
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    n = len(counts)
    if max_bins is not None and n > max_bins:
        step = n // max_bins
        if n % step:
            counts = np.pad(counts, (0, step - n % step))
        counts = counts.reshape(-1, step).sum(axis=-1)
        limits = np.concatenate([limits[:-1:step], limits[-1:]])
    nonzero = np.flatnonzero(counts)
    if nonzero.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    start, end = int(nonzero[0]), int(nonzero[-1]) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    return HistogramProto(min=values.min(), max=values.max(), num=len(values), sum=values.sum(),
                          sum_squares=values.dot(values), bucket_limit=limits.tolist(),
                          bucket=counts.tolist())


def make_grid(images, ncols=8):
    """Tile ``(N, C, H, W)`` images (C 1 or 3) into one ``(3, rows*H, ncols*W)`` canvas."""
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=images.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = images[i]
    return canvas


def convert_to_HWC(a, dataformats):
    """Reorder an image array given as ``dataformats`` (NCHW, CHW, HWC, HW, ...) to HWC, 3 channels
    for grey input; a batch is tiled into a grid."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt):
        raise AssertionError(f"You can not use the same dimension shorthand twice. "
                             f"input_format: {dataformats}")
    if a.ndim != len(fmt):
        raise AssertionError(f"size of input tensor and input format are different. "
                             f"tensor shape: {a.shape}, input_format: {dataformats}")
    if len(fmt) == 4:
        return make_grid(a.transpose([fmt.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(fmt) == 3:
        a = a.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([a] * 3, 2) if a.shape[2] == 1 else a
    a = a.transpose([fmt.find(c) for c in "HW"])
    return np.stack([a] * 3, 2)


def image(tag, img, rescale=1, dataformats="NCHW"):
    """A PNG image; float pixels in [0, 1] are scaled to [0, 255], uint8 kept."""
    a = convert_to_HWC(make_np(img), dataformats)
    scale = 1 if a.dtype == np.uint8 else 255
    a = (a.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    return Summary(value=[Summary.Value(tag=tag, image=make_image(a, rescale=rescale))])


def make_image(a, rescale=1):
    """A ``Summary.Image`` holding the HWC uint8 array ``a`` as PNG (needs Pillow)."""
    from PIL import Image

    h, w, c = a.shape
    im = Image.fromarray(a)
    im = im.resize((int(w * rescale), int(h * rescale)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=buf.getvalue())


def text(tag, text):
    """A string for the ``text`` plugin, under ``tag + '/text_summary'``."""
    from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

    smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
    tp = TensorProto(dtype="DT_STRING", string_val=[text.encode("utf_8")], tensor_shape=_shape([1]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=smd, tensor=tp)])


def hparams(hparam_dict, metric_dict, hparam_domain_discrete=None):
    """The three summaries the hparams plugin reads: experiment, session start, session end."""
    from google.protobuf import struct_pb2
    from tensorboard.plugins.hparams import api_pb2, metadata, plugin_data_pb2

    from ..._tensor import Tensor

    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in domains.items():
        if k not in hparam_dict or not isinstance(v, list) or \
                not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same "
                            f"type as hparam_dict[{k}].")
    infos = []
    ssi = plugin_data_pb2.SessionStartInfo()
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if isinstance(v, Tensor):
            v = float(make_np(v).reshape(-1)[0])
        # bool is tested after int/float, as torch does: True is logged as the number 1
        if isinstance(v, (int, float)):
            field, kind = "number_value", "DATA_TYPE_FLOAT64"
        elif isinstance(v, str):
            field, kind = "string_value", "DATA_TYPE_STRING"
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        setattr(ssi.hparams[k], field, v)
        dom = None
        if k in domains:
            dom = struct_pb2.ListValue(values=[struct_pb2.Value(**{field: d}) for d in domains[k]])
        infos.append(api_pb2.HParamInfo(name=k, type=api_pb2.DataType.Value(kind), domain_discrete=dom))

    def wrap(tag, **content):
        data = plugin_data_pb2.HParamsPluginData(version=metadata.PLUGIN_DATA_VERSION, **content)
        smd = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
            plugin_name=metadata.PLUGIN_NAME, content=data.SerializeToString()))
        return Summary(value=[Summary.Value(tag=tag, metadata=smd)])

    exp = api_pb2.Experiment(hparam_infos=infos, metric_infos=[
        api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict])
    sei = plugin_data_pb2.SessionEndInfo(status=api_pb2.Status.Value("STATUS_SUCCESS"))
    return (wrap(metadata.EXPERIMENT_TAG, experiment=exp),
            wrap(metadata.SESSION_START_INFO_TAG, session_start_info=ssi),
            wrap(metadata.SESSION_END_INFO_TAG, session_end_info=sei))
