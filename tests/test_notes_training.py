"""The training-related snippets of the user's notes (../shared/seeds/), run with ember.

Every snippet is written once as a function of the framework (``torch``, ``nn``) and run
with ``import ember as torch; import ember.nn as nn`` and with real PyTorch. Where the
notes print values, both frameworks start from the same numbers (torch's weights copied
into ember through numpy) and the printed values are compared.
"""
import io
import os
from collections import OrderedDict
from contextlib import redirect_stdout

import numpy as np
import pytest
import torch as real_torch
import torch.nn as real_nn
from oracle import assert_close, check, rand

import ember as torch
import ember.nn as nn

BOTH = [(torch, nn), (real_torch, real_nn)]


def copy_weights(e_model, t_model):
    """Load torch's state_dict (parameters and buffers) into the ember model."""
    e_model.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy())
                             for k, v in t_model.state_dict().items()})
    return e_model


def both(build, *args, **kw):
    """``build(torch, nn, ...)`` in both frameworks, ember's weights copied from torch's."""
    real_torch.manual_seed(0)
    t = build(real_torch, real_nn, *args, **kw)
    e = build(torch, nn, *args, **kw)
    if isinstance(t, real_nn.Module):
        copy_weights(e, t)
    return e, t


def E(a):
    return torch.from_numpy(np.array(a))


def T(a):
    return real_torch.from_numpy(np.array(a))


# ------------------------------------------------------------------- models from the notes


def lenet(torch, nn):
    """input -> conv2d -> relu -> maxpool2d -> conv2d -> relu -> maxpool2d -> view ->
    linear -> relu -> linear -> relu -> linear (the notes' graph, small sizes)."""
    F = torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16 * 2 * 2, 32)
            self.fc2 = nn.Linear(32, 16)
            self.fc3 = nn.Linear(16, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

        def num_flat_features(self, x):
            size = x.size()[1:]
            num_features = 1
            for s in size:
                num_features *= s
            return num_features

    return Net()


def resblock(torch, nn, cin=4, cout=8, stride=1):
    """input -> conv1 -> bn -> relu -> conv2 -> bn --> sum -> relu
              -> conv1x1 -> bn -------------------|"""
    class BasicBlock(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            if stride != 1 or cin != cout:
                self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                              nn.BatchNorm2d(cout))
            else:
                self.shortcut = nn.Sequential()

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            out = out + self.shortcut(x)
            return self.relu(out)

    return BasicBlock()


def alexnet_like(torch, nn, num_classes=10):
    """Same layout as torchvision's AlexNet (features / avgpool / classifier[0..6]), tiny."""
    class AlexNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(3, 8, kernel_size=3, stride=1, padding=1), nn.ReLU(inplace=True),
                nn.MaxPool2d(kernel_size=2, stride=2),
                nn.Conv2d(8, 8, kernel_size=3, padding=1), nn.ReLU(inplace=True))
            self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
            self.classifier = nn.Sequential(
                nn.Dropout(), nn.Linear(8 * 2 * 2, 16), nn.ReLU(inplace=True),
                nn.Dropout(), nn.Linear(16, 16), nn.ReLU(inplace=True),
                nn.Linear(16, num_classes))

        def forward(self, x):
            x = self.features(x)
            x = self.avgpool(x)
            x = torch.flatten(x, 1)
            return self.classifier(x)

    return AlexNet()


# ------------------------------------------------------------------- the training loop


def standard_training(torch, nn, model, X, Y):
    """The notes' standard training loop, printing every 5 mini-batches (not 2000)."""
    trainset = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(Y))
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=False)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    net = model
    losses = []
    out = io.StringIO()
    with redirect_stdout(out):
        for epoch in range(2):  # loop over the dataset multiple times
            running_loss = 0.0
            for i, data in enumerate(trainloader, 0):
                inputs, labels = data
                optimizer.zero_grad()
                outputs = net(inputs)
                loss = criterion(outputs, labels)
                loss.backward()
                optimizer.step()
                running_loss += loss.item()
                losses.append(loss.item())
                if i % 5 == 4:
                    print('[%d, %5d] loss: %.3f' % (epoch + 1, i + 1, running_loss / 5))
                    running_loss = 0.0
        print('Finished Training')
    return losses, out.getvalue()


