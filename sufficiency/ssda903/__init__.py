"""A council's own SSDA903 returns to the DfE: reading, validating and mapping to the model."""
