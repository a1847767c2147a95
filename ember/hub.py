"""``ember.hub`` (torch.hub): download files and checkpoints into torch's cache, and load
entry points from a repository's ``hubconf.py``.

The cache layout is torch's (``$TORCH_HOME/hub``, ``$TORCH_HOME`` defaulting to
``$XDG_CACHE_HOME/torch`` and that to ``~/.cache/torch``), so checkpoints a user already
downloaded with PyTorch are found there and not downloaded again.
"""
import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import uuid
import warnings
import zipfile
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load", "load_state_dict_from_url",
           "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")   # "bfd8deac" in "resnet18-bfd8deac.pth"
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
VAR_DEPENDENCY = "dependencies"
MODULE_HUBCONF = "hubconf.py"
READ_DATA_CHUNK = 128 * 1024
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")
# where repositories and their API live (tests point these at a server on 127.0.0.1)
_GITHUB = "https://github.com"
_GITHUB_API = "https://api.github.com"

_hub_dir = None


class _StderrProgress:
    """Percent (or byte count) on stderr, for when tqdm is not installed (torch's fallback)."""

    def __init__(self, total=None, disable=False, **kwargs):
        self.total, self.disable, self.n = total, disable, 0

    def update(self, n):
        if self.disable:
            return
        self.n += n
        text = f"{self.n:.1f} bytes" if self.total is None else f"{100 * self.n / float(self.total):.1f}%"
        sys.stderr.write("\r" + text)
        sys.stderr.flush()

    def close(self):
        self.disable = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.disable:
            sys.stderr.write("\n")


def _tqdm_class():
    try:
        from tqdm import tqdm
    except ImportError:
        return _StderrProgress
    return tqdm


def _progress_bar(**kwargs):
    return _tqdm_class()(**kwargs)


def __getattr__(name):
    if name == "tqdm":   # torch.hub.tqdm: tqdm if installed, else a plain stderr progress (read lazily)
        return _tqdm_class()
    raise AttributeError(f"module 'ember.hub' has no attribute '{name}'")


