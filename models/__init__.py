"""Risk models: training data, baseline and transformer, calibration, evaluation, inference.

Stage three of the one-way flow (feeds → features → **models** → review → reports). Training runs
under DVC (``dvc.yaml``, ``params.yaml``); inference loads a published bundle from
``artifacts/model`` whose version id every stored score carries.
"""
