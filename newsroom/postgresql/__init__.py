"""
Newsroom's PostgreSQL backend (ENGINE "newsroom.postgresql"): Django's own, with a client-side deadline on every wait
for the server (newsroom/postgresql/deadline.py says why and how).
"""