def test_standard_training_loop():
    rs = np.random.RandomState(0)
    X = rs.standard_normal((40, 1, 14, 14)).astype(np.float32)
    Y = rs.randint(0, 10, 40).astype(np.int64)
    e, t = both(lenet)
    le, pe = standard_training(torch, nn, e, X, Y)
    lt, pt = standard_training(real_torch, real_nn, t, X, Y)
    assert len(le) == len(lt) == 20
    np.testing.assert_allclose(le, lt, rtol=1e-4, atol=1e-5)
    assert pe == pt
    assert pe.splitlines()[-1] == 'Finished Training'
    for (ke, ve), (kt, vt) in zip(e.state_dict().items(), t.state_dict().items()):
        assert ke == kt
        assert_close(ve, vt, rtol=1e-4, atol=1e-5)
    # the notes: "loss.grad_fn" shows the graph
    loss = nn.CrossEntropyLoss()(e(E(X[:4])), E(Y[:4]))
    assert type(loss.grad_fn).__name__ == "NllLossBackward0"


# ------------------------------------------------------------------- the three Dataset styles


def my_dataset_cls(torch):
    class My_dataset(torch.utils.data.Dataset):
        def __init__(self):
            super().__init__()
            self.x = torch.randn(1000, 3)
            self.y = self.x.sum(axis=1)
            self.src, self.trg = [], []
            for i in range(1000):
                self.src.append(self.x[i])
                self.trg.append(self.y[i])

        def __getitem__(self, index):
            return self.src[index], self.trg[index]

        def __len__(self):
            return len(self.src)

    return My_dataset


def test_dataset_lists_in_init():
    from ember.utils.data import DataLoader
    My_dataset = my_dataset_cls(torch)
    data_train = My_dataset()
    data_test = My_dataset()
    assert len(data_train) == 1000
    data_loader_train = DataLoader(data_train, batch_size=5, shuffle=False)
    data_loader_test = DataLoader(data_test, batch_size=5, shuffle=False)
    n = 0
    for i_batch, batch_data in enumerate(data_loader_train):
        assert batch_data[0].shape == (5, 3) and batch_data[1].shape == (5,)
        np.testing.assert_array_equal(batch_data[0].numpy(), data_train.x[5 * i_batch:5 * i_batch + 5].numpy())
        n += 1
    assert n == 200 == len(data_loader_train)
    for i_batch, (src, trg) in enumerate(data_loader_test):  # noqa: B007 (the notes' loop, as written)
        np.testing.assert_allclose(trg.numpy(), src.numpy().sum(1), rtol=1e-5, atol=1e-6)
    assert i_batch == 199
    # data_train[xxx] indexes one element; next(iter(data_train)) gives the first one
    x0, y0 = next(iter(data_train))
    assert x0.shape == (3,) and y0.shape == ()
    assert torch.equal(x0, data_train[0][0])
    # printed batches look like torch's for the same numbers
    data_train.src = [torch.from_numpy(a) for a in rand(1000, 3, seed=3)]
    tsrc = [real_torch.from_numpy(a) for a in rand(1000, 3, seed=3)]
    e_first = next(iter(data_loader_train))[0]
    t_first = next(iter(real_torch.utils.data.DataLoader(list(zip(tsrc, tsrc)), batch_size=5)))[0]
    assert str(e_first) == str(t_first)


