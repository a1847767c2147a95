"""Docstrings of the elementwise functions the ``_unary`` / ``_binary`` factories make (one
per public name; ``_pointwise`` applies them). Example outputs are PyTorch's."""

DOCS = {
    "exp": """The exponential of each element, :math:`e^{x}`.

    Example:
        >>> torch.exp(torch.tensor([0., 1., -1.]))
        tensor([1.0000, 2.7183, 0.3679])
    """,
    "log": """The natural logarithm of each element (NaN below 0, -inf at 0).

    Example:
        >>> torch.log(torch.tensor([1., 2.7183, 0.]))
        tensor([0.0000, 1.0000,   -inf])
    """,
    "reciprocal": """``1 / input`` elementwise (integers are promoted to the default float dtype).

    Example:
        >>> torch.reciprocal(torch.tensor([2., -4.]))
        tensor([ 0.5000, -0.2500])
    """,
    "square": """``input * input`` elementwise.

    Example:
        >>> torch.square(torch.tensor([-2., 3.]))
        tensor([4., 9.])
    """,
    "abs": """The absolute value of each element (the magnitude for complex; ``absolute`` is an alias).

    Example:
        >>> torch.abs(torch.tensor([-1, 2, -3]))
        tensor([1, 2, 3])
    """,
    "sign": """The sign of each element: -1, 0 or 1.

    Example:
        >>> torch.sign(torch.tensor([-2., 0., 3.]))
        tensor([-1.,  0.,  1.])
    """,
    "sgn": """``sign`` extended to complex numbers: ``z / |z|`` (0 at 0).

    Example:
        >>> torch.sgn(torch.tensor([3 + 4j, 0j]))
        tensor([0.6000+0.8000j, 0.0000+0.0000j])
    """,
    "sqrt": """The square root of each element (NaN below 0).

    Example:
        >>> torch.sqrt(torch.tensor([4., 2.]))
        tensor([2.0000, 1.4142])
    """,
    "rsqrt": """The reciprocal of the square root of each element.

    Example:
        >>> torch.rsqrt(torch.tensor([4., 0.25]))
        tensor([0.5000, 2.0000])
    """,
    "exp2": """:math:`2^{x}` for each element.

    Example:
        >>> torch.exp2(torch.tensor([0., 3.]))
        tensor([1., 8.])
    """,
    "expm1": """:math:`e^{x} - 1`, accurate for small ``x``.

    Example:
        >>> torch.expm1(torch.tensor([1e-10, 1.])).tolist()
        [1.000000013351432e-10, 1.718281865119934]
    """,
    "log2": """The base-2 logarithm of each element.

    Example:
        >>> torch.log2(torch.tensor([1., 8.]))
        tensor([0., 3.])
    """,
    "log10": """The base-10 logarithm of each element.

    Example:
        >>> torch.log10(torch.tensor([1., 1000.]))
        tensor([0., 3.])
    """,
    "log1p": r""":math:`\log(1 + x)`, accurate for small ``x``.

    Example:
        >>> torch.log1p(torch.tensor([1e-10, 1.])).tolist()
        [1.000000013351432e-10, 0.6931471824645996]
    """,
    "sin": """The sine of each element (radians).

    Example:
        >>> torch.sin(torch.tensor([0., torch.pi / 2]))
        tensor([0., 1.])
    """,
    "cos": """The cosine of each element (radians).

    Example:
        >>> torch.cos(torch.tensor([0., torch.pi]))
        tensor([ 1., -1.])
    """,
    "tan": """The tangent of each element (radians).

    Example:
        >>> torch.tan(torch.tensor([0., torch.pi / 4]))
        tensor([0., 1.])
    """,
    "asin": """The arcsine of each element, in radians (NaN outside [-1, 1]; ``arcsin`` is an alias).

    Example:
        >>> torch.asin(torch.tensor([0., 1.]))
        tensor([0.0000, 1.5708])
    """,
    "acos": """The arccosine of each element, in radians (``arccos`` is an alias).

    Example:
        >>> torch.acos(torch.tensor([1., 0.]))
        tensor([0.0000, 1.5708])
    """,
    "atan": """The arctangent of each element, in radians (``arctan`` is an alias).

    Example:
        >>> torch.atan(torch.tensor([0., 1.]))
        tensor([0.0000, 0.7854])
    """,
    "sinh": """The hyperbolic sine of each element.

    Example:
        >>> torch.sinh(torch.tensor([0., 1.]))
        tensor([0.0000, 1.1752])
    """,
    "cosh": """The hyperbolic cosine of each element.

    Example:
        >>> torch.cosh(torch.tensor([0., 1.]))
        tensor([1.0000, 1.5431])
    """,
    "tanh": """The hyperbolic tangent of each element.

    Example:
        >>> torch.tanh(torch.tensor([0., 1.]))
        tensor([0.0000, 0.7616])
    """,
    "asinh": """The inverse hyperbolic sine of each element (``arcsinh`` is an alias).

    Example:
        >>> torch.asinh(torch.tensor([0., 1.]))
        tensor([0.0000, 0.8814])
    """,
    "acosh": """The inverse hyperbolic cosine of each element (NaN below 1; ``arccosh`` is an alias).

    Example:
        >>> torch.acosh(torch.tensor([1., 2.]))
        tensor([0.0000, 1.3170])
    """,
    "atanh": """The inverse hyperbolic tangent of each element (``arctanh`` is an alias).

    Example:
        >>> torch.atanh(torch.tensor([0., 0.5]))
        tensor([0.0000, 0.5493])
    """,
    "sigmoid": """The logistic sigmoid :math:`1 / (1 + e^{-x})` of each element.

    Example:
        >>> torch.sigmoid(torch.tensor([0., 2.]))
        tensor([0.5000, 0.8808])
    """,
    "floor": """The largest integer not above each element.

    Example:
        >>> torch.floor(torch.tensor([-1.5, 1.5]))
        tensor([-2.,  1.])
    """,
    "ceil": """The smallest integer not below each element.

    Example:
        >>> torch.ceil(torch.tensor([-1.5, 1.5]))
        tensor([-1.,  2.])
    """,
    "trunc": """Each element rounded towards zero (``fix`` is an alias).

    Example:
        >>> torch.trunc(torch.tensor([-1.7, 1.7]))
        tensor([-1.,  1.])
    """,
    "frac": """The fractional part of each element, ``input - trunc(input)``.

    Example:
        >>> torch.frac(torch.tensor([-1.25, 2.5]))
        tensor([-0.2500,  0.5000])
    """,
    "relu": """``max(input, 0)`` elementwise.

    Example:
        >>> torch.relu(torch.tensor([-1., 2.]))
        tensor([0., 2.])
    """,
    "deg2rad": """Each element converted from degrees to radians.

    Example:
        >>> torch.deg2rad(torch.tensor([180., 90.]))
        tensor([3.1416, 1.5708])
    """,
    "rad2deg": """Each element converted from radians to degrees.

    Example:
        >>> torch.rad2deg(torch.tensor([torch.pi, 1.]))
        tensor([180.0000,  57.2958])
    """,
    "erf": """The error function of each element.

    Example:
        >>> torch.erf(torch.tensor([0., 1.]))
        tensor([0.0000, 0.8427])
    """,
    "erfc": """The complementary error function ``1 - erf(x)`` of each element.

    Example:
        >>> torch.erfc(torch.tensor([0., 1.]))
        tensor([1.0000, 0.1573])
    """,
    "erfinv": """The inverse error function of each element (on (-1, 1)).

    Example:
        >>> torch.erfinv(torch.tensor([0., 0.5]))
        tensor([0.0000, 0.4769])
    """,
    "lgamma": """The log of the absolute value of the gamma function of each element.

    Example:
        >>> torch.lgamma(torch.tensor([1., 5.]))
        tensor([0.0000, 3.1781])
    """,
    "digamma": """The digamma function (the derivative of ``lgamma``) of each element.

    Example:
        >>> torch.digamma(torch.tensor([1., 2.]))
        tensor([-0.5772,  0.4228])
    """,
    "sinc": r"""The normalised sinc :math:`\sin(\pi x) / (\pi x)` of each element (1 at 0).

    Example:
        >>> torch.sinc(torch.tensor([0., 0.5]))
        tensor([1.0000, 0.6366])
    """,
    "i0": """The modified Bessel function of the first kind, order 0, of each element.

    Example:
        >>> torch.i0(torch.tensor([0., 1.]))
        tensor([1.0000, 1.2661])
    """,
    "neg": """``-input`` elementwise (``negative`` is an alias).

    Example:
        >>> torch.neg(torch.tensor([1., -2.]))
        tensor([-1.,  2.])
    """,
    "fmod": """The C-style remainder of ``input / other``: it has the sign of ``input``.

    Example:
        >>> torch.fmod(torch.tensor([-3., 3.]), 2)
        tensor([-1.,  1.])
    """,
    "atan2": r"""The angle of the point (``other``, ``input``): :math:`\arctan(input / other)` in the right quadrant.

    Example:
        >>> torch.atan2(torch.tensor([1., -1.]), torch.tensor([0., -1.]))
        tensor([ 1.5708, -2.3562])
    """,
    "hypot": r""":math:`\sqrt{input^2 + other^2}` elementwise.

    Example:
        >>> torch.hypot(torch.tensor([3.]), torch.tensor([4.]))
        tensor([5.])
    """,
    "xlogy": """``input * log(other)``, and 0 where ``input`` is 0.

    Example:
        >>> torch.xlogy(torch.tensor([0., 2.]), torch.tensor([0., 3.]))
        tensor([0.0000, 2.1972])
    """,
    "copysign": """The magnitude of ``input`` with the sign of ``other``, elementwise.

    Example:
        >>> torch.copysign(torch.tensor([1., -2.]), torch.tensor([-1., 1.]))
        tensor([-1.,  2.])
    """,
    "maximum": """The elementwise maximum of ``input`` and ``other`` (NaN if either is NaN).

    Example:
        >>> torch.maximum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))
        tensor([3., 5.])
    """,
    "minimum": """The elementwise minimum of ``input`` and ``other`` (NaN if either is NaN).

    Example:
        >>> torch.minimum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))
        tensor([1., 2.])
    """,
    "fmax": """The elementwise maximum, ignoring NaN (NaN only where both are NaN).

    Example:
        >>> torch.fmax(torch.tensor([1., float("nan")]), torch.tensor([float("nan"), 2.]))
        tensor([1., 2.])
    """,
    "fmin": """The elementwise minimum, ignoring NaN (NaN only where both are NaN).

    Example:
        >>> torch.fmin(torch.tensor([1., float("nan")]), torch.tensor([float("nan"), 2.]))
        tensor([1., 2.])
    """,
}

__test__ = DOCS   # doctest runs the examples here (the functions themselves live in _pointwise's factories)
