"""Files the TensorBoard projector reads for ``SummaryWriter.add_embedding``."""
import math
import os

import numpy as np

from .summary import make_grid, make_np


def _encode(tag):
    """Escape ``%``, ``/`` and ``\\`` so a tag is one directory name."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def _write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode("utf_8"))


def _sprite(label_img, path):
    """All label images tiled into one square PNG (``sprite.png``)."""
    from PIL import Image

    imgs = make_np(label_img)
    grid = make_grid(imgs, ncols=math.ceil(imgs.shape[0] ** 0.5)).transpose(1, 2, 0)
    square = np.zeros((grid.shape[1], grid.shape[1], 3))
    square[:grid.shape[0]] = grid
    Image.fromarray(np.uint8((square * 255).clip(0, 255))).save(path, format="PNG")


def add_embedding(writer, mat, metadata, label_img, global_step, tag, metadata_header):
    from google.protobuf import text_format
    from tensorboard.plugins.projector.projector_config_pb2 import EmbeddingInfo, ProjectorConfig

    mat = make_np(mat)
    step = 0 if global_step is None else global_step
    subdir = f"{str(step).zfill(5)}/{_encode(tag)}"
    root = writer._get_file_writer().get_logdir()
    save_path = os.path.join(root, subdir)
    if os.path.isdir(save_path):
        print("warning: Embedding dir exists, did you set global_step for add_embedding()?")
    elif os.path.exists(save_path):
        raise NotADirectoryError(f"Path: `{save_path}` exists, but is a file. Cannot proceed.")
    else:
        os.makedirs(save_path)
    info = EmbeddingInfo(tensor_name=f"{tag}:{str(step).zfill(5)}", tensor_path=f"{subdir}/tensors.tsv")
    if metadata is not None:
        if mat.shape[0] != len(metadata):
            raise AssertionError("#labels should equal with #data points")
        if metadata_header:
            if len(metadata_header) != len(metadata[0]):
                raise AssertionError("len of header must be equal to the number of columns in metadata")
            lines = ["\t".join(str(e) for e in row) for row in [metadata_header] + list(metadata)]
        else:
            lines = [str(x) for x in metadata]
        _write(os.path.join(save_path, "metadata.tsv"), "\n".join(lines) + "\n")
        info.metadata_path = f"{subdir}/metadata.tsv"
    if label_img is not None:
        if mat.shape[0] != label_img.shape[0]:
            raise AssertionError("#images should equal with #data points")
        _sprite(label_img, os.path.join(save_path, "sprite.png"))
        info.sprite.image_path = f"{subdir}/sprite.png"
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    if mat.ndim != 2:
        raise AssertionError("mat should be 2D, where mat.size(0) is the number of data points")
    _write(os.path.join(save_path, "tensors.tsv"),
           "".join("\t".join(str(v) for v in row) + "\n" for row in mat.tolist()))
    if not hasattr(writer, "_projector_config"):
        writer._projector_config = ProjectorConfig()
    writer._projector_config.embeddings.extend([info])
    _write(os.path.join(root, "projector_config.pbtxt"),
           text_format.MessageToString(writer._projector_config))
