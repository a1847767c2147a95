"""Double backward of ``ops/sampling.py``'s 2-D and 3-D ``grid_sample`` (kept here: that file is at
its line limit): the forward written with ember ops, differentiated by ``composite_backward``.

The taps (which pixels each output reads, and whether they lie inside) are constant; the
weights are polynomials in the source coordinates, and the source coordinate is a
piecewise-linear function of the grid (unnormalising, clipping, reflecting), so it is written
as its value plus its slope times the grid's displacement: exact to every order."""
import numpy as np

from .._tensor import _wrap
from ._apply import composite_backward


def grid_sample(self, g):
    (N, C, H, W), gshape, mode, pmode, align = self.geo
    P = gshape[1] * gshape[2]
    dt = self.x.dtype

    def fn(x, grid):
        xf = x.reshape(N, C, H * W)
        gx, gy = grid[..., 0].reshape(N, -1), grid[..., 1].reshape(N, -1)
        dgx, dgy = gx - _wrap(self.grid[..., 0].reshape(N, -1)), gy - _wrap(self.grid[..., 1].reshape(N, -1))
        if mode == "nearest":
            ws = [None]
        elif mode == "bicubic":
            from .sampling import _cubic_coeffs

            tx, ty, mx, my = self.aux
            cx, cy = _cubic_coeffs(_wrap(tx) + dgx * mx), _cubic_coeffs(_wrap(ty) + dgy * my)
            ws = [cx[i] * cy[j] for j in range(4) for i in range(4)]
        else:
            ix, iy, dx, dy = self.aux
            fx, fy = _wrap(ix - np.floor(ix)) + _wrap(dx) * dgx, _wrap(iy - np.floor(iy)) + _wrap(dy) * dgy
            ws = [(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy]
        out = 0
        for (idx, wv, valid, _vals), w in zip(self.taps, ws):
            vals = xf.gather(2, _wrap(np.ascontiguousarray(np.broadcast_to(idx[:, None, :], (N, C, P)))))
            w = _wrap(wv) if w is None else w * _wrap(valid.astype(dt))
            out = out + vals * w.unsqueeze(1)
        return out.reshape(N, C, gshape[1], gshape[2])

    return composite_backward(fn, (self.saved_input(0, self.x), self.saved_input(1, self.grid)), (g,)) + \
        (None, None, None)


def grid_sample_3d(self, g):
    """The 3-D form: eight trilinear taps (or the nearest one), coordinates (x, y, z)."""
    xshape, gshape, mode = self.geo
    N, C = xshape[:2]
    S, P = int(np.prod(xshape[2:])), int(np.prod(gshape[1:4]))
    dt = self.x.dtype

    def fn(x, grid):
        xf = x.reshape(N, C, S)
        if mode == "nearest":
            ws = [None]
        else:
            fr = [_wrap(self.frac[k]) + _wrap(self.deriv[k])
                  * (grid[..., k].reshape(N, -1) - _wrap(self.grid[..., k].reshape(N, -1))) for k in range(3)]
            ws = []
            for bits in np.ndindex(2, 2, 2):
                w = None
                for b, f in zip(bits, fr):
                    t = f if b else 1 - f
                    w = t if w is None else w * t
                ws.append(w)
        out = 0
        for (idx, wv, valid, _vals), w in zip(self.taps, ws):
            vals = xf.gather(2, _wrap(np.ascontiguousarray(np.broadcast_to(idx[:, None, :], (N, C, P)))))
            w = _wrap(wv) if w is None else w * _wrap(valid.astype(dt))
            out = out + vals * w.unsqueeze(1)
        return out.reshape((N, C) + tuple(gshape[1:4]))

    return composite_backward(fn, (self.saved_input(0, self.x), self.saved_input(1, self.grid)), (g,)) + \
        (None, None, None)
