"""
A bare Django project, the outside reference `make bench` compares the cached pages with: Django's default
startproject settings and middleware, one view returning a constant page. Nothing of the newsroom is imported.
"""
