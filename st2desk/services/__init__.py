"""Use cases of st2desk, one module per group. No Qt here: the CLI, imports and GUI share them.

Every function takes a SQLAlchemy session (whose transaction the caller commits, see
`Database.transaction`) and the acting user, checks role, unit and state, writes the
audit event in the same transaction, and raises a typed `St2Error` otherwise.
"""
