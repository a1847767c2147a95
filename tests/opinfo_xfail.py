"""OpInfo ops ember does not yet pass on every sample, each with the reason
(the first failing sample's error). tests/test_opinfo.py fails when one of these
starts passing: remove it here then. The list only shrinks."""

XFAIL = {
    'as_strided_scatter': "torch's gradient for input is not the cotangent with the written region zeroed (a 1-element scatter keeps input's gradient although the output no longer depends on it); ember's is the exact one (gradcheck passes)",
    'chalf': 'complex32: ember has no such dtype, and torch cannot compare ComplexHalf tensors (torch.equal is not implemented for it)',
    'logcumsumexp': "torch's float32 gradient is off by 1.8e-3 from float64 on this sample; ember's (accumulated in float64) agrees with float64 to 1e-7",
    'matrix_exp': '1 of 2 samples: output 0: values differ (max abs diff 0.000351)',
    'nn.functional.dropout3d': "random: channel dropout on a few channels; the share of zeroed channels differs between ember's and torch's draws on this seeded sample",
    'nn.functional.scaled_dot_product_attention': "random (dropout_p > 0): ember's and torch's dropout draws differ; the nonzero quartiles differ on this small seeded sample",
    'tensordot': '1 of 3 samples: raises RuntimeError: contracted dimensions need to match, but first has size 1 in dim 0 and second has size 2 in dim 2',
}
