"""What the editorial roles may do with the library: writers upload, describe
their own images and use any; only editors delete (media_library/admin.py).

Granted by this app's own migration, not through editorial.roles: that list
is installed by editorial's first migrations, which run before this app's
models (and so its permissions) exist on a fresh database.
"""

from editorial.roles import EDITORS, WRITERS, grant

WRITER_PERMISSIONS = ["media_library.add_image", "media_library.change_image", "media_library.view_image"]
EDITOR_PERMISSIONS = WRITER_PERMISSIONS + ["media_library.delete_image"]


def grant_library_permissions(group_model, permission_model):
    """Give the Writer and Editor groups (made if missing) their library permissions.

    Takes the model classes so the data migration can pass its historical ones."""
    for name, codes in ((WRITERS, WRITER_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        grant(group_model, permission_model, name, codes)
