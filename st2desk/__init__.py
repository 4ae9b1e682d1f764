"""st2desk: the IMSS ST2 medical-service authorization, from request to slip."""

__version__ = "0.1.0"
