"""
Newsroom's PostgreSQL backend (ENGINE "core.postgresql"): Django's own, with a client-side deadline on every wait
for the server (core/postgresql/deadline.py says why and how).
"""
