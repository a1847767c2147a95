# A stand-in on the PYTHONPATH of processes started under ``python -m ember.run``:
# importing it makes ``torch`` ember (see ember/run.py).
_ember_shim = True
from ember.run import install_as_torch  # noqa: E402

install_as_torch()   # sys.modules["torch"] is now ember: the import returns it
