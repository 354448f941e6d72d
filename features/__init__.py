"""Text features: normalisation, language, tokens and risk indicators for Khmer and English posts.

Stage two of the one-way flow (feeds → **features** → models → review → reports). Pure functions
over text: no database, no model; everything later stands on the ``FeaturedPost`` record.
"""
