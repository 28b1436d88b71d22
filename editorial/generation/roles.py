"""What the editorial roles may do with the generator: editors write its prompt
and read its record. Granted by editorial's migration 0016, after these
models exist (editorial.roles is installed before they do on a fresh database).
"""

from ..roles import EDITORS, grant

EDITOR_PERMISSIONS = [
    "editorial.add_prompttemplate",
    "editorial.change_prompttemplate",
    "editorial.view_prompttemplate",
    "editorial.view_generationattempt",
]


def grant_generation_permissions(group_model, permission_model):
    """Give the Editor group (made if missing) its generator permissions.

    Takes the model classes so the data migration can pass its historical ones."""
    grant(group_model, permission_model, EDITORS, EDITOR_PERMISSIONS)
