"""Download, verify and extract dataset files (torchvision.datasets.utils).

Downloads go through :func:`ember.hub.download_url_to_file`'s path: a progress bar (tqdm if
installed), a temporary file renamed into place only once complete and verified."""
import bz2
import gzip
import hashlib
import lzma
import os
import pathlib
import tarfile
import zipfile

__all__ = ["calculate_md5", "check_md5", "check_integrity", "download_url", "extract_archive",
           "download_and_extract_archive", "verify_str_arg", "iterable_to_str", "list_dir",
           "list_files", "USER_AGENT"]

USER_AGENT = "pytorch/vision"


def calculate_md5(fpath, chunk_size=1024 * 1024):
    """The MD5 hex digest of the file ``fpath``."""
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """Whether ``fpath`` is a file and, if ``md5`` is given, has that MD5."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download ``url`` into ``root/filename`` unless a file with that MD5 is already there.

    Args:
        url (str): where to download from.
        root (str): folder to place the file in.
        filename (str, optional): the file's name; the URL's base name by default.
        md5 (str, optional): the MD5 the file must have.
        max_redirect_hops (int, optional): redirects to follow. Default: 3

    Raises:
        RuntimeError: the download's MD5 differs (nothing is written), or it is truncated.
        urllib.error.URLError: the host is unreachable or answered an error; the message names
            the URL and where to place the file by hand.
    """
    from ... import hub
    root = os.path.expanduser(root)
    fpath = os.fspath(os.path.join(root, filename or os.path.basename(url)))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    hub._download(url, fpath, md5=md5, progress=True, user_agent=USER_AGENT, max_redirects=max_redirect_hops)


def _extract_tar(src, dst, compression):
    with tarfile.open(src, f"r:{compression[1:]}" if compression else "r") as tar:
        tar.extractall(dst, filter="data")


def _extract_zip(src, dst, compression):
    from ...hub import _safe_extract_zip
    with zipfile.ZipFile(src) as zf:
        _safe_extract_zip(zf, dst)


_ARCHIVE_EXTRACTORS = {".tar": _extract_tar, ".zip": _extract_zip}
_COMPRESSED_FILE_OPENERS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_FILE_TYPE_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"), ".tgz": (".tar", ".gz")}


def _detect_file_type(file):
    """``(suffix, archive type, compression)`` of ``file`` from its name."""
    suffixes = pathlib.Path(file).suffixes
    if not suffixes:
        raise RuntimeError(f"File '{file}' has no suffixes that could be used to detect the archive "
                           "type and compression.")
    suffix = suffixes[-1]
    if suffix in _FILE_TYPE_ALIASES:
        return (suffix, *_FILE_TYPE_ALIASES[suffix])
    if suffix in _ARCHIVE_EXTRACTORS:
        return suffix, suffix, None
    if suffix in _COMPRESSED_FILE_OPENERS:
        if len(suffixes) > 1 and suffixes[-2] in _ARCHIVE_EXTRACTORS:
            return suffixes[-2] + suffix, suffixes[-2], suffix
        return suffix, None, suffix
    known = sorted(set(_FILE_TYPE_ALIASES) | set(_ARCHIVE_EXTRACTORS) | set(_COMPRESSED_FILE_OPENERS))
    raise RuntimeError(f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{known}'.")


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Extract a ``.tar[.gz|.bz2|.xz]``/``.tgz``/``.zip`` archive into ``to_path`` (default: its
    folder), or decompress a ``.gz``/``.bz2``/``.xz`` file beside it. Returns ``to_path``
    (the decompressed file's path for a single file)."""
    if to_path is None:
        to_path = os.path.dirname(from_path)
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not archive_type:
        out = os.path.join(to_path, os.path.basename(from_path).replace(suffix, ""))
        with _COMPRESSED_FILE_OPENERS[compression](from_path, "rb") as r, open(out, "wb") as w:
            while chunk := r.read(1 << 20):
                w.write(chunk)
        result = pathlib.Path(out)
    else:
        _ARCHIVE_EXTRACTORS[archive_type](from_path, to_path, compression)
        result = pathlib.Path(to_path)
    if remove_finished:
        os.remove(from_path)
    return os.fspath(result) if isinstance(from_path, str) else result


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    """:func:`download_url` into ``download_root``, then :func:`extract_archive` into
    ``extract_root`` (default: ``download_root``)."""
    download_root = os.path.expanduser(download_root)
    if extract_root is None:
        extract_root = download_root
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root, remove_finished)


def iterable_to_str(iterable):
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """Check that ``value`` is a string in ``valid_values``; return it."""
    if not isinstance(value, str):
        where = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{where}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    raise ValueError(custom_msg or f"Unknown value '{value}' for argument {arg}. Valid values are "
                                   f"{{{iterable_to_str(valid_values)}}}.")


def list_dir(root, prefix=False):
    """The folders in ``root`` (joined to ``root`` if ``prefix``)."""
    root = os.path.expanduser(root)
    dirs = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    return [os.path.join(root, d) for d in dirs] if prefix else dirs


def list_files(root, suffix, prefix=False):
    """The files in ``root`` whose names end with ``suffix``."""
    root = os.path.expanduser(root)
    files = [p for p in os.listdir(root) if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)]
    return [os.path.join(root, f) for f in files] if prefix else files
