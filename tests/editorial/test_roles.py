"""The role groups, and the grant that installs them (the migrations call the same functions;
their rows are not here, as the transactional tests empty every table)."""

import pytest
from django.contrib.auth.models import Group, Permission

from editorial.generation import roles as generation_roles
from editorial.roles import (
    EDITOR_PERMISSIONS,
    EDITORS,
    WRITER_PERMISSIONS,
    WRITERS,
    grant,
    install_role_groups,
)
from media_library import roles as library_roles

pytestmark = pytest.mark.django_db


def codes_of(name):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def install_every_role():
    install_role_groups(Group, Permission)
    library_roles.grant_library_permissions(Group, Permission)
    generation_roles.grant_generation_permissions(Group, Permission)


def test_each_role_gets_exactly_its_permissions():
    install_every_role()
    assert codes_of(WRITERS) == {*WRITER_PERMISSIONS, *library_roles.WRITER_PERMISSIONS}
    assert codes_of(EDITORS) == {
        *EDITOR_PERMISSIONS,
        *library_roles.EDITOR_PERMISSIONS,
        *generation_roles.EDITOR_PERMISSIONS,
    }


def test_installing_again_changes_nothing_and_completes_a_group_missing_a_permission(
    django_assert_max_num_queries,
):
    install_every_role()
    before = codes_of(EDITORS)
    Group.objects.get(name=EDITORS).permissions.remove(Permission.objects.get(codename="review_article"))
    with django_assert_max_num_queries(8):  # not a query or two per permission
        install_role_groups(Group, Permission)
    assert "articles.review_article" in codes_of(EDITORS)
    assert codes_of(EDITORS) == before


def test_a_code_naming_no_permission_is_refused_and_nothing_is_granted():
    with pytest.raises(Permission.DoesNotExist, match="articles.publish_everything"):
        grant(Group, Permission, "新しい役割", ["articles.view_article", "articles.publish_everything"])
    assert not Group.objects.filter(name="新しい役割").exists()
