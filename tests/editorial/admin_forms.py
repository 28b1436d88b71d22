"""Building admin change-form POST data from an article, as a browser would send it."""

from articles.models import Article


def change_form_data(article: Article, **overrides):
    links = list(article.article_authors.all())
    data = {
        "title": article.title,
        "slug": article.slug,
        "body": article.body,
        "excerpt": article.excerpt,
        "categories": [str(pk) for pk in article.categories.values_list("pk", flat=True)],
        "tags": ", ".join(article.tags.names()),
        "publish_at_0": "",
        "publish_at_1": "",
        "loaded_version": str(article.version),
        "article_authors-TOTAL_FORMS": str(len(links)),
        "article_authors-INITIAL_FORMS": str(len(links)),
        "article_authors-MIN_NUM_FORMS": "1",
        "article_authors-MAX_NUM_FORMS": "1000",
    }
    for index, link in enumerate(links):
        data[f"article_authors-{index}-id"] = str(link.pk)
        data[f"article_authors-{index}-article"] = str(article.pk)
        data[f"article_authors-{index}-author"] = str(link.author_id)
        data[f"article_authors-{index}-position"] = str(link.position)
    data.update(overrides)
    return data
