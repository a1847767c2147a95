"""Stand-in ``torch`` and ``torchvision`` packages for child processes (see ``ember.run``)."""
