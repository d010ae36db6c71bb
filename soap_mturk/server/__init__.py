"""The WSGI application (routing between endpoints) and the process that serves it."""
