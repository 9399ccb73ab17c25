"""The learned machine-translation detector (calibrated p_machine_translation).

``extract_features(result, docs, mode)`` turns an audited article into named features,
``load_detector()`` reads the shipped model (``models/mt-detector/detector.json``) once,
and ``predict(features, mode)`` returns the calibrated probability with the features
that drove it as readable evidence. Inference is numpy only; training
(``python -m auditor.mtdetect.train``) and data building import the pipeline.
"""

from __future__ import annotations

from .features import MODES, extract_features, source_features, text_features
from .model import Detector, DetectorUnavailable, LinearModel, load_detector, predict, read_detector

__all__ = [
    "MODES", "Detector", "DetectorUnavailable", "LinearModel", "extract_features", "load_detector",
    "predict", "read_detector", "source_features", "text_features",
]
