"""Training-data generation: synthetic families, real text, moderators' labels, and the splits."""
