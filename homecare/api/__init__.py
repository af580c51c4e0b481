"""The integration API for the municipalities' systems."""
