"""leadscore: the learning and data-generation code behind the dbt project."""

__version__ = "0.1.0"