def _get_torch_home():
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, os.path.join(
        os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir():
    """The hub cache directory: what :func:`set_dir` set, else ``$TORCH_HOME/hub``.

    Example:
        >>> ember.hub.get_dir()   # doctest: +SKIP
        '/home/me/.cache/torch/hub'
    """
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    """Use ``d`` as the hub cache directory (models, repositories and checkpoints).

    Args:
        d (str or os.PathLike): a local folder.
    """
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def _opener(max_redirects):
    if max_redirects is None:
        from urllib.request import build_opener
        return build_opener()
    from urllib.request import HTTPRedirectHandler, build_opener

    class _Redirects(HTTPRedirectHandler):
        max_redirections = max_redirects
    return build_opener(_Redirects)


def _by_hand(url, dst):
    return (f"could not download {url}; download it by other means and place it at "
            f"{os.path.abspath(dst)}")


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download ``url`` to the file ``dst``.

    The body goes to a temporary file beside ``dst`` that is renamed into place once complete
    (and verified), so an interrupted or corrupt download never leaves a broken ``dst``.

    Args:
        url (str): URL of the object to download.
        dst (str): full path of the file to write.
        hash_prefix (str, optional): if given, the SHA-256 of the download must start with it.
        progress (bool, optional): show a progress bar on stderr (tqdm if installed).
            Default: ``True``

    Raises:
        RuntimeError: the SHA-256 does not start with ``hash_prefix``, or the server sent
            fewer bytes than its ``Content-Length``.
        urllib.error.HTTPError, urllib.error.URLError: the server answered with an error, or
            could not be reached; the message names the URL and where to place the file by hand.

    Example:
        >>> ember.hub.download_url_to_file("https://example.com/a.pth", "/tmp/a.pth")  # doctest: +SKIP
    """
    _download(url, dst, hash_prefix=hash_prefix, progress=progress)


def _download(url, dst, hash_prefix=None, md5=None, progress=True, user_agent="torch.hub", max_redirects=None):
    """The one download path (hub and datasets): stream ``url`` into a temporary file beside
    ``dst``, check its length and the SHA-256 prefix / MD5 when given, then rename it to ``dst``.
    ``max_redirects`` caps the HTTP redirects followed (urllib's default is 10)."""
    dst = os.path.expanduser(os.fspath(dst))
    for _ in range(tempfile.TMP_MAX):
        tmp = f"{dst}.{uuid.uuid4().hex}.partial"
        try:
            f = open(tmp, "xb")
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(17, "No usable temporary file name found")
    try:
        try:
            u = _opener(max_redirects).open(Request(url, headers={"User-Agent": user_agent}))
        except HTTPError as e:
            raise HTTPError(e.url, e.code, f"{e.reason} ({_by_hand(url, dst)})", e.headers, None) from None
        except URLError as e:
            raise URLError(f"{e.reason} ({_by_hand(url, dst)})") from None
        with u:
            length = u.info().get_all("Content-Length")
            size = int(length[0]) if length else None
            sha256 = hashlib.sha256() if hash_prefix is not None else None
            md5sum = hashlib.md5(usedforsecurity=False) if md5 is not None else None
            got = 0
            with _progress_bar(total=size, disable=not progress, unit="B", unit_scale=True,
                               unit_divisor=1024) as bar:
                while True:
                    buf = u.read(READ_DATA_CHUNK)
                    if not buf:
                        break
                    f.write(buf)
                    got += len(buf)
                    for h in (sha256, md5sum):
                        if h is not None:
                            h.update(buf)
                    bar.update(len(buf))
        f.close()
        if size is not None and got != size:
            raise RuntimeError(f"incomplete download of {url}: received {got} of {size} bytes "
                               f"({_by_hand(url, dst)})")
        if sha256 is not None:
            digest = sha256.hexdigest()
            if digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}") '
                                   f"for {url}")
        if md5sum is not None and md5sum.hexdigest() != md5:
            raise RuntimeError(f"File not found or corrupted: the MD5 of {url} is {md5sum.hexdigest()}, "
                               f"expected {md5}; place a good copy at {os.path.abspath(dst)}")
        shutil.move(tmp, dst)
    finally:
        f.close()
        if os.path.exists(tmp):
            os.remove(tmp)


def _safe_extract_zip(zf, to):
    """Extract ``zf`` under ``to``, refusing entries that would land outside it."""
    root = os.path.realpath(to)
    for member in zf.infolist():
        target = os.path.realpath(os.path.join(root, member.filename))
        if os.path.isabs(member.filename) or os.path.commonpath([root, target]) != root:
            raise ValueError(f"Archive entry escapes the extraction folder: {member.filename}")
    zf.extractall(to)


