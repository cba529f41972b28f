"""Professional handling of difficult clients: boundaries, feedback asks, payment follow-up."""
