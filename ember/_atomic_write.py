"""Writing a file so that the old one survives anything: temp file beside it, then rename.

``with replacing(path) as tmp:`` write ``tmp``; on success it atomically replaces
``path``. The temp file is removed on an exception, SIGTERM or SIGHUP; one left by
a killed process (SIGKILL, power loss) is removed by the next save of the same path.
"""
import os
import tempfile

__all__ = ["replacing", "temp_prefix"]


def temp_prefix(path):
    """``.ember-save-<hash of the target's name>-``: which temp files belong to ``path``."""
    import hashlib

    return ".ember-save-" + hashlib.sha1(os.path.basename(path).encode()).hexdigest()[:12] + "-"


def _remove_stale_temps(path):
    """Delete temp files of ``path`` left by saves whose process died (SIGKILL, power loss)."""
    d = os.path.dirname(os.path.abspath(path))
    prefix = temp_prefix(path)
    try:
        names = [n for n in os.listdir(d) if n.startswith(prefix)]
    except OSError:
        return
    for n in names:
        pid = n[len(prefix):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # a live process (a concurrent save) owns it
        except ProcessLookupError:
            pass
        except OSError:
            continue
        try:
            os.unlink(os.path.join(d, n))
        except OSError:
            pass


class replacing:
    """``with replacing(path) as tmp:`` write ``tmp``; on success it atomically becomes ``path``.

    On an exception, SIGTERM or SIGHUP (while their handlers are the defaults) the
    temp file is removed; one left by a killed process is removed by the next save
    of the same path. An existing file at ``path`` is never touched until the rename.
    """

    _SIGNALS = ("SIGTERM", "SIGHUP")

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        _remove_stale_temps(self.path)
        d = os.path.dirname(os.path.abspath(self.path))
        fd, self.tmp = tempfile.mkstemp(prefix=f"{temp_prefix(self.path)}{os.getpid()}-", dir=d)
        _default_mode(fd)
        os.close(fd)
        self._saved = {}
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            for name in self._SIGNALS:
                sig = getattr(signal, name, None)
                if sig is not None and signal.getsignal(sig) is signal.SIG_DFL:
                    self._saved[sig] = signal.signal(sig, self._on_signal)
        return self.tmp

    def _on_signal(self, sig, frame):
        import signal

        self._unlink()
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)  # die of the signal, as without the handler

    def _unlink(self):
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def __exit__(self, kind, exc, tb):
        import signal

        try:
            if kind is None:
                os.replace(self.tmp, self.path)
            else:
                self._unlink()
        finally:
            for sig, old in self._saved.items():
                signal.signal(sig, old)
        return False


def _default_mode(fd):
    """mkstemp makes 0600 files; give the checkpoint the mode ``open(path, 'w')`` would."""
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