def _is_legacy_zip_format(filename):
    if zipfile.is_zipfile(filename):
        with zipfile.ZipFile(filename) as zf:
            infos = zf.infolist()
        return len(infos) == 1 and not infos[0].is_dir()
    return False


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True,
                             check_hash=False, file_name=None, weights_only=False):
    """Load the object ``ember.save``/``torch.save`` wrote at ``url``, downloading it once into
    ``model_dir`` (default ``<hub_dir>/checkpoints``); a file already there is used as is.

    Args:
        url (str): URL of the object.
        model_dir (str, optional): folder to keep the file in.
        map_location (optional): as in :func:`ember.load`.
        progress (bool, optional): show a progress bar on stderr. Default: ``True``
        check_hash (bool, optional): the file name must read ``name-<sha256 prefix>.ext``, and
            the download must match that prefix. Default: ``False``
        file_name (str, optional): name for the file instead of the URL's.
        weights_only (bool, optional): as in :func:`ember.load`. Default: ``False``

    Example:
        >>> sd = ember.hub.load_state_dict_from_url(
        ...     "https://download.pytorch.org/models/resnet18-f37072fd.pth")  # doctest: +SKIP
    """
    from .serialization import load as _load
    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn("TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        hash_prefix = None
        if check_hash:
            m = HASH_REGEX.search(filename)
            hash_prefix = m.group(1) if m else None
        download_url_to_file(url, cached_file, hash_prefix, progress=progress)
    if _is_legacy_zip_format(cached_file):   # one torch.save file (< 1.6 format) zipped by hand
        with zipfile.ZipFile(cached_file) as zf:
            _safe_extract_zip(zf, model_dir)
            cached_file = os.path.join(model_dir, zf.infolist()[0].filename)
    return _load(cached_file, map_location=map_location, weights_only=weights_only)


# ---- hubconf.py repositories ----------------------------------------------------------------
@contextlib.contextmanager
def _add_to_sys_path(path):
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _import_hubconf(repo_dir):
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no {MODULE_HUBCONF} in {repo_dir}")
    with _add_to_sys_path(repo_dir):
        spec = importlib.util.spec_from_file_location(MODULE_HUBCONF, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def _load_entry_from_hubconf(module, model):
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    deps = getattr(module, VAR_DEPENDENCY, None)
    if deps is not None:
        missing = [d for d in deps if importlib.util.find_spec(d) is None]
        if missing:
            raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")
    func = getattr(module, model, None)
    if func is None or not callable(func):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return func


def _parse_repo_info(github):
    repo_info, _, ref = github.partition(":")
    try:
        owner, name = repo_info.split("/")
    except ValueError:
        raise ValueError(f'repo_or_dir should read "repo_owner/repo_name[:ref]", got "{github}"') from None
    if not ref:
        try:
            with urlopen(f"{_GITHUB}/{owner}/{name}/tree/main/"):
                ref = "main"
        except HTTPError as e:
            if e.code != 404:
                raise
            ref = "master"
        except URLError as e:
            ref = next((r for r in ("main", "master")
                        if os.path.exists(os.path.join(get_dir(), f"{owner}_{name}_{r}"))), None)
            if ref is None:
                raise RuntimeError("It looks like there is no internet connection and the repo could "
                                   f"not be found in the cache ({get_dir()})") from e
    return owner, name, ref


def _read_json(url, headers):
    with urlopen(Request(url, headers=headers)) as r:
        return json.loads(r.read().decode(r.headers.get_content_charset("utf-8")))


def _validate_not_a_forked_repo(owner, name, ref):
    headers = {"Accept": "application/vnd.github.v3+json"}
    if os.environ.get(ENV_GITHUB_TOKEN) is not None:
        headers["Authorization"] = f"token {os.environ[ENV_GITHUB_TOKEN]}"
    for kind in ("branches", "tags"):
        page = 0
        while True:
            page += 1
            url = f"{_GITHUB_API}/repos/{owner}/{name}/{kind}?per_page=100&page={page}"
            try:
                items = _read_json(url, headers)
            except HTTPError:
                headers.pop("Authorization", None)
                items = _read_json(url, headers)
            if not items:
                break
            if any(it["name"] == ref or it["commit"]["sha"].startswith(ref) for it in items):
                return
    raise ValueError(f"Cannot find {ref} in {_GITHUB}/{owner}/{name}. If it's a commit from a forked "
                     "repo, please call hub.load() with forked repo directly.")


def _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo):
    hub_dir = get_dir()
    path = os.path.join(hub_dir, "trusted_list")
    if not os.path.exists(path):
        open(path, "a").close()
    with open(path) as f:
        trusted = tuple(line.strip() for line in f)
    owner_name = f"{owner}_{name}"
    is_trusted = (owner_name in trusted or owner in _TRUSTED_REPO_OWNERS
                  or owner_name_branch in next(os.walk(hub_dir))[1])
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        answer = input(f"The repository {owner_name} does not belong to the list of trusted repositories "
                       "and as such cannot be downloaded. Do you trust this repository and wish to add "
                       "it to the trusted list of repositories (y/N)?")
        if answer.lower() in ("n", "no", ""):
            raise Exception("Untrusted repository.")
        if answer.lower() not in ("y", "yes"):
            raise ValueError(f"Unrecognized response {answer}.")
    if not is_trusted:
        with open(path, "a") as f:
            f.write(owner_name + "\n")


def _get_cache_or_reload(github, force_reload, trust_repo, verbose=True, skip_validation=False):
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    owner, name, ref = _parse_repo_info(github)
    branch = ref.replace("/", "_")
    owner_name_branch = f"{owner}_{name}_{branch}"
    repo_dir = os.path.join(hub_dir, owner_name_branch)
    _check_repo_is_trusted(owner, name, owner_name_branch, trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
        return repo_dir
    if not skip_validation:
        _validate_not_a_forked_repo(owner, name, ref)
    cached_zip = os.path.join(hub_dir, branch + ".zip")
    if os.path.exists(cached_zip):
        os.remove(cached_zip)
    url = f"{_GITHUB}/{owner}/{name}/zipball/{ref}"
    sys.stdout.write(f'Downloading: "{url}" to {cached_zip}\n')
    download_url_to_file(url, cached_zip, progress=False)
    with zipfile.ZipFile(cached_zip) as zf:
        extracted = os.path.join(hub_dir, zf.infolist()[0].filename.split("/")[0])   # the top folder
        shutil.rmtree(extracted, ignore_errors=True)
        _safe_extract_zip(zf, hub_dir)
    os.remove(cached_zip)
    shutil.rmtree(repo_dir, ignore_errors=True)
    shutil.move(extracted, repo_dir)
    return repo_dir


def _repo_dir(repo_or_dir, source, force_reload, trust_repo, verbose, skip_validation):
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "local":
        return os.fspath(repo_or_dir)
    return _get_cache_or_reload(repo_or_dir, force_reload, trust_repo, verbose=verbose,
                                skip_validation=skip_validation)


def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True,
         source="github"):
    """Names of the callable entry points in a repository's ``hubconf.py`` (those not starting
    with ``_``).

    Args:
        github (str): ``"repo_owner/repo_name[:ref]"``, or a local folder with ``source="local"``.
        force_reload (bool, optional): download the repository again. Default: ``False``
        skip_validation (bool, optional): don't ask GitHub's API whether ``ref`` belongs to the
            repository. Default: ``False``
        trust_repo (bool or str, optional): ``"check"``, ``True`` or ``False``. Default: ``"check"``
        verbose (bool, optional): mention a cache hit. Default: ``True``

    Example:
        >>> ember.hub.list("/path/to/repo", source="local")   # doctest: +SKIP
        ['resnet18', 'resnet50']
    """
    module = _import_hubconf(_repo_dir(github, source, force_reload, trust_repo, verbose,
                                       skip_validation))
    return [f for f in dir(module) if callable(getattr(module, f)) and not f.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check",
         source="github"):
    """The docstring of entry point ``model`` in a repository's ``hubconf.py``.

    Example:
        >>> print(ember.hub.help("/path/to/repo", "resnet18", source="local"))  # doctest: +SKIP
    """
    module = _import_hubconf(_repo_dir(github, source, force_reload, trust_repo, True,
                                       skip_validation))
    return _load_entry_from_hubconf(module, model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo="check", force_reload=False,
         verbose=True, skip_validation=False, **kwargs):
    """Call entry point ``model`` of a repository's ``hubconf.py`` with ``*args, **kwargs``.

    Args:
        repo_or_dir (str): ``"repo_owner/repo_name[:ref]"`` (``source="github"``) or a local
            folder holding ``hubconf.py`` (``source="local"``).
        model (str): the entry point's name.
        source (str, optional): ``"github"`` or ``"local"``. Default: ``"github"``
        trust_repo, force_reload, verbose, skip_validation: as in :func:`list`.

    Example:
        >>> net = ember.hub.load("/path/to/repo", "resnet18", source="local")  # doctest: +SKIP
    """
    repo_dir = _repo_dir(repo_or_dir, source, force_reload, trust_repo, verbose, skip_validation)
    with _add_to_sys_path(repo_dir):
        module = _import_hubconf(repo_dir)
        return _load_entry_from_hubconf(module, model)(*args, **kwargs)

