"""The difficult-client assessment: red flags with evidence, health, trend, verdict and advice."""
