"""Plumbing that several apps share; a plain Python package without models."""
