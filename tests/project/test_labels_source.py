"""The label set has one source (params.yaml); the data generator's label-named kinds agree with it."""

from __future__ import annotations

from models.bundle import read_manifest
from models.data.generator import LABEL_KINDS, POSITIVE_KINDS
from models.params import labels
from reports.weekly import LABELS as REPORT_LABELS
from review.service import LABELS as REVIEW_LABELS
from store.settings import get_settings


def test_every_label_list_is_the_params_one() -> None:
    assert labels() == LABEL_KINDS == POSITIVE_KINDS["both"] == REVIEW_LABELS == REPORT_LABELS


def test_served_model_scores_the_same_labels() -> None:
    assert tuple(read_manifest(get_settings().model_dir)["labels"]) == labels()
