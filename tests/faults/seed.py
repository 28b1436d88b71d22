"""Fill a fresh database for a fault test that runs outside pytest's database.

``python -m tests.faults.seed DUE_IN_SECONDS COUNT`` (DATABASE_URL set): a few
published articles to read, and COUNT articles, each by its own author,
submitted and approved by an editor through the workflow verbs for
DUE_IN_SECONDS from now; prints the reader paths as JSON.
"""

import json
import os
import sys
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allforces.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.utils import timezone  # noqa: E402

from editorial.roles import EDITORS, install_role_groups  # noqa: E402
from tests.factories import READY_BODY, make_article, make_author, make_category  # noqa: E402
from tests.faults.workload import approved_through_the_workflow  # noqa: E402


def main(due_in_seconds, count):
    user = get_user_model().objects.create_user("writer", email="writer@example.jp", is_staff=True)
    author = make_author(name="山田 書子", slug="yamada", user=user)
    category = make_category(name="投資分析", slug="investment")
    articles = [
        make_article(
            title=f"推論モデルの台頭 {number}",
            slug=f"reasoning-{number}",
            body=READY_BODY,
            excerpt="推論の需要を整理します。",
            authors=[author],
            categories=[category],
            tags=["AI"],
            published=True,
        )  # fmt: skip
        for number in range(3)
    ]
    install_role_groups(Group, Permission)
    editor = get_user_model().objects.create_user("editor", email="editor@example.jp", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    approved_through_the_workflow(
        count, editor=editor, category=category, publish_at=timezone.now() + timedelta(seconds=due_in_seconds)
    )
    return {
        "article": articles[0].get_absolute_url(),
        "category": category.get_absolute_url(),
        "tag": "/tag/ai/",
    }


if __name__ == "__main__":
    print(json.dumps(main(float(sys.argv[1]), int(sys.argv[2]))))
