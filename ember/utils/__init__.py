"""``ember.utils``: data loading (``ember.utils.data``), tensorboard, checkpoint helpers."""
