"""Training: the DVC stages that build the served model (torch and transformers live here only)."""
