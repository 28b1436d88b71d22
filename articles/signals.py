"""Keeping what list pages read in step with the changes that bypass Article.save(),
and reporting those changes to articles.freshness.

Connected in ArticlesConfig.ready(). Two kinds of copies are kept: when an
article went live, beside its categories (CategoryListing), tags
(TagListing) and authors (ArticleAuthor.live_since); and what shows the
names of an article's authors, categories and tags: its stored card (authors
and categories) and its page's stored furniture (all three). Which readers'
pages the same changes make stale is decided in articles/freshness.py.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from . import freshness
from .cards import forget_cards
from .furniture import forget_furniture
from .images import needs_renditions
from .models import (
    Article,
    ArticleAuthor,
    Author,
    Category,
    CategoryListing,
    refresh_live_copies,
    refresh_newest_articles,
    refresh_tag_listing,
)
from .tasks import make_cover_renditions


def forget_shown(articles) -> None:
    """Forget what shows the names of ``articles``' authors, categories and tags."""
    forget_cards(articles)
    forget_furniture(articles)


def tagged_with(tag):
    links = TaggedItem.objects.filter(tag=tag, content_type=ContentType.objects.get_for_model(Article))
    return Article.objects.filter(pk__in=links.values("object_id"))


@receiver(m2m_changed, sender=Article.categories.through)
def article_categories_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("pre_") and action != "pre_add":
        # Which links go is known only before: the keys of both sides, while they are linked.
        if reverse:
            _report_links(Article.objects.filter(categories=instance), [instance.pk])
        else:
            _report_links([instance], instance.categories.values_list("pk", flat=True))
    if action == "pre_clear" and reverse:  # category.articles.clear(): its articles, before they go
        forget_shown(Article.objects.filter(categories=instance))
    if not action.startswith("post_"):
        return
    if not reverse:
        refresh_live_copies([instance.pk])
        forget_shown(Article.objects.filter(pk=instance.pk))
        _report_links([instance], pk_set or ())
    elif action == "post_clear":
        CategoryListing.objects.filter(category=instance).delete()
        refresh_newest_articles(Category.objects.filter(pk=instance.pk))
    else:
        refresh_live_copies(pk_set)
        forget_shown(Article.objects.filter(pk__in=pk_set))
        _report_links(Article.objects.filter(pk__in=pk_set), [instance.pk])


def _report_links(articles, category_ids):
    for article in articles:
        freshness.links_changed(article, "category", category_ids)


@receiver(post_save, sender=ArticleAuthor)
@receiver(post_delete, sender=ArticleAuthor)
def article_author_changed(sender, instance, **kwargs):
    forget_shown(Article.objects.filter(pk=instance.article_id))
    if article := Article.objects.filter(pk=instance.article_id).first():
        freshness.links_changed(article, "author", [instance.author_id])


@receiver(post_save, sender=Category)
@receiver(pre_delete, sender=Category)
def category_changed(sender, instance, signal, **kwargs):
    forget_shown(Article.objects.filter(categories=instance))
    _report_subject(signal, "category", instance.pk)


def _report_subject(signal, kind, pk):
    if signal is pre_delete:
        freshness.subject_to_be_deleted(kind, pk)
    else:
        freshness.subject_changed(kind, pk)


@receiver(post_save, sender=Author)
@receiver(pre_delete, sender=Author)
def author_changed(sender, instance, signal, **kwargs):
    forget_shown(Article.objects.filter(authors=instance))
    _report_subject(signal, "author", instance.pk)


@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def article_tag_changed(sender, instance, **kwargs):
    # Every way a tag link changes goes through these: taggit's manager saves and
    # deletes the links one by one, and so does its admin's tag merge.
    if instance.content_type_id == ContentType.objects.get_for_model(Article).pk:
        refresh_tag_listing([instance.object_id])
        forget_furniture(Article.objects.filter(pk=instance.object_id))
        if article := Article.objects.filter(pk=instance.object_id).first():
            freshness.links_changed(article, "tag", [instance.tag_id])


@receiver(post_save, sender=Tag)
@receiver(pre_delete, sender=Tag)
def tag_changed(sender, instance, signal, **kwargs):
    forget_furniture(tagged_with(instance))
    _report_subject(signal, "tag", instance.pk)


@receiver(pre_delete, sender=Article)
def article_to_be_deleted(sender, instance, **kwargs):
    # Its links and neighbours can be read only while it is still there.
    instance._shown_with = freshness.article_to_be_deleted(instance)


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    # A category whose newest article this was now points at nothing (SET_NULL).
    refresh_newest_articles(Category.objects.filter(newest_article__isnull=True))
    if getattr(instance, "_shown_with", None):
        freshness.article_deleted(instance, instance._shown_with)


@receiver(post_save, sender=Article)
def article_saved(sender, instance, created, update_fields, raw, **kwargs):
    if raw:  # a fixture being loaded: its rows come as they are
        return
    freshness.article_row_saved(instance, created=created, update_fields=update_fields)
    if needs_renditions(instance):
        make_cover_renditions.delay_on_commit(instance.pk)
