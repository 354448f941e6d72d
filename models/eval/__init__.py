"""Evaluation: metrics per label x language, flag rates on real benign text, the model card."""
