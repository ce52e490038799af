"""Renderers of scorecards: CSV and JSON Lines exports (Markdown and HTML reports to follow)."""
