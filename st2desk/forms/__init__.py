"""The ST2 form: one source of field definitions for the Qt form, the paper PDF and imports."""
