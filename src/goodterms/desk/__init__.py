"""The request desk: intake, acknowledgement, repeats folded in, response targets."""
