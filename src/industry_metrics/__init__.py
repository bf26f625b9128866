"""Industry Metrics: self-regulation analytics for an association of debt-collection firms."""

__version__ = "0.1.0"
