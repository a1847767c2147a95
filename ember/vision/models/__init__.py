"""torchvision's model zoo: architectures with its module names (its state_dict keys load unchanged),
its default init, and its pretrained-weights enums.

    model = ember.vision.models.resnet18(weights="IMAGENET1K_V1")   # downloads torchvision's file once
    preprocess = ember.vision.models.ResNet18_Weights.DEFAULT.transforms()
"""
from ._api import get_model, get_model_builder, get_model_weights, get_weight, list_models, Weights, WeightsEnum
from .alexnet import *
from .resnet import *
from .vgg import *
from .squeezenet import *
from .mobilenetv2 import *
from .mobilenetv3 import *
from .densenet import *
from .shufflenetv2 import *
from .mnasnet import *
from .googlenet import *
from .inception import *
from .efficientnet import *
from .regnet import *
from .convnext import *
from .vision_transformer import *
from .swin_transformer import *
from .maxvit import *
