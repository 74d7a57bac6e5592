"""Demo CRM generator (placeholder docstring, replaced below)."""