def test_tensor_dataset_sin_cos():
    def run(torch):
        src = torch.sin(torch.arange(1, 1000, 0.1))
        trg = torch.cos(torch.arange(1, 1000, 0.1))
        data = torch.utils.data.TensorDataset(src, trg)
        data_loader = torch.utils.data.DataLoader(data, batch_size=5, shuffle=False)
        sizes, batches = [], []
        for i_batch, batch_data in enumerate(data_loader):  # noqa: B007 (the notes' loop, as written)
            sizes.append((str(batch_data[0].size()), str(batch_data[1].size())))
            batches.append(batch_data)
        return i_batch, sizes, batches, len(data)

    ie, se, be, ne = run(torch)
    it, st, bt, nt = run(real_torch)
    assert (ie, se, ne) == (it, st, nt)
    assert se[0] == ("torch.Size([5])", "torch.Size([5])")
    for k in (0, 1, len(bt) // 2, -1):
        # arange's float32 values may differ from torch's by 1 ulp near 1000 (sin amplifies it)
        assert_close(be[k], bt[k], rtol=1e-5, atol=1e-4)


def map_dataset_cls(torch):
    class MyDatasets(torch.utils.data.Dataset):
        def __init__(self, dir):
            self.data_dir = dir
            self.image_target_list = []
            with open(os.path.join(dir, 'map.txt'), 'r') as fp:
                content = fp.readlines()
                str_list = [s.rstrip().split() for s in content]
                self.image_target_list = [(x[0], int(x[1])) for x in str_list]

        def __getitem__(self, index):
            image_label_pair = self.image_target_list[index]
            from PIL import Image  # in place of matplotlib.image.imread
            img = np.asarray(Image.open(image_label_pair[0]), dtype=np.float32) / 255
            return img, image_label_pair[1]

        def __len__(self):
            return len(self.image_target_list)

    return MyDatasets


def generate_map(root_dir):
    with open(os.path.join(root_dir, 'map.txt'), 'w') as wfp:
        for idx in range(10):
            subdir = os.path.join(root_dir, '%d/' % idx)
            for file_name in sorted(os.listdir(subdir)):
                abs_name = os.path.abspath(os.path.join(subdir, file_name))
                wfp.write('{file_dir} {label}\n'.format(file_dir=abs_name, label=idx))


def test_map_txt_image_dataset(tmp_path):
    from PIL import Image
    rs = np.random.RandomState(0)
    for idx in range(10):
        os.makedirs(tmp_path / str(idx))
        for j in range(3):
            Image.fromarray(rs.randint(0, 256, (8, 8, 3), dtype=np.uint8)).save(tmp_path / str(idx) / f"{j}.png")
    generate_map(str(tmp_path))
    outs = {}
    for m in (torch, real_torch):
        ds = map_dataset_cls(m)(str(tmp_path))
        assert len(ds) == 30
        train_loader = m.utils.data.DataLoader(ds, batch_size=8, shuffle=True)
        shapes = []
        for idx, (img, label) in enumerate(train_loader):  # noqa: B007 (the notes' loop, as written)
            shapes.append((tuple(img.shape), tuple(label.shape), str(img.dtype), str(label.dtype)))
        assert sorted(shapes)[0] == ((6, 8, 8, 3), (6,), "torch.float32", "torch.int64")
        fixed = list(m.utils.data.DataLoader(ds, batch_size=8, shuffle=False))
        outs[m] = (shapes, fixed)
    assert outs[torch][0] == outs[real_torch][0]
    assert_close(outs[torch][1], outs[real_torch][1])


# ------------------------------------------------------------------- modules from the notes


def seq_plain(torch, nn):
    return nn.Sequential(
        nn.Conv2d(1, 20, 5),
        nn.ReLU(),
        nn.Conv2d(20, 64, 5),
        nn.ReLU()
    )


def seq_dict(torch, nn):
    return nn.Sequential(OrderedDict([
        ('conv1', nn.Conv2d(1, 20, 5)),
        ('relu1', nn.ReLU()),
        ('conv2', nn.Conv2d(20, 64, 5)),
        ('relu2', nn.ReLU())
    ]))


@pytest.mark.parametrize("build", [seq_plain, seq_dict])
def test_sequential(build):
    e, t = both(build)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    x = rand(2, 1, 12, 12, seed=1)
    assert_close(e(E(x)), t(T(x)), rtol=1e-4, atol=1e-5)
    if build is seq_dict:
        assert isinstance(e.conv1, nn.Conv2d) and e[0] is e.conv1
    assert isinstance(e[1:], nn.Sequential) and len(e[1:]) == 3


def conv_net(torch, nn):
    class Net(nn.Module):
        def __init__(self):
            nn.Module.__init__(self)
            self.conv2d = nn.Conv2d(in_channels=3, out_channels=64, kernel_size=4, stride=2, padding=1)

        def forward(self, x):
            print(x.requires_grad)
            x = self.conv2d(x)
            return x

    return Net()


def test_conv_net_prints_weight_and_bias():
    e, t = both(conv_net)
    net = e
    assert str(net.conv2d.weight) == str(t.conv2d.weight)
    assert str(net.conv2d.bias) == str(t.conv2d.bias)
    assert net.conv2d.weight.shape == (64, 3, 4, 4)
    x = rand(2, 3, 8, 8, seed=2)
    out_e, out_t = io.StringIO(), io.StringIO()
    with redirect_stdout(out_e):
        ye = net(E(x))
    with redirect_stdout(out_t):
        yt = t(T(x))
    assert out_e.getvalue() == out_t.getvalue() == "False\n"
    assert_close(ye, yt, rtol=1e-4, atol=1e-5)


def vit_embed(torch, nn, num_patches=4, dim=6):
    class Embed(nn.Module):
        def __init__(self):
            super().__init__()
            self.pos_embedding = nn.Parameter(torch.randn(1, num_patches + 1, dim))
            self.cls_token = nn.Parameter(torch.randn(1, 1, dim))

        def forward(self, x):
            b = x.shape[0]
            cls_tokens = self.cls_token.expand(b, -1, -1)
            x = torch.cat((cls_tokens, x), dim=1)
            return x + self.pos_embedding

    return Embed()


def test_parameter_pos_embedding():
    e, t = both(vit_embed)
    assert [n for n, _ in e.named_parameters()] == ["pos_embedding", "cls_token"]
    assert isinstance(e.pos_embedding, nn.Parameter) and e.pos_embedding.requires_grad
    assert e.pos_embedding.shape == (1, 5, 6)
    x = rand(3, 4, 6, seed=4)
    ye, yt = e(E(x)), t(T(x))
    assert_close(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    assert_close(e.cls_token.grad, t.cls_token.grad)
    assert_close(e.pos_embedding.grad, t.pos_embedding.grad)


def test_apply_custom_init():
    def run(torch, nn):
        visited = []

        def init_fn(m):
            visited.append(type(m).__name__)
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(m.weight, mean=0, std=0.01)
                nn.init.constant_(m.bias, 0)

        model = lenet(torch, nn)
        ret = model.apply(init_fn)
        assert ret is model
        return visited, model

    ve, me = run(torch, nn)
    vt, _ = run(real_torch, real_nn)
    assert ve == vt
    w = me.fc1.weight.detach().numpy()
    assert abs(w.std() - 0.01) < 0.003 and abs(w.mean()) < 0.003
    assert np.all(me.conv1.bias.detach().numpy() == 0)


def test_freeze_by_prefix_and_optimize_trainable():
    e, t = both(alexnet_like)
    for m_ in (e, t):
        for name, value in m_.named_parameters():
            value.requires_grad = name.startswith('features.0')
    assert [n for n, p in e.named_parameters() if p.requires_grad] == ['features.0.weight', 'features.0.bias']
    # keep only the modified layer's weights from a checkpoint
    ckpt = {k: v for k, v in e.state_dict().items() if not k.startswith('features.0')}
    assert 'features.0.weight' not in ckpt and 'features.3.weight' in ckpt
    missing = e.load_state_dict(ckpt, strict=False)
    assert list(missing.missing_keys) == ['features.0.weight', 'features.0.bias']

    before = {k: v.detach().numpy().copy() for k, v in e.state_dict().items()}
    params = filter(lambda p: p.requires_grad, e.parameters())
    opt_e = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    opt_t = real_torch.optim.SGD([p for p in t.parameters() if p.requires_grad], lr=0.1, momentum=0.9)
    e.eval()
    t.eval()
    x, y = rand(2, 3, 8, 8, seed=5), np.array([1, 3])
    for model, opt, mod, conv in ((e, opt_e, nn, E), (t, opt_t, real_nn, T)):
        mod.CrossEntropyLoss()(model(conv(x)), conv(y)).backward()
        opt.step()
    for k, v in e.state_dict().items():
        if k.startswith('features.0'):
            assert not np.array_equal(v.numpy(), before[k])
        else:
            assert np.array_equal(v.numpy(), before[k]), k
        assert_close(v, t.state_dict()[k], rtol=1e-4, atol=1e-6)
    assert e.classifier[6].weight.grad is None


def test_finetune_replace_classifier():
    def recipe(torch, nn, model_ft, feature_extract=True, num_classes=5):
        def set_parameter_requires_grad(model, feature_extracting):
            if feature_extracting:
                for param in model.parameters():
                    param.requires_grad = False

        set_parameter_requires_grad(model_ft, feature_extract)
        num_ftrs = model_ft.classifier[6].in_features
        model_ft.classifier[6] = nn.Linear(num_ftrs, num_classes)
        names = []
        params_to_update = []
        for name, param in model_ft.named_parameters():
            if param.requires_grad == True:  # noqa: E712 (the notes' spelling)
                params_to_update.append(param)
                names.append(name)
        optimizer_ft = torch.optim.SGD(params_to_update, lr=0.001, momentum=0.9)
        return names, optimizer_ft

    e, t = both(alexnet_like)
    ne, oe = recipe(torch, nn, e)
    nt, ot = recipe(real_torch, real_nn, t)
    assert ne == nt == ['classifier.6.weight', 'classifier.6.bias']
    assert e.classifier[6].out_features == 5 and e.classifier[6].in_features == 16
    copy_weights(e, t)  # the new head is random in each framework
    e.eval()
    t.eval()
    x, y = rand(2, 3, 8, 8, seed=6), np.array([0, 4])
    for _ in range(2):
        for model, opt, mod, conv in ((e, oe, nn, E), (t, ot, real_nn, T)):
            opt.zero_grad()
            mod.CrossEntropyLoss()(model(conv(x)), conv(y)).backward()
            opt.step()
    assert e.features[0].weight.grad is None
    assert_close(e.classifier[6].weight, t.classifier[6].weight, rtol=1e-5, atol=1e-6)
    # train mode: dropout active, the frozen part still does not move
    e.train()
    w0 = e.classifier[4].weight.detach().clone()
    oe.zero_grad()
    nn.CrossEntropyLoss()(e(E(x)), E(y)).backward()
    oe.step()
    assert torch.equal(e.classifier[4].weight, w0)


def test_l2_weight_decay_and_l1_regularization():
    e, t = both(lenet)
    rs = np.random.RandomState(7)
    x = rs.standard_normal((4, 1, 14, 14)).astype(np.float32)
    y = rs.randint(0, 10, 4)
    for torch_, nn_, model, conv in ((torch, nn, e, E), (real_torch, real_nn, t, T)):
        optimizer = torch_.optim.SGD(model.parameters(), lr=0.05, weight_decay=0.001)
        for _ in range(2):
            optimizer.zero_grad()
            loss = nn_.CrossEntropyLoss()(model(conv(x)), conv(y))
            l1_loss = 0
            for param in model.parameters():
                l1_loss += torch_.sum(torch_.abs(param))
            loss = loss + 0.001 * l1_loss
            loss.backward()
            optimizer.step()
        model.final_loss = loss.item()
    assert e.final_loss == pytest.approx(t.final_loss, rel=1e-5)
    for (_k, ve), vt in zip(e.state_dict().items(), t.state_dict().values()):
        assert_close(ve, vt, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("cin,cout,stride", [(4, 8, 1), (4, 4, 1), (4, 8, 2)])
def test_resnet_block_forward_backward(cin, cout, stride):
    e, t = both(resblock, cin, cout, stride)
    e.train()
    t.train()
    x = rand(2, cin, 6, 6, seed=8)
    xe, xt = E(x).requires_grad_(), T(x).requires_grad_()
    ye, yt = e(xe), t(xt)
    assert_close(ye, yt, rtol=1e-4, atol=1e-5)
    g = rand(*yt.shape, seed=9)
    ye.backward(E(g))
    yt.backward(T(g))
    assert_close(xe.grad, xt.grad, rtol=1e-4, atol=1e-5)
    for (_k, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert_close(pe.grad, pt.grad, rtol=1e-4, atol=1e-5)
    for (_k, be), (_, bt) in zip(e.named_buffers(), t.named_buffers()):
        assert_close(be, bt, rtol=1e-5, atol=1e-6)
    # eval mode uses the running statistics
    e.eval()
    t.eval()
    with torch.no_grad():
        ye = e(E(x))
    with real_torch.no_grad():
        yt = t(T(x))
    assert_close(ye, yt, rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------- DataParallel, save/load


def test_dataparallel_module_prefix():
    e, t = both(lenet)
    pe, pt = nn.DataParallel(e), real_nn.DataParallel(t)
    assert list(pe.state_dict()) == list(pt.state_dict())
    assert all(k.startswith('module.') for k in pe.state_dict())
    assert pe.module is e
    x = rand(2, 1, 14, 14, seed=10)
    assert_close(pe(E(x)), pt(T(x)), rtol=1e-4, atol=1e-5)
    # strip the prefix (the notes' fix for jit / plain models)
    sd = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in pe.state_dict().items()}
    plain = lenet(torch, nn)
    plain.load_state_dict(sd)
    assert_close(plain(E(x)), pt(T(x)), rtol=1e-4, atol=1e-5)
    with pytest.raises(RuntimeError, match="module."):
        lenet(torch, nn).load_state_dict(pe.state_dict())


def test_save_load_state_dict_map_location(tmp_path):
    PATH = str(tmp_path / "model.pth")
    e, t = both(resblock)
    x = rand(2, 4, 6, 6, seed=11)
    e(E(x))  # update the running stats in train mode
    t(T(x))
    torch.save(e.state_dict(), PATH)
    model = resblock(torch, nn)
    model.load_state_dict(torch.load(PATH, map_location=torch.device('cpu')))
    model.eval()
    assert not model.training and not model.bn1.training
    with torch.no_grad():
        out = model(E(x))
    assert not out.requires_grad and out.grad_fn is None
    t.eval()
    with real_torch.no_grad():
        ref = t(T(x))
    assert_close(out, ref, rtol=1e-4, atol=1e-5)
    # PyTorch reads ember's checkpoint
    t2 = resblock(real_torch, real_nn)
    t2.load_state_dict(real_torch.load(PATH, map_location=real_torch.device('cpu'), weights_only=True))
    t2.eval()
    with real_torch.no_grad():
        assert_close(out, t2(T(x)), rtol=1e-4, atol=1e-5)


# ------------------------------------------------------------------- 常用函数


def test_interpolate():
    x = rand(1, 2, 3, 4, seed=12)
    check(lambda m, a: m.nn.functional.interpolate(a, scale_factor=2), [x])
    check(lambda m, a: m.nn.functional.interpolate(a, size=(5, 7), mode='nearest'), [x])
    check(lambda m, a: m.nn.functional.interpolate(a, size=(5, 7), mode='bilinear', align_corners=True), [x])
    check(lambda m, a: m.nn.functional.interpolate(a, scale_factor=2, mode='bilinear', align_corners=False), [x])
    check(lambda m, a: m.nn.functional.interpolate(a, size=8, mode='linear'), [rand(1, 2, 5, seed=13)])


def test_unfold():
    x = rand(2, 3, 5, 5, seed=14)
    sk = 3
    check(lambda m, a: m.nn.functional.unfold(a, kernel_size=sk, padding=int((sk - 1) / 2), stride=1), [x])


def test_grid_sample_align_corners():
    N, H, W = 2, 4, 5
    model = rand(N, 3, 6, 7, seed=15)
    u = rand(N, H, W, seed=16, low=-1.1, high=1.1)
    v = rand(N, H, W, seed=17, low=-1.1, high=1.1)

    def f(m, img, u, v):
        uv_index = m.stack((u, v), dim=3)
        return m.nn.functional.grid_sample(img, uv_index, align_corners=True)
    check(f, [model, u, v], rtol=1e-4, atol=1e-5)


def test_zeropad_sigmoid_softmax_1x1conv():
    x = rand(2, 3, 4, 4, seed=18)
    check(lambda m, a: m.nn.ZeroPad2d(1)(a), [x])
    check(lambda m, a: m.sigmoid(a), [x])
    check(lambda m, a: m.nn.functional.softmax(a, dim=1), [x])
    e, t = both(lambda torch, nn: nn.Conv2d(3, 5, 1, 1, 0, bias=True))
    assert_close(e(E(x)), t(T(x)), rtol=1e-4, atol=1e-5)
    fm_s_k = 2
    pp = []
    for torch_, nn_ in BOTH:  # the notes' DCT-style parameter
        p = torch_.arange(0, fm_s_k * fm_s_k, 1)
        pp.append(nn_.Parameter(((p + 0.5) * np.pi / fm_s_k).view(1, 1, 1, fm_s_k, fm_s_k)))
    assert isinstance(pp[0], nn.Parameter)
    assert_close(pp[0], pp[1])
