"""repr(tensor) is character-for-character PyTorch's."""
import numpy as np
import pytest
import torch

import ember

CASES = [
    np.array(3.5, dtype=np.float32),
    np.array(3, dtype=np.int64),
    np.array([1.0, 1.0, 2.0, 2.0], dtype=np.float32).reshape(2, 2),
    np.array([1e-5, 1.0], dtype=np.float32),
    np.array([1e9, 1.0], dtype=np.float32),
    np.array([0.1, -2.5, 3.14159], dtype=np.float32),
    np.array([0.0, np.nan, np.inf, -np.inf, 1.5], dtype=np.float32),
    np.array([0.0, np.nan, 2.0], dtype=np.float32),
    np.array([1, -20, 300]),
    np.array([1, 2], dtype=np.int32),
    np.array([1, 2], dtype=np.uint8),
    np.array([True, False]),
    np.array([0.5, 0.25], dtype=np.float64),
    np.array([0.5, 0.25], dtype=np.float16),
    np.zeros((0,), dtype=np.float32),
    np.zeros((2, 0), dtype=np.float32),
    np.zeros((0,), dtype=np.int64),
    np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7,
    np.arange(2000, dtype=np.float32).reshape(40, 50),
    np.arange(1500, dtype=np.int64),
    np.arange(60, dtype=np.float32) * 1.37,
    np.array([123456.789, 0.001], dtype=np.float64),
    # complex: the real and imaginary parts are formatted separately, as torch does
    np.array([0.6 + 0.8j, 0j], dtype=np.complex64),
    np.array([1 + 2j, -3 - 4j], dtype=np.complex64),
    np.array([1e-5 + 2j, 3e6 - 1j], dtype=np.complex64),
    np.array([[1.5 - 0.j, 2 + 1e-3j], [-1j, 4 + 4j]], dtype=np.complex64),
    np.array(2 - 3.5j, dtype=np.complex64),
    np.array([1 + 1j], dtype=np.complex128),
    np.arange(2000, dtype=np.float32).astype(np.complex64) * (1 + 0.5j),
    np.array([complex(np.nan, 1), complex(np.inf, -2), complex(-0.0, -0.0)], dtype=np.complex64),
    np.array([123456789 + 1j], dtype=np.complex128),
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_repr_matches_torch(i):
    a = CASES[i]
    assert repr(ember.tensor(a)) == repr(torch.tensor(a))


def test_repr_suffixes():
    a = np.array([1.5, 2.0], dtype=np.float32)
    assert repr(ember.tensor(a, requires_grad=True)) == repr(torch.tensor(a, requires_grad=True))
    e = ember.tensor(a, requires_grad=True) * 2
    t = torch.tensor(a, requires_grad=True) * 2
    assert repr(e) == repr(t)
    long = np.arange(20, dtype=np.float64) / 3
    assert repr(ember.tensor(long, requires_grad=True)) == repr(torch.tensor(long, requires_grad=True))


def test_printoptions():
    a = np.array([0.123456, 2.5], dtype=np.float32)
    try:
        ember.set_printoptions(precision=2)
        torch.set_printoptions(precision=2)
        assert repr(ember.tensor(a)) == repr(torch.tensor(a))
        ember.set_printoptions(sci_mode=True)
        torch.set_printoptions(sci_mode=True)
        assert repr(ember.tensor(a)) == repr(torch.tensor(a))
    finally:
        ember.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
