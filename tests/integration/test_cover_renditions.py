"""A cover's renditions are made by a real Celery worker on Redis, after the commit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.celery_worker import running_worker, wait_until
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_makes_renditions_the_page_then_shows(admin_client, client, author, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), "teal").save(buffer, format="PNG")
    article = make_article(title="表紙の記事", authors=[author], published=True)
    with running_worker(extra_env={"MEDIA_ROOT": str(tmp_path)}):
        data = change_form_data(
            article, cover=SimpleUploadedFile("cover.png", buffer.getvalue(), "image/png")
        )
        response = admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
        assert response.status_code == 302
        # The article is live: its new cover waits as a pending version until published (issue 15, item 3).
        admin_client.post(reverse("admin:articles_article_pending_publish", args=[article.pk]))
        assert wait_until(lambda: Article.objects.get(pk=article.pk).cover_renditions)

    stored = Article.objects.get(pk=article.pk).cover_renditions
    assert [width for width, _, _ in stored["files"]] == [480, 960, 1200]
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'width="960" height="640"' in html and "1200w" in html
    assert sorted(path.name.rsplit("-", 1)[1] for path in tmp_path.rglob("w/*.jpg")) == [
        "1600.jpg",
        "480.jpg",
        "960.jpg",
    ]
