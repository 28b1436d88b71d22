"""Uploaded media, when the app itself serves it (DEBUG; production's proxy does the same).

An uploaded file is an image under a name whose extension is its real
format, but it is still a file someone else chose: the browser is told not
to guess its type and, should it ever be opened as a page, to run nothing.
The same headers are in docs/deploy.md's nginx ``location /media/``.
"""

from django.views.static import serve

MEDIA_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def serve_media(request, path, document_root=None):
    response = serve(request, path, document_root=document_root)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
