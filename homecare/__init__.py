"""Citizen portal for municipal home healthcare services."""
