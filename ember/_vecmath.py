"""float32 ``log`` and ``sincos`` computed step by step as PyTorch's CPU ``normal_`` computes
them (the cephes polynomials of ``avx_mathfun.h``, with the multiply-adds the compiler
fuses), so that seeded ``randn`` gives PyTorch's float32 numbers bit for bit.

Every step is one float32 NumPy operation; ``fma`` rounds ``a * b + c`` once.
"""
import numpy as np

f32 = np.float32
_i32 = np.int32


def fma(a, b, c):
    """``a * b + c`` in float32 with a single rounding (as the FMA instruction)."""
    s = np.multiply(a, b, dtype=np.float64)           # exact: 24 + 24 bits
    s += c                                            # one rounding to 53 bits ...
    r = s.astype(f32)                                 # ... and one to 24: right unless s fell
    low = s.view(np.uint64)                           # exactly halfway between two floats
    low &= 0x1FFFFFFF
    tie = low == 0x10000000
    if tie.any():
        i = np.flatnonzero(tie)
        ai, bi, ci = (np.broadcast_to(v, r.shape).reshape(-1)[i].astype(np.float64) for v in (a, b, c))
        pi = ai * bi
        si = pi + ci
        t = si - pi                                   # TwoSum: what s lost, and its sign
        e = (pi - (si - t)) + (ci - t)
        ri = r.reshape(-1)[i]
        away = np.nextafter(ri, np.where(e > 0, f32(np.inf), f32(-np.inf)).astype(f32))
        r.reshape(-1)[i] = np.where((e != 0) & (np.sign(si - ri.astype(np.float64)) == np.sign(e)),
                                    away, ri)
    return r


def _cf(x):
    return f32(x)


_LOG_P = [_cf(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                           1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                           3.3333331174E-1)]
_LOG_Q1, _LOG_Q2 = _cf(-2.12194440e-4), _cf(0.693359375)
_SQRTHF = _cf(0.707106781186547524)


def log(x):
    """``log256_ps`` for positive normal float32 ``x`` (here ``1 - u``, in (0, 1])."""
    bits = x.view(_i32)
    e = ((bits >> 23) - 0x7F).astype(f32) + f32(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(f32)      # mantissa in [0.5, 1)
    small = m < _SQRTHF
    e -= small
    m = (m - f32(1)) + m * small
    z = m * m
    y = np.full_like(m, _LOG_P[0])
    for p in _LOG_P[1:]:
        y = fma(y, m, p)
    y = y * m
    y = fma(y, z, e * _LOG_Q1)
    y = fma(-z, f32(0.5), y)
    return fma(e, _LOG_Q2, m + y)


_DP = [_cf(-0.78515625), _cf(-2.4187564849853515625e-4), _cf(-3.77489497744594108e-8)]
_SIN_P = [_cf(-1.9515295891E-4), _cf(8.3321608736E-3), _cf(-1.6666654611E-1)]
_COS_P = [_cf(2.443315711809948E-005), _cf(-1.388731625493765E-003), _cf(4.166664568298827E-002)]
_FOPI = _cf(1.27323954473516)


def sincos(x):
    """``sincos256_ps`` for non-negative float32 ``x`` (here ``2 pi u``): (sin, cos)."""
    j = (x * _FOPI).astype(_i32)
    j = (j + 1) & ~1
    y = j.astype(f32)
    sin_neg = (j & 4) != 0
    poly2 = (j & 2) == 0                                   # the sine polynomial for sin
    cos_neg = ((j - 2) & 4) == 0
    for dp in _DP:
        x = fma(y, dp, x)
    z = x * x
    c = np.full_like(x, _COS_P[0])
    c = fma(c, z, _COS_P[1])
    c = fma(c, z, _COS_P[2])
    c = c * z
    c = fma(c, z, -(z * f32(0.5)))
    c = c + f32(1)
    s = np.full_like(x, _SIN_P[0])
    s = fma(s, z, _SIN_P[1])
    s = fma(s, z, _SIN_P[2])
    s = s * z
    s = fma(s, x, x)
    sin = np.where(poly2, s, c)
    cos = np.where(poly2, c, s)
    return np.where(sin_neg, -sin, sin), np.where(cos_neg, -cos, cos)
