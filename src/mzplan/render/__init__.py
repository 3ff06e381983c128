"""Shells that turn results into text: rich tables, JSON, CSV, Markdown, annotations."""
