"""The goodterms web app and JSON API."""
