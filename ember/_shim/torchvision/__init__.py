# A stand-in on the PYTHONPATH of processes started under ``python -m ember.run``:
# importing it makes ``torchvision`` ember.vision (see ember/run.py).
_ember_shim = True
from ember.run import install_as_torch  # noqa: E402

install_as_torch()   # sys.modules["torchvision"] is now ember.vision: the import returns it
