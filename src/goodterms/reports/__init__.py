"""Reports for people: the parting packet (evidence log, final report, hand-over, letter) and charts."""
