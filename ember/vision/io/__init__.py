"""``ember.vision.io`` (torchvision.io): reading and writing images as tensors (via Pillow)."""
from .image import (ImageReadMode, decode_image, decode_jpeg, decode_png, decode_webp, encode_jpeg, encode_png,
                    read_file, read_image, write_file, write_jpeg, write_png)

__all__ = ["ImageReadMode", "decode_image", "decode_jpeg", "decode_png", "decode_webp", "encode_jpeg",
           "encode_png", "read_file", "read_image", "write_file", "write_jpeg", "write_png"]
