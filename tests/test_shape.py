"""Shape / view / join-split ops against PyTorch."""
import itertools
import warnings

import numpy as np
import pytest
import torch
from oracle import E, T, check, check_raises, gradcheck, rand

import ember

A = rand(2, 3, 4)
M = rand(3, 4)
V = rand(5)
S = rand()
Z = rand(0, 3)
I = rand(2, 3, dtype=np.int64)

OPS = [
    # view / reshape
    ("view", lambda m, x: x.view(4, 6), [A]),
    ("view_tuple", lambda m, x: x.view((6, -1)), [A]),
    ("view_size", lambda m, x: x.view(x.shape[::-1] if False else m.Size([3, 8])), [A]),
    ("view_0d", lambda m, x: x.view(1, 1), [S]),
    ("view_to_0d", lambda m, x: x.view(()), [rand(1, 1)]),
    ("view_empty", lambda m, x: x.view(3, 0), [Z]),
    ("view_transposed_split", lambda m, x: x.transpose(0, 1).view(3, 2, 2, 2), [A]),
    ("view_permuted_merge", lambda m, x: x.permute(1, 0, 2).view(3, 2, 4), [A]),
    ("view_permuted_merge_last", lambda m, x: x.permute(2, 0, 1).view(4, 6), [A]),
    ("reshape", lambda m, x: x.reshape(-1), [A]),
    ("reshape_copy", lambda m, x: x.transpose(0, 2).reshape(4, 6), [A]),
    ("reshape_fn", lambda m, x: m.reshape(x.t(), (2, 6)), [M]),
    ("reshape_int", lambda m, x: x.reshape(3, 2), [I]),
    ("view_as", lambda m, x, y: x.view_as(y), [rand(12), M]),
    ("reshape_as", lambda m, x, y: x.t().reshape_as(y), [M, rand(12)]),
    # permutes and transposes
    ("permute", lambda m, x: x.permute(2, 0, 1), [A]),
    ("permute_list", lambda m, x: x.permute([-1, 0, 1]), [A]),
    ("permute_fn", lambda m, x: m.permute(x, (1, 2, 0)), [A]),
    ("permute_0d", lambda m, x: x.permute(()), [S]),
    ("transpose", lambda m, x: x.transpose(0, -1), [A]),
    ("transpose_fn", lambda m, x: m.transpose(x, 1, 2), [A]),
    ("swapaxes", lambda m, x: m.swapaxes(x, 0, 1), [A]),
    ("swapdims", lambda m, x: x.swapdims(-1, -2), [A]),
    ("t", lambda m, x: x.t(), [M]),
    ("t_1d", lambda m, x: x.t(), [V]),
    ("t_0d", lambda m, x: m.t(x), [S]),
    ("T", lambda m, x: x.T, [M]),
    ("mT", lambda m, x: x.mT, [A]),
    ("mH", lambda m, x: x.mH, [A]),
    ("H", lambda m, x: x.H, [M]),
    ("movedim", lambda m, x: m.movedim(x, 0, -1), [A]),
    ("movedim_multi", lambda m, x: x.movedim((0, 1), (2, 0)), [A]),
    ("moveaxis", lambda m, x: m.moveaxis(x, -1, 0), [A]),
    # squeeze / unsqueeze / flatten
    ("unsqueeze", lambda m, x: x.unsqueeze(1), [A]),
    ("unsqueeze_neg", lambda m, x: x.unsqueeze(-1), [A]),
    ("unsqueeze_0d", lambda m, x: m.unsqueeze(x, 0), [S]),
    ("unsqueeze_noncontig", lambda m, x: x.t().unsqueeze(0), [M]),
    ("squeeze_all", lambda m, x: x.squeeze(), [rand(1, 3, 1, 2)]),
    ("squeeze_dim", lambda m, x: x.squeeze(-2), [rand(1, 3, 1, 2)]),
    ("squeeze_non1", lambda m, x: x.squeeze(1), [rand(1, 3, 1, 2)]),
    ("squeeze_tuple", lambda m, x: m.squeeze(x, (0, 1, 2)), [rand(1, 3, 1, 2)]),
    ("squeeze_0d", lambda m, x: x.squeeze(0), [S]),
    ("flatten", lambda m, x: x.flatten(), [A]),
    ("flatten_range", lambda m, x: m.flatten(x, 1), [A]),
    ("flatten_neg", lambda m, x: x.flatten(0, -2), [A]),
    ("flatten_0d", lambda m, x: x.flatten(), [S]),
    ("flatten_same", lambda m, x: x.flatten(1, 1), [A]),
    ("flatten_noncontig", lambda m, x: x.transpose(0, 1).flatten(1), [A]),
    ("unflatten", lambda m, x: x.unflatten(1, (3, 1)), [A]),
    ("unflatten_infer", lambda m, x: m.unflatten(x, -1, (2, -1)), [A]),
    ("ravel", lambda m, x: m.ravel(x.t()), [M]),
    # expand
    ("expand", lambda m, x: x.expand(2, 3, 4), [rand(3, 1)]),
    ("expand_keep", lambda m, x: x.expand(-1, 5), [rand(3, 1)]),
    ("expand_tuple", lambda m, x: x.expand((2, 3)), [rand(3)]),
    ("expand_0d", lambda m, x: x.expand(3, 2), [S]),
    ("expand_same", lambda m, x: x.expand(3, 4), [M]),
    ("expand_as", lambda m, x, y: x.expand_as(y), [rand(1, 4), M]),
    ("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 3, 4)), [rand(4)]),
    ("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x, y), [rand(3, 1), rand(4)]),
    # slicing views
    ("narrow", lambda m, x: x.narrow(1, 1, 2), [A]),
    ("narrow_neg", lambda m, x: m.narrow(x, -1, -3, 2), [A]),
    ("narrow_empty", lambda m, x: x.narrow(0, 1, 0), [A]),
    ("narrow_copy", lambda m, x: m.narrow_copy(x, 0, 1, 1), [A]),
    ("select", lambda m, x: x.select(1, 2), [A]),
    ("select_neg", lambda m, x: m.select(x, -1, -1), [A]),
    ("select_1d", lambda m, x: x.select(0, 3), [V]),
    ("unfold", lambda m, x: x.unfold(1, 2, 1), [A]),
    ("unfold_step", lambda m, x: x.unfold(-1, 2, 2), [A]),
    ("unfold_overlap", lambda m, x: x.unfold(0, 3, 1), [rand(7)]),
    ("unfold_0d", lambda m, x: x.unfold(0, 1, 1), [S]),
    ("unfold_noncontig", lambda m, x: x.t().unfold(0, 2, 1), [M]),
    ("diagonal", lambda m, x: x.diagonal(), [M]),
    ("diagonal_offset", lambda m, x: m.diagonal(x, 1), [M]),
    ("diagonal_negoffset", lambda m, x: x.diagonal(-1), [M]),
    ("diagonal_dims", lambda m, x: x.diagonal(0, -1, 0), [A]),
    ("diagonal_out_of_range", lambda m, x: x.diagonal(10), [M]),
    ("as_strided", lambda m, x: x.as_strided((2, 2), (1, 2)), [M]),
    ("as_strided_overlap", lambda m, x: m.as_strided(x, (3, 3), (1, 1), 1), [M]),
    ("as_strided_view", lambda m, x: x[1:].as_strided((2,), (3,)), [M]),
    # copies
    ("contiguous", lambda m, x: x.t().contiguous(), [M]),
    ("contiguous_self", lambda m, x: x.contiguous(), [M]),
    ("clone", lambda m, x: x.clone(), [M]),
    ("clone_fn", lambda m, x: m.clone(x.t()), [M]),
    # joining
    ("cat", lambda m, x, y: m.cat([x, y]), [M, rand(2, 4)]),
    ("cat_dim", lambda m, x, y: m.cat((x, y), dim=-1), [M, rand(3, 2)]),
    ("cat_promote", lambda m, x, y: m.cat([x, y], 1), [rand(2, 3, dtype=np.float32), I]),
    ("cat_f64", lambda m, x, y: m.cat([x, y], 1), [rand(2, 3, dtype=np.float32), rand(2, 1, dtype=np.float64)]),
    ("cat_legacy_empty", lambda m, x, y: m.cat([x, y, x]), [rand(0), M]),
    ("cat_all_empty", lambda m, x, y: m.cat([x, y]), [rand(0), rand(0)]),
    ("cat_single", lambda m, x: m.cat([x], 1), [M]),
    ("cat_noncontig", lambda m, x, y: m.cat([x.t(), y], 0), [M, rand(1, 3)]),
    ("concat", lambda m, x, y: m.concat([x, y], 0), [M, M]),
    ("concatenate", lambda m, x, y: m.concatenate([x, y], 1), [M, M]),
    ("stack", lambda m, x, y: m.stack([x, y]), [M, M]),
    ("stack_neg", lambda m, x, y: m.stack([x, y], -1), [M, M]),
    ("stack_0d", lambda m, x, y: m.stack([x, y]), [S, S]),
    ("hstack", lambda m, x, y: m.hstack([x, y]), [M, M]),
    ("hstack_1d", lambda m, x, y: m.hstack([x, y]), [V, rand(2)]),
    ("vstack", lambda m, x, y: m.vstack([x, y]), [rand(4), M]),
    ("row_stack", lambda m, x, y: m.row_stack([x, y]), [rand(4), M]),
    ("dstack", lambda m, x, y: m.dstack([x, y]), [M, M]),
    ("column_stack", lambda m, x, y: m.column_stack([x, y]), [rand(3), M]),
    ("atleast_1d", lambda m, x: m.atleast_1d(x), [S]),
    ("atleast_2d", lambda m, x, y: m.atleast_2d(x, y), [S, V]),
    ("atleast_3d", lambda m, x, y, z: m.atleast_3d((x, y, z)), [S, V, M]),
    ("block_diag", lambda m, x, y, z: m.block_diag(x, y, z), [M, V, S]),
    ("meshgrid_ij", lambda m, x, y: m.meshgrid(x, y, indexing="ij"), [rand(3), rand(4)]),
    ("meshgrid_xy", lambda m, x, y, z: m.meshgrid([x, y, z], indexing="xy"), [rand(3), rand(4), rand(2)]),
    # splitting
    ("split_int", lambda m, x: x.split(2), [rand(5, 2)]),
    ("split_sizes", lambda m, x: m.split(x, [1, 3], dim=-1), [A]),
    ("split_empty", lambda m, x: x.split(0), [rand(0)]),
    ("chunk", lambda m, x: x.chunk(3, 1), [rand(2, 7)]),
    ("chunk_fn", lambda m, x: m.chunk(x, 4), [rand(6)]),
    ("tensor_split_n", lambda m, x: m.tensor_split(x, 3, dim=1), [rand(2, 7)]),
    ("tensor_split_idx", lambda m, x: x.tensor_split([1, 4]), [rand(6)]),
    ("tensor_split_unsorted", lambda m, x: x.tensor_split([3, 1, 9]), [rand(6)]),
    ("tensor_split_tensor", lambda m, x: x.tensor_split(m.tensor([2, 3])), [rand(6)]),
    ("hsplit", lambda m, x: m.hsplit(x, 2), [M]),
    ("vsplit", lambda m, x: x.vsplit([1]), [M]),
    ("dsplit", lambda m, x: m.dsplit(x, 2), [A]),
    ("unbind", lambda m, x: x.unbind(), [A]),
    ("unbind_dim", lambda m, x: m.unbind(x, -1), [A]),
    ("unbind_1d", lambda m, x: x.unbind(), [V]),
    ("iter", lambda m, x: list(x), [M]),
    # repeat / flip / roll
    ("repeat", lambda m, x: x.repeat(2, 1, 3), [M]),
    ("repeat_tuple", lambda m, x: x.repeat((2, 2)), [V]),
    ("repeat_0d", lambda m, x: x.repeat(3), [S]),
    ("tile", lambda m, x: x.tile(2), [M]),
    ("tile_fn", lambda m, x: m.tile(x, (2, 1, 2)), [M]),
    ("repeat_interleave", lambda m, x: x.repeat_interleave(2), [M]),
    ("repeat_interleave_dim", lambda m, x: m.repeat_interleave(x, 3, dim=0), [M]),
    ("repeat_interleave_tensor", lambda m, x: x.repeat_interleave(m.tensor([1, 0, 2]), dim=0), [M]),
    ("repeat_interleave_tensor1", lambda m, x: x.repeat_interleave(m.tensor([2]), dim=1), [M]),
    ("repeat_interleave_only", lambda m: m.repeat_interleave(m.tensor([1, 0, 3])), []),
    ("flip", lambda m, x: x.flip(0, 2), [A]),
    ("flip_list", lambda m, x: m.flip(x, [-1]), [A]),
    ("flip_0d", lambda m, x: m.flip(x, []), [S]),
    ("fliplr", lambda m, x: m.fliplr(x), [M]),
    ("flipud", lambda m, x: x.flipud(), [V]),
    ("roll", lambda m, x: x.roll(1), [M]),
    ("roll_dims", lambda m, x: m.roll(x, (1, -2), (0, 1)), [M]),
    ("roll_dim", lambda m, x: x.roll(-1, -1), [A]),
    ("rot90", lambda m, x: x.rot90(), [M]),
    ("rot90_k2", lambda m, x: m.rot90(x, 2, [1, 2]), [A]),
    ("rot90_k3", lambda m, x: m.rot90(x, -1), [M]),
    # int / bool / empty
    ("permute_int", lambda m, x: x.permute(1, 0), [I]),
    ("flip_bool", lambda m, x: x.flip(0), [rand(3, 2, dtype=np.bool_)]),
    ("cat_bool", lambda m, x: m.cat([x, x]), [rand(3, dtype=np.bool_)]),
    ("empty_transpose", lambda m, x: x.t(), [Z]),
    ("empty_expand", lambda m, x: x.unsqueeze(0).expand(2, 0, 3), [Z]),
    ("empty_cat", lambda m, x: m.cat([x, x], 0), [Z]),
    ("empty_unbind", lambda m, x: x.unbind(1), [Z]),
    ("empty_flip", lambda m, x: x.flip(0), [Z]),
    ("empty_roll", lambda m, x: x.roll(1, 1), [Z]),
    ("empty_split", lambda m, x: x.split(2, 1), [Z]),
    ("empty_repeat", lambda m, x: x.repeat(2, 2), [Z]),
    ("roll_0d", lambda m, x: x.roll(1), [S]),
    ("hstack_0d", lambda m, x, y: m.hstack([x, y]), [S, S]),
    ("column_stack_0d", lambda m, x, y: m.column_stack([x, y]), [S, rand(1)]),
    ("tensor_split_neg", lambda m, x: x.tensor_split([-2, 5], dim=1), [rand(2, 7)]),
    ("tensor_split_big", lambda m, x: x.tensor_split(5), [rand(3)]),
    ("chunk_more_than_size", lambda m, x: x.chunk(5), [rand(3)]),
    ("chunk_uneven", lambda m, x: x.chunk(4), [rand(10)]),
    ("diagonal_3d_offset", lambda m, x: x.diagonal(1, 0, 2), [A]),
    ("unfold_bigstep", lambda m, x: x.unfold(0, 2, 3), [rand(8)]),
    ("unfold_size0", lambda m, x: x.unfold(1, 0, 1), [M]),
    ("block_diag_mixed", lambda m, x, y: m.block_diag(x, y), [I, M]),
    ("meshgrid_0d", lambda m, x, y: m.meshgrid(x, y, indexing="ij"), [S, rand(3)]),
    ("repeat_interleave_0d", lambda m, x: x.repeat_interleave(2), [S]),
    ("repeat_interleave_int", lambda m, x: x.repeat_interleave(2, dim=-1), [I]),
    ("stack_int_float", lambda m, x, y: m.stack([x, y]), [I, rand(2, 3)]),
    ("squeeze_empty", lambda m, x: x.unsqueeze(1).squeeze(), [Z]),
    ("movedim_neg", lambda m, x: m.movedim(x, (-1, 0), (0, -1)), [A]),
    ("expand_noncontig", lambda m, x: x.t().unsqueeze(0).expand(2, -1, -1), [rand(3, 1)]),
    ("narrow_tensor_start", lambda m, x: x.narrow(0, m.tensor(1), 1), [M]),
    ("select_chain", lambda m, x: x.select(0, 1).select(0, 2), [A]),
]


@pytest.mark.parametrize("name,fn,arrays", OPS, ids=[o[0] for o in OPS])
def test_op(name, fn, arrays):
    check(fn, arrays)


GRADCHECK = [
    ("view", lambda m, x: x.transpose(0, 1).view(3, 2, 2, 2), [rand(2, 3, 4)]),
    ("reshape", lambda m, x: x.t().reshape(-1), [rand(2, 3)]),
    ("permute", lambda m, x: x.permute(2, 0, 1), [rand(2, 3, 2)]),
    ("transpose", lambda m, x: x.transpose(0, 2), [rand(2, 3, 2)]),
    ("t", lambda m, x: x.t(), [rand(2, 3)]),
    ("squeeze", lambda m, x: x.squeeze(), [rand(1, 3, 1)]),
    ("unsqueeze", lambda m, x: x.unsqueeze(1), [rand(2, 3)]),
    ("flatten", lambda m, x: x.flatten(), [rand(2, 3)]),
    ("expand", lambda m, x: x.expand(2, 3, 3), [rand(3, 1)]),
    ("narrow", lambda m, x: x.narrow(1, 1, 2), [rand(2, 3)]),
    ("select", lambda m, x: x.select(0, 1), [rand(2, 3)]),
    ("unfold", lambda m, x: x.unfold(0, 3, 1), [rand(5)]),
    ("diagonal", lambda m, x: x.diagonal(1), [rand(3, 3)]),
    ("as_strided", lambda m, x: x.as_strided((3, 2), (1, 1)), [rand(4)]),
    ("clone", lambda m, x: x.t().contiguous(), [rand(2, 3)]),
    ("cat", lambda m, x, y: m.cat([x, y], 1), [rand(2, 3), rand(2, 2)]),
    ("stack", lambda m, x, y: m.stack([x, y], 1), [rand(2, 3), rand(2, 3)]),
    ("split", lambda m, x: x.split([1, 2], 1)[1], [rand(2, 3)]),
    ("unbind", lambda m, x: x.unbind(1)[2], [rand(2, 3)]),
    ("chunk", lambda m, x: x.chunk(2)[0], [rand(4)]),
    ("tensor_split", lambda m, x: x.tensor_split([3, 1])[2], [rand(4)]),
    ("repeat", lambda m, x: x.repeat(2, 2), [rand(2, 3)]),
    ("repeat_interleave", lambda m, x: x.repeat_interleave(m.tensor([2, 0, 1]), 1), [rand(2, 3)]),
    ("flip", lambda m, x: x.flip(1), [rand(2, 3)]),
    ("roll", lambda m, x: x.roll(1, 1), [rand(2, 3)]),
    ("rot90", lambda m, x: x.rot90(1), [rand(2, 3)]),
    ("block_diag", lambda m, x, y: m.block_diag(x, y), [rand(2, 2), rand(3)]),
    ("meshgrid", lambda m, x, y: m.meshgrid(x, y, indexing="xy")[0], [rand(2), rand(3)]),
    ("movedim", lambda m, x: x.movedim(0, 2), [rand(2, 3, 2)]),
]


@pytest.mark.parametrize("name,fn,arrays", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck(name, fn, arrays):
    gradcheck(fn, *arrays)


# ---- memory sharing and layout ------------------------------------------------------

VIEWS = [
    ("view", lambda m, x: x.view(6, 4)),
    ("reshape", lambda m, x: x.reshape(4, -1)),
    ("permute", lambda m, x: x.permute(2, 0, 1)),
    ("transpose", lambda m, x: x.transpose(0, 1)),
    ("T", lambda m, x: x.mT),
    ("unsqueeze", lambda m, x: x.unsqueeze(1)),
    ("squeeze", lambda m, x: x[:1].squeeze(0)),
    ("flatten", lambda m, x: x.flatten()),
    ("narrow", lambda m, x: x.narrow(2, 1, 2)),
    ("narrow0", lambda m, x: x.narrow(0, 1, 1)),
    ("select", lambda m, x: x.select(1, 2)),
    ("unfold", lambda m, x: x.unfold(2, 2, 1)),
    ("diagonal", lambda m, x: x.diagonal(1, 1, 2)),
    ("as_strided", lambda m, x: x.as_strided((3, 3), (4, 1), 5)),
    ("movedim", lambda m, x: x.movedim(0, -1)),
    ("split", lambda m, x: x.split(1, 2)[2]),
    ("chunk", lambda m, x: x.chunk(2, 1)[1]),
    ("unbind", lambda m, x: x.unbind(2)[1]),
    ("tensor_split", lambda m, x: x.tensor_split(2, 2)[1]),
    ("view_transposed", lambda m, x: x.transpose(1, 2).view(2, 4, 3)),
    ("narrow_then_view", lambda m, x: x.narrow(0, 1, 1).view(3, 4)),
    ("meshgrid", lambda m, x: m.meshgrid(x[0, 0], x[1, 1], indexing="ij")[0]),
]


@pytest.mark.parametrize("name,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_shares_memory_and_layout(name, fn):
    a = rand(2, 3, 4)
    tb, eb = T(a), E(a)
    tv, ev = fn(torch, tb), fn(ember, eb)
    assert tuple(ev.shape) == tuple(tv.shape)
    assert ev.stride() == tv.stride()
    assert ev.is_contiguous() == tv.is_contiguous()
    assert ev.storage_offset() == tv.storage_offset()
    if ev.numel() == 0:
        return
    # write through the base, read through the view
    v0 = ev._version
    eb.add_(1) if hasattr(eb, "add_") else eb._data.__iadd__(1)
    tb.add_(1)
    np.testing.assert_allclose(ev.numpy(), tv.numpy())
    # write through the view, read the base
    if ev._data.flags.writeable:
        ev._data[...] = -7 if ev.ndim else -7
        tv.fill_(-7)
        np.testing.assert_allclose(eb.numpy(), tb.numpy())
    assert ev._version == eb._version
    if hasattr(eb, "add_"):
        assert ev._version > v0


def test_view_shares_version_counter():
    x = ember.zeros(2, 3)
    v = x.view(6)
    v._bump()
    assert x._version == v._version == 1
    assert v._base is x
    assert x.t()._base is x and x.t().t()._base is x


def test_expand_layout():
    for shape, size in [((3, 1), (2, 3, 4)), ((3,), (2, 3)), ((), (2, 2)), ((1, 3), (1, 3)), ((3,), (1, 1, 3))]:
        a = rand(*shape)
        tv, ev = T(a).expand(*size), E(a).expand(*size)
        assert ev.stride() == tv.stride(), (shape, size)
        assert ev.is_contiguous() == tv.is_contiguous()
        x = E(a)
        y = x.expand(*size)
        x._data[...] = 5
        assert (y.numpy() == 5).all()


def test_clone_and_contiguous_layout():
    a = rand(3, 4)
    for f in [lambda x: x.t().clone(), lambda x: x.t().contiguous(), lambda x: x.clone(),
              lambda x: x[:, ::2].clone(), lambda x: x.t()[:, ::2].clone(),
              lambda x: x.expand(2, 3, 4).clone()]:
        tv, ev = f(T(a)), f(E(a))
        assert ev.stride() == tv.stride()
        assert ev.is_contiguous() == tv.is_contiguous()
    x = E(a)
    assert x.contiguous() is x
    c = x.clone()
    c._data[0, 0] = 100
    assert x.numpy()[0, 0] != 100
    y = E(a, True).clone()
    assert type(y.grad_fn).__name__ == "CloneBackward0"


def test_contiguous_format_clone():
    x = ember.tensor(rand(3, 4)).t().clone(memory_format="torch.contiguous_format")
    assert x.is_contiguous()


def test_view_error_matches_torch():
    shapes = [(2, 3, 4), (4, 1, 3), (2, 1, 6, 1), (6, 4)]
    n = 0
    for shape in shapes:
        a = rand(*shape)
        numel = a.size
        targets = [(numel,), (-1, shape[-1]), (shape[0], -1), (2, -1), (-1, 2), (1, numel),
                   tuple(reversed(shape)), (3, -1, 2) if numel % 6 == 0 else (numel, 1)]
        for perm in itertools.permutations(range(len(shape))):
            for tgt in targets:
                for sl in (False, True):
                    def mk(m, x):
                        y = x.permute(*perm)
                        if sl and y.shape[-1] > 1:
                            y = y.narrow(-1, 0, 1)
                        return y
                    tx, ex = mk(torch, T(a)), mk(ember, E(a))
                    tgt2 = tgt if not sl else (-1,)
                    try:
                        tr = tx.view(*tgt2)
                        terr = None
                    except RuntimeError as e:
                        terr = e
                    try:
                        er = ex.view(*tgt2)
                        eerr = None
                    except RuntimeError as e:
                        eerr = e
                    assert (terr is None) == (eerr is None), (shape, perm, tgt2, terr, eerr)
                    if terr is None:
                        # size-1 dims: ember reports the contiguous stride (any is valid)
                        st = [(a, b) for a, b, k in zip(er.stride(), tr.stride(), tr.shape) if k != 1]
                        assert all(a == b for a, b in st), (shape, perm, tgt2)
                        np.testing.assert_array_equal(er.numpy(), tr.numpy())
                    else:
                        assert str(eerr) == str(terr)
                    n += 1
    assert n > 100


def test_view_errors_message():
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        ember.zeros(2, 3).t().view(6)
    with pytest.raises(RuntimeError, match=r"shape '\[5\]' is invalid for input of size 6"):
        ember.zeros(2, 3).view(5)
    with pytest.raises(RuntimeError) as e:
        ember.ones(3).expand(2, 4)
    assert str(e.value) == ("The expanded size of the tensor (4) must match the existing size (3) at "
                            "non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]")


def test_view_dtype():
    a = rand(2, 4)
    for dt in ["int32", "float32", "int16", "float64", "uint8"]:
        t = T(a).view(getattr(torch, dt))
        e = E(a).view(getattr(ember, dt))
        assert tuple(e.shape) == tuple(t.shape)
        assert str(e.dtype) == str(t.dtype)
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    x = E(a)
    y = x.view(ember.int32)
    y._data[0, 0] = 0
    assert x.numpy()[0, 0] == 0


def test_grad_fn_names():
    x = ember.zeros(2, 3, requires_grad=True)
    names = {
        "ViewBackward0": x.view(6), "UnsafeViewBackward0": x.t().reshape(6),
        "PermuteBackward0": x.permute(1, 0), "TransposeBackward0": x.transpose(0, 1),
        "TBackward0": x.t(), "ExpandBackward0": x.expand(2, 2, 3),
        "SqueezeBackward1": x.squeeze(0), "UnsqueezeBackward0": x.unsqueeze(0),
        "SliceBackward0": x.narrow(0, 0, 1), "SelectBackward0": x.select(0, 0),
        "CatBackward0": ember.cat([x, x]), "StackBackward0": ember.stack([x, x]),
        "SplitBackward0": x.split(1)[0], "SplitWithSizesBackward0": x.split([1, 1])[0],
        "UnbindBackward0": x.unbind()[0], "CloneBackward0": x.clone(),
        "RepeatBackward0": x.repeat(2, 1), "FlipBackward0": x.flip(0),
        "RollBackward0": x.roll(1), "DiagonalBackward0": x.diagonal(),
        "UnfoldBackward0": x.unfold(1, 2, 1), "AsStridedBackward0": x.as_strided((2,), (1,)),
        "Rot90Backward0": x.rot90(), "BlockDiagBackward0": ember.block_diag(x, x),
    }
    for n, y in names.items():
        assert type(y.grad_fn).__name__ == n


def test_no_grad_records_nothing():
    x = ember.zeros(2, 3, requires_grad=True)
    with ember.no_grad():
        assert x.view(6).grad_fn is None and x.unbind()[0].grad_fn is None


def test_split_views_backward_accumulate():
    a = rand(4, 3)
    for m, mk in ((torch, T), (ember, E)):
        x = mk(a, True)
        p, q = x.split(2)
        (p * 2).sum().backward() if m is torch else (p * 2).sum().backward()
        if m is torch:
            tg = x.grad.numpy()
        else:
            np.testing.assert_allclose(x.grad.numpy(), tg)


def test_t_deprecation_T_reverses():
    a = rand(2, 3, 4)
    with pytest.warns(UserWarning, match="x.T"):
        y = E(a).T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert tuple(y.shape) == tuple(T(a).T.shape)
        np.testing.assert_array_equal(y.numpy(), T(a).T.numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _ = E(rand(2, 3)).T


def test_complex_mH_view_as_real():
    a = (rand(2, 3) + 1j * rand(2, 3, seed=1)).astype(np.complex64)
    np.testing.assert_array_equal(E(a).mH.numpy(), T(a).mH.resolve_conj().numpy())
    np.testing.assert_array_equal(E(a).H.numpy(), T(a).H.resolve_conj().numpy())
    e, t = ember.view_as_real(E(a)), torch.view_as_real(T(a))
    assert tuple(e.shape) == tuple(t.shape) and e.stride() == t.stride() and str(e.dtype) == str(t.dtype)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    x = E(a)
    ember.view_as_real(x)._data[0, 0, 1] = 9
    assert x.numpy()[0, 0].imag == 9


def test_meshgrid_default_ij():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda m, x, y: m.meshgrid(x, y), [rand(3), rand(2)])


def test_broadcast_shapes():
    assert tuple(ember.broadcast_shapes((2, 1), (3,), 1)) == tuple(torch.broadcast_shapes((2, 1), (3,), 1))


# ---- bad input ----------------------------------------------------------------------

RAISES = [
    ("view_numel", lambda m, x: x.view(5), [M]),
    ("view_two_infer", lambda m, x: x.view(-1, -1), [M]),
    ("view_noncontig", lambda m, x: x.t().view(12), [M]),
    ("view_empty_infer", lambda m, x: x.view(0, -1), [Z]),
    ("reshape_numel", lambda m, x: x.reshape(5, 5), [M]),
    ("permute_len", lambda m, x: x.permute(1), [M]),
    ("permute_dup", lambda m, x: x.permute(1, 1), [M]),
    ("permute_range", lambda m, x: x.permute(0, 2), [M]),
    ("transpose_range", lambda m, x: x.transpose(0, 3), [M]),
    ("t_3d", lambda m, x: x.t(), [A]),
    ("mT_1d", lambda m, x: x.mT, [V]),
    ("H_3d", lambda m, x: x.H, [A]),
    ("unsqueeze_range", lambda m, x: x.unsqueeze(4), [M]),
    ("squeeze_range", lambda m, x: x.squeeze(3), [M]),
    ("flatten_order", lambda m, x: x.flatten(2, 1), [A]),
    ("unflatten_bad", lambda m, x: x.unflatten(1, (3, 3)), [M]),
    ("expand_mismatch", lambda m, x: x.expand(2, 4), [rand(3)]),
    ("expand_few", lambda m, x: x.expand(4), [M]),
    ("expand_lead_neg", lambda m, x: x.expand(-1, 3), [rand(3)]),
    ("narrow_len", lambda m, x: x.narrow(1, 3, 2), [M]),
    ("narrow_start", lambda m, x: x.narrow(1, 7, 0), [M]),
    ("select_index", lambda m, x: x.select(1, 4), [M]),
    ("select_0d", lambda m, x: x.select(0, 0), [S]),
    ("unfold_size", lambda m, x: x.unfold(1, 5, 1), [M]),
    ("unfold_step", lambda m, x: x.unfold(1, 2, 0), [M]),
    ("diagonal_same", lambda m, x: x.diagonal(0, 1, 1), [M]),
    ("cat_mismatch", lambda m, x, y: m.cat([x, y]), [M, rand(2, 3)]),
    ("cat_ndim", lambda m, x, y: m.cat([x, y]), [M, rand(2, 3, 4)]),
    ("cat_0d", lambda m, x: m.cat([x, x]), [S]),
    ("cat_empty", lambda m: m.cat([]), []),
    ("cat_dim", lambda m, x: m.cat([x, x], 2), [M]),
    ("stack_mismatch", lambda m, x, y: m.stack([x, y]), [M, rand(4, 3)]),
    ("stack_empty", lambda m: m.stack([]), []),
    ("split_sum", lambda m, x: x.split([1, 1], 1), [M]),
    ("split_zero", lambda m, x: x.split(0), [M]),
    ("chunk_zero", lambda m, x: x.chunk(0), [M]),
    ("tensor_split_zero", lambda m, x: x.tensor_split(0), [M]),
    ("unbind_0d", lambda m, x: x.unbind(), [S]),
    ("repeat_few", lambda m, x: x.repeat(2), [M]),
    ("flip_dup", lambda m, x: x.flip(0, 0), [M]),
    ("fliplr_1d", lambda m, x: m.fliplr(x), [V]),
    ("roll_align", lambda m, x: x.roll((1, 2), 0), [M]),
    ("rot90_dims", lambda m, x: x.rot90(1, (0, 0)), [M]),
    ("rot90_1d", lambda m, x: x.rot90(), [V]),
    ("movedim_len", lambda m, x: x.movedim((0, 1), (0,)), [M]),
    ("movedim_dup", lambda m, x: x.movedim((0, 0), (0, 1)), [M]),
    ("broadcast_mismatch", lambda m, x, y: m.broadcast_tensors(x, y), [M, rand(3)]),
    ("hsplit_indivisible", lambda m, x: m.hsplit(x, 3), [M]),
    ("as_strided_oob", lambda m, x: x.as_strided((5, 5), (5, 1)), [M]),
    ("repeat_interleave_len", lambda m, x: x.repeat_interleave(m.tensor([1, 2]), 0), [M]),
]


@pytest.mark.parametrize("name,fn,arrays", RAISES, ids=[r[0] for r in RAISES])
def test_raises(name, fn, arrays):
    check_raises(fn, *arrays)


def test_messages_match_torch():
    cases = [
        (lambda m, x, y: m.cat([x, y], 1), [M, rand(2, 3)]),
        (lambda m, x: x.t(), [A]),
        (lambda m, x: x.permute(1), [M]),
        (lambda m, x, y: m.stack([x, y]), [M, rand(4, 3)]),
        (lambda m, x: x.split([1, 1], 1), [M]),
        (lambda m, x: x.expand(4), [M]),
        (lambda m, x: x.narrow(1, 3, 2), [M]),
        (lambda m, x: x.select(1, 4), [M]),
        (lambda m, x: x.unfold(1, 5, 1), [M]),
        (lambda m, x: x.unflatten(1, (3, 3)), [M]),
        (lambda m, x, y: m.broadcast_tensors(x, y), [M, rand(3)]),
    ]
    for fn, arrays in cases:
        e = check_raises(fn, *arrays)
        with pytest.raises(Exception) as te:
            fn(torch, *[T(a) for a in arrays])
        assert str(e) == str(te.value)


# ---- split_with_sizes, cartesian_prod, channel_shuffle, adjoint, unsafe_* and *_copy forms ----

def test_split_with_sizes():
    x = rand(3, 6)
    check(lambda m, a: a.split_with_sizes([1, 2, 3], 1), [x])
    check(lambda m, a: m.split_with_sizes(a, (2, 1)), [x])
    check_raises(lambda m, a: a.split_with_sizes([1, 1], 1), x)


def test_cartesian_prod_combinations():
    a, b, c = rand(2), rand(3), rand(2)
    check(lambda m, x, y, z: m.cartesian_prod(x, y, z), [a, b, c])
    check(lambda m, x: m.cartesian_prod(x), [a])
    check(lambda m, x, y: m.cartesian_prod(x, y), [np.array([1, 2]), np.array([3, 4, 5])])
    x = rand(4)
    for r, rep in ((2, False), (3, False), (2, True), (3, True), (1, False), (5, False)):
        check(lambda m, a: m.combinations(a, r, with_replacement=rep), [x])
    check(lambda m, a: m.combinations(a, r=0), [np.array([1, 2, 3])])
    gradcheck(lambda m, a: m.combinations(a, 3, True), x)
    check_raises(lambda m, a: m.combinations(a), rand(2, 2))
    check_raises(lambda m, a: m.cartesian_prod(a, a), rand(2, 2))


def test_channel_shuffle_constant_pad():
    x = rand(2, 6, 3, 2)
    for g in (1, 2, 3, 6):
        check(lambda m, a: m.channel_shuffle(a, g), [x])
    check(lambda m, a: m.channel_shuffle(a, 2), [np.arange(8).reshape(1, 4, 2)])
    check_raises(lambda m, a: m.channel_shuffle(a, 4), x)
    check_raises(lambda m, a: m.channel_shuffle(a, 0), x)
    check(lambda m, a: m.constant_pad_nd(a, (1, 2)), [x])
    check(lambda m, a: m.constant_pad_nd(a, (1, -1, 0, 2), 3.5), [x])
    check(lambda m, a: m.constant_pad_nd(a, [2, 2], value=1), [np.arange(4).reshape(2, 2)])


def test_adjoint_view_as_complex():
    x = rand(2, 3, 4)
    check(lambda m, a: m.adjoint(a), [x])
    check(lambda m, a: a.adjoint(), [x])
    check(lambda m, a: m.view_as_complex(a), [rand(3, 2)], grad=False)
    check(lambda m, a: m.view_as_real(m.view_as_complex(a * 2)), [rand(3, 2)])
    check(lambda m, a: m.view_as_complex(a).imag, [rand(4, 2).astype(np.float64)])
    check_raises(lambda m, a: m.view_as_complex(a), rand(2, 3))
    check_raises(lambda m, a: m.view_as_complex(a), np.arange(4).reshape(2, 2))
    check_raises(lambda m, a: m.view_as_complex(a.t()), rand(2, 3))


def test_unsafe_and_copy_forms():
    x = rand(4, 6)
    check(lambda m, a: a.unsafe_split(2, 1), [x])
    check(lambda m, a: m.unsafe_split_with_sizes(a, [1, 3], 0), [x])
    check(lambda m, a: a.unsafe_chunk(3, 1), [x])
    cases = [
        ("alias_copy", ()), ("detach_copy", ()), ("diagonal_copy", (1,)), ("permute_copy", ((1, 0),)),
        ("select_copy", (0, 2)), ("slice_copy", (1, 1, 5, 2)), ("split_copy", (2,)),
        ("split_with_sizes_copy", ([2, 4], 1)), ("t_copy", ()), ("transpose_copy", (0, 1)),
        ("unbind_copy", (1,)), ("unfold_copy", (1, 2, 2)), ("unsqueeze_copy", (1,)),
        ("view_copy", ((3, 8),)), ("as_strided_copy", ((2, 2), (1, 2))),
    ]
    for name, args in cases:
        check(lambda m, a: getattr(m, name)(a, *args), [x], grad=name != "detach_copy")
    check(lambda m, a: m.squeeze_copy(a, 1), [x[:, :1]])
    check(lambda m, a: m.expand_copy(a, (3, 4, 6)), [x])
    base = E(x)
    ember.select_copy(base, 0, 0).fill_(9)
    assert not (base == 9).any()   # copies share no storage
