"""Classic vision models with torchvision's module names, so its state_dict keys load unchanged.

    model = ember.vision.models.resnet18(num_classes=10)
    model.load_state_dict(ember.load("resnet18-f37072fd.pth"))   # a torchvision checkpoint

There is no network here: ``pretrained=True`` / ``weights=...`` raise an error that
says how to load a local checkpoint instead.
"""
from .. import nn
from ..nn import init

__all__ = ["AlexNet", "alexnet", "VGG", "vgg11", "vgg11_bn", "vgg16", "vgg16_bn", "ResNet",
           "BasicBlock", "Bottleneck", "resnet18", "resnet34", "resnet50"]


def _no_download(name, pretrained, weights):
    if pretrained or weights not in (None, False):
        raise RuntimeError(
            f"ember cannot download pretrained weights for {name} (no network access). Build the "
            f"model with {name}() and load a local checkpoint: "
            f"model.load_state_dict(ember.load('path/to/{name}.pth')); torchvision's files load as they are.")


# ---- AlexNet --------------------------------------------------------------------------

class AlexNet(nn.Module):
    """AlexNet as torchvision builds it: ``features``, ``avgpool``, ``classifier``.

    Input (N, 3, H, W) with H, W >= 63; output (N, num_classes).
    """

    def __init__(self, num_classes=1000, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def alexnet(*, weights=None, progress=True, pretrained=False, **kwargs):
    _no_download("alexnet", pretrained, weights)
    return AlexNet(**kwargs)


# ---- VGG ------------------------------------------------------------------------------

_VGG_CFGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
}


def _vgg_layers(cfg, batch_norm):
    layers, c = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(c, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        c = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """VGG with torchvision's ``features`` / ``avgpool`` / ``classifier`` layout and init."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    init.constant_(m.weight, 1)
                    init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    init.normal_(m.weight, 0, 0.01)
                    init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def _vgg(name, cfg, batch_norm, pretrained, weights, kwargs):
    _no_download(name, pretrained, weights)
    return VGG(_vgg_layers(_VGG_CFGS[cfg], batch_norm), **kwargs)


def vgg11(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("vgg11", "A", False, pretrained, weights, kwargs)


def vgg11_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("vgg11_bn", "A", True, pretrained, weights, kwargs)


def vgg16(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("vgg16", "D", False, pretrained, weights, kwargs)


def vgg16_bn(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _vgg("vgg16_bn", "D", True, pretrained, weights, kwargs)


# ---- ResNet ---------------------------------------------------------------------------

def _conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


def _conv1x1(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """conv3x3-bn-relu-conv3x3-bn, plus the (downsampled) input, then relu."""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = _conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = _conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (strided), 1x1 expand (x4), each with bn; residual add; relu."""

    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = _conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = _conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = _conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """ResNet as torchvision builds it (``conv1``, ``bn1``, ``layer1..4``, ``fc``).

    Input (N, 3, H, W); output (N, num_classes).
    """

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                init.constant_(m.weight, 1)
                init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                last = getattr(m, "bn3", None) if isinstance(m, Bottleneck) else \
                    getattr(m, "bn2", None) if isinstance(m, BasicBlock) else None
                if last is not None:
                    init.constant_(last.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(_conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


def _resnet(name, block, layers, pretrained, weights, kwargs):
    _no_download(name, pretrained, weights)
    return ResNet(block, layers, **kwargs)


def resnet18(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet("resnet18", BasicBlock, [2, 2, 2, 2], pretrained, weights, kwargs)


def resnet34(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet("resnet34", BasicBlock, [3, 4, 6, 3], pretrained, weights, kwargs)


def resnet50(*, weights=None, progress=True, pretrained=False, **kwargs):
    return _resnet("resnet50", Bottleneck, [3, 4, 6, 3], pretrained, weights, kwargs)
