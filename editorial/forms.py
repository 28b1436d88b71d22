from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Category
from articles.validators import (
    control_character_problem,
    reject_control_characters,
    reject_control_characters_in_text,
    strip_control_characters,
)

from . import merging
from .editing import SCHEDULE_BOUND_STAGES, WORKFLOW_FIELDS, lock_for_edit
from .exceptions import EditConflict, NotPermitted
from .limits import body_too_long
from .models import Segment
from .pending import form_initial, pending_of
from .revisions import as_snapshot, diff_fields

MAX_ROW_ID = 2**63 - 1  # PostgreSQL bigint


def row_id(value) -> int | None:
    """A row id from a query or form parameter, or None for anything else
    ("²" and "１" pass str.isdigit() but are no id; 10**30 overflows the column)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_ROW_ID:
        return None
    return int(text)


NUL_MESSAGE = (
    "使えない制御文字（NUL）が含まれています。"
    "コピー元の文章を確認し、その文字を取り除いてからもう一度保存してください。"
)


def explain_nul_characters(form):
    """Give every text field a clear message for NUL characters: Django's own
    Japanese translation of it reads "enter some characters", which misleads."""
    for field in form.fields.values():
        explain_nul_in(field)


def explain_nul_in(field):
    field.validators = [
        validators.ProhibitNullCharactersValidator(message=NUL_MESSAGE)
        if isinstance(validator, validators.ProhibitNullCharactersValidator)
        else validator
        for validator in field.validators
    ]


class ArticleAdminForm(forms.ModelForm):
    """The article form, refusing to overwrite a save made since it was opened.

    The admin sets ``acting_user`` on the class it builds for each request;
    left at None the save is the system's and its permission is not checked.
    """

    acting_user = None
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "body",
            "excerpt",
            "cover",
            "cover_alt",
            "categories",
            "tags",
            "publish_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        explain_nul_characters(self)
        self.conflict = None
        self.merge = None  # a merge with places to choose (editorial/merging.py)
        self.merged = None  # a merge done without asking
        self.went_live_meanwhile = False
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            # A published article's form edits its pending version, if it has one.
            if proposed := pending_of(self.instance):
                self.initial.update(form_initial(proposed))

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        if reason := body_too_long(body):
            raise ValidationError(reason, code="body_too_long")
        return body

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        limit = Tag._meta.get_field("name").max_length
        for name in tags:
            if problem := control_character_problem(name):
                raise ValidationError(
                    f"タグ「{strip_control_characters(name, keep='')[:10]}」: {problem}"
                    "その文字を取り除いてからもう一度保存してください。",
                    code="control_character",
                )
            if len(name) > limit:
                raise ValidationError(
                    f"タグ「{name[:10]}…」が長すぎます（{len(name)} 文字、上限 {limit} 文字）。短くしてください。",
                    code="tag_too_long",
                )
        return tags

    def clean_publish_at(self):
        publish_at = self.cleaned_data.get("publish_at")
        # A time already on the article may have passed; only a newly typed one is checked.
        if publish_at and "publish_at" in self.changed_data and publish_at <= timezone.now():
            raise ValidationError(
                "公開予定日時が過ぎています。未来の日時を指定するか、空欄にしてください"
                "（空欄のまま承認すると、すぐに公開されます）。",
                code="publish_at_past",
            )
        return publish_at

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            expected = cleaned.get("loaded_version")
            try:
                locked = lock_for_edit(self.instance.pk, expected_version=expected, by=self.acting_user)
            except NotPermitted as refusal:
                raise ValidationError(str(refusal), code="not_permitted") from None
            except EditConflict as conflict:
                locked = self._merge_with_the_later_save(expected, conflict)
            # Published since this form was read (the scheduler, an approve): the
            # save becomes a pending version, and the admin says why.
            self.went_live_meanwhile = (
                self.instance.status != Article.Status.PUBLISHED and locked.status == Article.Status.PUBLISHED
            )
            # The stage may have moved since this form was read (the scheduler
            # publishing, say); a content save must never write an old one back.
            for field in WORKFLOW_FIELDS:
                setattr(self.instance, field, getattr(locked, field))
            if locked.status in SCHEDULE_BOUND_STAGES:
                cleaned["publish_at"] = locked.publish_at
        return cleaned

    def _merge_with_the_later_save(self, expected, conflict):
        """Someone saved since this form was opened: merge both saves (editorial/merging.py),
        or ask which text to keep where both changed the same place. The row is locked by
        now, so what is merged with is what the save will replace."""
        theirs_article = Article.objects.get(pk=self.instance.pk)
        base = (
            merging.base_of(theirs_article, expected)
            if expected and expected < conflict.current_version
            else None
        )
        if base is None or base.version != expected:
            # No revision of what this form was opened at: a version it could not have been
            # opened at, or a live article's pending version (its saves keep no revision).
            # Merging over an older text could undo the other person's edit unseen: refuse,
            # with the diff, as before merging existed.
            self._report_conflict(conflict)
        saved = pending_of(theirs_article) or theirs_article
        theirs = {
            "title": saved.title,
            "slug": saved.slug,
            "excerpt": saved.excerpt,
            "cover_alt": saved.cover_alt,
            "body": saved.body,
            "categories": saved.categories
            if isinstance(saved.categories, list)
            else list(theirs_article.categories.values_list("pk", flat=True)),
            "tags": saved.tags if isinstance(saved.tags, list) else list(theirs_article.tags.names()),
        }
        metadata = base.metadata or {}
        before = {
            "title": base.title,
            "slug": metadata.get("slug", theirs["slug"]),
            "excerpt": base.excerpt,
            # Not in a revision: the form's own value stands, as before merging existed.
            "cover_alt": theirs["cover_alt"],
            "body": base.body,
            "categories": metadata.get("categories", theirs["categories"]),
            "tags": metadata.get("tags", theirs["tags"]),
        }
        cleaned = self.cleaned_data
        mine = {name: cleaned.get(name) or "" for name in ("title", "slug", "excerpt", "cover_alt", "body")}
        mine["categories"] = [category.pk for category in cleaned.get("categories") or []]
        mine["tags"] = list(cleaned.get("tags") or [])
        outcome = merging.merge(
            base=before, mine=mine, theirs=theirs, theirs_version=conflict.current_version
        )
        choices = {clash.key: self.data.get(f"_merge_{clash.key}", "") for clash in outcome.clashes}
        if outcome.unresolved(choices):
            self.merge = outcome
            raise ValidationError(
                f"開いたあとで、ほかの人が同じ箇所を変えて保存しました（現在 第{conflict.current_version}版）。"
                "下で箇所ごとに残す文を選んでから、もう一度保存してください。ほかの箇所は合わせて保存します。",
                code="edit_conflict",
            )
        merged = outcome.result(choices)
        for name in ("title", "slug", "excerpt", "cover_alt", "body", "tags"):
            cleaned[name] = merged[name]
        cleaned["categories"] = Category.objects.filter(pk__in=merged["categories"])
        self.merged = outcome
        return lock_for_edit(self.instance.pk, expected_version=conflict.current_version, by=self.acting_user)

    def _report_conflict(self, conflict):
        theirs = Article.objects.get(pk=self.instance.pk)
        mine = {field: self.cleaned_data.get(field, "") or "" for field in ("title", "excerpt", "body")}
        # On a published article the other save may be a pending version: that is what to compare with.
        saved = pending_of(theirs) or theirs
        self.conflict = {"diff": diff_fields(as_snapshot(saved), mine), "version": theirs.version}
        # The editor's text stays in the form. Saving again after reading the
        # diff is a deliberate choice, so the form now carries the new version.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_version")] = str(conflict.current_version)
        raise ValidationError(str(conflict), code="edit_conflict")


class TagAdminForm(forms.ModelForm):
    """taggit's tag form, with the rule every other name follows (taggit's model is not ours)."""

    class Meta:
        model = Tag
        fields = ["name", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        explain_nul_characters(self)

    def clean_name(self):
        name = self.cleaned_data["name"]
        reject_control_characters(name)
        return name


class SegmentForm(forms.Form):
    """A pasted continuation; its parent is detected unless the editor picks one."""

    text = forms.CharField(
        label="続きの本文",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "追加する本文を貼り付けてください。"},
    )
    parent = forms.ModelChoiceField(
        label="どの部分の続きか",
        queryset=Segment.objects.none(),
        required=False,
        empty_label="自動で判定する",
    )

    def __init__(self, article, *args, **kwargs):
        super().__init__(*args, **kwargs)
        explain_nul_characters(self)
        self.article = article
        self.fields["parent"].queryset = Segment.objects.filter(article=article)
        self.fields["parent"].label_from_instance = lambda segment: (
            f"#{segment.pk} …{segment.text.strip()[-30:]}"
        )

    def clean_text(self):
        text = self.cleaned_data["text"]
        reject_control_characters_in_text(text)
        if reason := body_too_long(text, what="続きの本文"):
            raise ValidationError(reason, code="body_too_long")
        return text

    def confirmed_parent(self, value):
        """The parent shown in the join preview, if the editor confirmed it."""
        pk = row_id(value)
        return Segment.objects.filter(article=self.article, pk=pk).first() if pk else None
