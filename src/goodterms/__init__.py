"""goodterms: stay on good terms with clients, or part on good terms."""

__version__ = "0.1.0"
