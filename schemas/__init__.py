"""Marshmallow schemas: the one definition of every shape the API reads or returns."""
