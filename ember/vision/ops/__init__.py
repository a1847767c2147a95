"""``ember.vision.ops`` (torchvision.ops): detection operators (NMS, box IoUs, RoI Align/Pool),
losses and the building blocks the model zoo shares."""
from .boxes import (batched_nms, box_area, box_convert, box_iou, clip_boxes_to_image, complete_box_iou,
                    distance_box_iou, generalized_box_iou, masks_to_boxes, nms, remove_small_boxes)
from .ciou_loss import complete_box_iou_loss
from .diou_loss import distance_box_iou_loss
from .feature_pyramid_network import FeaturePyramidNetwork
from .giou_loss import generalized_box_iou_loss
from .focal_loss import sigmoid_focal_loss
from .poolers import MultiScaleRoIAlign
from .misc import MLP, Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, Permute, SqueezeExcitation
from .roi_align import RoIAlign, roi_align
from .roi_pool import RoIPool, roi_pool
from .stochastic_depth import StochasticDepth, stochastic_depth

__all__ = ["masks_to_boxes", "nms", "batched_nms", "remove_small_boxes", "clip_boxes_to_image",
           "box_convert", "box_area", "box_iou", "generalized_box_iou", "distance_box_iou",
           "complete_box_iou", "roi_align", "RoIAlign", "roi_pool", "RoIPool", "FeaturePyramidNetwork",
           "sigmoid_focal_loss", "stochastic_depth", "StochasticDepth", "FrozenBatchNorm2d",
           "Conv2dNormActivation", "Conv3dNormActivation", "SqueezeExcitation", "MLP", "Permute",
           "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss", "MultiScaleRoIAlign"]
