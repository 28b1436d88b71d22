from datetime import datetime
from functools import partial

from axes import admin as axes_admin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DateTimeField, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from markdownx.models import MarkdownxField
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import MergeTagsForm
from taggit.managers import TaggableManager
from taggit.models import Tag

from articles.furniture import furniture_of
from articles.markdown import render
from articles.models import Article, ArticleAuthor, Author, Category, public_authors
from articles.validators import LAYOUT_CHARACTERS, control_character_problem
from writing.admin_integration import AutosaveAdminMixin
from writing.counts import counts_of_html

from . import bulk_actions, pending, pending_review, people, previews, revisions, scheduling, workflow
from .checks import review_findings
from .comments import views as comment_views
from .continuation import segments as continuation
from .continuation.panel import highlighted_join, tree
from .continuation.stitching import find_overlap
from .continuation.truncation import is_truncated
from .date_inputs import HintedSplitDateTime
from .desk.sections import with_schedule
from .editing import SCHEDULE_BOUND_STAGES
from .exceptions import WorkflowError
from .forms import ArticleAdminForm, SegmentForm, TagAdminForm, explain_nul_in, row_id
from .generation import admin as generation_admin  # noqa: F401 (registers the prompt and the record)
from .generation import panel as generation_panel
from .models import Revision, Segment
from .people import display_name
from .roles import (
    author_profile,
    is_author_of,
    is_editor,
    may_save_changes,
    visible_articles,
    visible_tags,
)
from .widgets import (
    QuietPreviewMarkdownxWidget,
    SafeAutocompleteSelect,
    SafeAutocompleteSelectMultiple,
    SuggestingTagWidget,
)


class SafeInputs:
    """Admin inputs that Django lets through to the database as a 500: NUL in
    searches (PostgreSQL refuses it in text; no title or name holds one) and
    non-numeric ids re-displayed by the autocomplete widgets. NUL typed into
    a text field gets a message that says so."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            explain_nul_in(formfield)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Author)
class AuthorAdmin(SafeInputs, admin.ModelAdmin):
    """Authors: editors keep them all; a writer keeps their own name and profile right."""

    list_display = ["name", "slug", "is_team", "user"]
    list_filter = ["is_team"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    # What a writer may not change of their own profile: its address and who it belongs to.
    OWNER_READONLY = ["slug", "user", "is_team"]

    def has_change_permission(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return True
        return obj is not None and obj.user_id is not None and obj.user_id == request.user.pk

    def _owner_only(self, request, obj):
        return obj is not None and not super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._owner_only(request, obj):
            return self.OWNER_READONLY
        return super().get_readonly_fields(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self._owner_only(request, obj) else super().get_prepopulated_fields(request, obj)

    def view_on_site(self, obj):
        # The link to the public page only while it exists: until an article of theirs is live it is a 404.
        return obj.get_absolute_url() if public_authors().filter(pk=obj.pk).exists() else None


@admin.register(Category)
class CategoryAdmin(SafeInputs, admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    """taggit's admin, with "merge tags" kept to those who may add and change tags.

    taggit's merge view checks no permission and its action needs none, so
    any staff user could rewrite the tags of every article, published ones
    included, by merging.
    """

    form = TagAdminForm
    # taggit's own messages and merge page are in English, and not translatable.
    TAGGIT_MESSAGES = {
        "Please select at least one tag.": "統合するタグを1つ以上選んでください。",
        "Tags have been merged": "タグを統合しました。",
    }

    def message_user(self, request, message, *args, **kwargs):
        super().message_user(request, self.TAGGIT_MESSAGES.get(message, message), *args, **kwargs)

    @admin.action(description="選んだタグを1つに統合", permissions=["add", "change"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def get_queryset(self, request):
        return visible_tags(request.user, super().get_queryset(request))

    def merge_tags_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        selected = request.session.get("selected_tag_ids", "")
        if request.method == "POST" and not all(part.isdigit() for part in selected.split(",")):
            messages.error(request, "統合するタグを一覧で選んでから操作してください。")
            return HttpResponseRedirect(reverse("admin:taggit_tag_changelist"))
        form = MergeTagsForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            return super().merge_tags_view(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "タグの統合",
            "form": form,
            "tag_count": len([part for part in selected.split(",") if part]),
        }
        return TemplateResponse(request, "editorial/admin/merge_tags.html", context)


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)

    @admin.register(AccessAttempt)
    class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
        """django-axes' failed logins, with its computed columns named in Japanese
        (its models and fields are translated in allforces/locale)."""

        @admin.display(description="状態")
        def status(self, obj):
            return super().status(obj)

        @admin.display(description="有効期限")
        def expiration(self, obj):
            return super().expiration(obj)


def _family_name_first(fields):
    fields = list(fields)
    if "first_name" in fields and "last_name" in fields:
        fields.remove("last_name")
        fields.insert(fields.index("first_name"), "last_name")
    return fields


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin with names in 姓 名 order, as the office writes them."""

    fieldsets = [
        (name, {**options, "fields": _family_name_first(options["fields"])})
        for name, options in UserAdmin.fieldsets
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "last_name",
                    "first_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    list_display = ["username", "full_name", "email", "is_staff"]
    search_fields = ["username", "last_name", "first_name", "email"]

    @admin.display(description="氏名", ordering="last_name")
    def full_name(self, user):
        return people.full_name(user)


class AtLeastOneAuthorFormSet(BaseInlineFormSet):
    """The article's authors: at least one, and a writer among them.

    The admin sets ``acting_user`` on the class it builds for each request.
    A writer sees only the articles they are an author of, so a save that left
    them out would hide the article from them the moment it was saved; it is
    refused instead, with the form and everything typed in it kept.
    """

    acting_user = None

    def clean(self):
        super().clean()
        named = [
            form.cleaned_data["author"]
            for form in self.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        ]
        if not named:
            raise ValidationError("著者を1人以上指定してください。")
        user = self.acting_user
        if user is not None and not is_editor(user):
            profile = author_profile(user)
            if profile is None or profile not in named:
                raise ValidationError(
                    f"あなた（{profile or display_name(user)}）を著者から外すと、保存したあとこの記事を開けなくなります。"
                    "自分を著者に残したまま保存してください。チーム名義などだけにしたいときは、"
                    "レビューで編集者に外してもらえます。"
                )


class ArticleAuthorInline(SafeInputs, admin.TabularInline):
    model = ArticleAuthor
    formset = AtLeastOneAuthorFormSet
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 0
    min_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_user = request.user  # a class made for this request
        return formset

    def get_extra(self, request, obj=None, **kwargs):
        proposed = pending.pending_of(obj) if obj is not None and obj.pk else None
        if proposed is not None and request.method != "POST":
            return max(0, len(proposed.authors) - self.min_num)
        return super().get_extra(request, obj, **kwargs)


class VisibleTagsFilter(admin.RelatedFieldListFilter):
    """The tag filter, naming only the tags the user may see."""

    def field_choices(self, field, request, model_admin):
        return [(tag.pk, tag.name) for tag in visible_tags(request.user).order_by("name")]


class QueueFilter(admin.SimpleListFilter):
    """The editors' "waiting for review" and everyone's "my articles"."""

    title = "表示"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        choices = [("mine", "自分の記事")]
        if is_editor(request.user):
            choices.insert(0, ("review", "レビュー待ち"))
        return choices

    def queryset(self, request, queryset):
        if self.value() == "review":
            # Changes to live articles sent to review wait for an editor too.
            return queryset.filter(Q(status=Article.Status.REVIEW) | pending_review.in_review_q()).order_by(
                "updated_at"
            )
        if self.value() == "mine":
            return queryset.filter(article_authors__author__user=request.user)
        return queryset


@admin.register(Article)
class ArticleAdmin(AutosaveAdminMixin, SafeInputs, admin.ModelAdmin):
    form = ArticleAdminForm
    change_form_template = "editorial/admin/article_change_form.html"
    change_list_template = "editorial/admin/article_change_list.html"
    list_display = ["title", "status", "author_names", "category_names", "publish_at", "updated_at"]
    list_filter = [QueueFilter, "status", "categories", "authors", ("tags", VisibleTagsFilter)]
    search_fields = ["title", "body"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["categories"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleAuthorInline]
    actions = bulk_actions.ACTIONS
    readonly_fields = [
        "status",
        "published_at",
        "first_published_at",
        "reading_time",
        "version",
        "created_at",
        "updated_at",
        "old_addresses",
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt", "loaded_version"]}),
        ("表紙画像", {"fields": ["cover", "cover_alt"]}),
        ("分類", {"fields": ["categories", "tags"]}),
        ("公開", {"fields": ["status", "publish_at", "published_at", "first_published_at"]}),
        (
            "記録",
            {
                "fields": ["reading_time", "version", "created_at", "updated_at", "old_addresses"],
                "classes": ["collapse"],
            },
        ),
    ]
    formfield_overrides = {
        MarkdownxField: {"widget": QuietPreviewMarkdownxWidget},
        TaggableManager: {"widget": SuggestingTagWidget},
        DateTimeField: {"widget": HintedSplitDateTime},
    }

    @admin.display(description="旧URL（Jekyll）")
    def old_addresses(self, article):
        paths = [legacy.path for legacy in article.legacy_urls.all()] if article.pk else []
        return format_html_join("\n", "<div>{}</div>", ((path,) for path in paths)) or "なし"

    # Who sees and edits what -------------------------------------------------

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("article_authors", queryset=ArticleAuthor.authors_in_order()), "categories"
            )
        )
        return visible_articles(request.user, queryset)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return is_editor(request.user) or is_author_of(request.user, obj)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return may_save_changes(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and is_editor(request.user)

    def has_review_permission(self, request):
        """For the list's editor-only bulk actions (``permissions=["review"]``)."""
        return is_editor(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.acting_user = request.user  # a class made for this request
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Once scheduled, the time changes only through "reschedule", which is audited.
        if obj is not None and obj.status in SCHEDULE_BOUND_STAGES:
            fields.append("publish_at")
        return fields

    # Saving: version, revision, stage ----------------------------------------

    def save_model(self, request, obj, form, change):
        # A published article's form saves a pending version instead (save_related):
        # readers keep the live content until an editor publishes it.
        if not _goes_pending(obj, change):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if form.merged is not None:
            messages.info(
                request,
                f"開いたあとで第{form.merged.theirs_version}版が保存されていました。"
                f"ほかの人の変更（{'・'.join(form.merged.changed_by_them) or '分類など'}）と、あなたの変更を合わせて保存しました。",
            )
        if _goes_pending(form.instance, change):
            self._save_pending(request, form, formsets)
            return
        super().save_related(request, form, formsets, change)
        article = form.instance
        content_changed = not change or form.has_changed() or any(fs.has_changed() for fs in formsets)
        if not content_changed:
            return
        previous_stage = article.get_status_display()
        if revisions.commit_content_change(article, by=request.user, bump=change):
            messages.warning(
                request,
                f"ステージが「{previous_stage}」から「{article.get_status_display()}」に変わりました。",
            )

    def _save_pending(self, request, form, formsets):
        if not (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            return
        author_forms = [
            author_form
            for formset in formsets
            if isinstance(formset, AtLeastOneAuthorFormSet)
            for author_form in formset.forms
            if author_form.cleaned_data.get("author") and not author_form.cleaned_data.get("DELETE")
        ]
        author_forms.sort(key=lambda author_form: author_form.cleaned_data.get("position") or 0)
        request.saved_as_pending = True
        proposed = pending.save_pending(
            form.instance,
            categories=form.cleaned_data.get("categories") or [],
            tags=form.cleaned_data.get("tags") or [],
            authors=[author_form.cleaned_data["author"] for author_form in author_forms],
            by=request.user,
        )
        if proposed.unchanged:
            # A banner button saves the form first; the author rows always look new (they
            # are the pending version's, not the live article's), so the form says "changed".
            request.pending_unchanged = True
            if "_pending" not in request.POST:
                messages.info(request, "未公開の変更に変わりはありません。")
            return
        if is_editor(request.user):
            follow_up = "「今すぐ公開」か公開予約をするまで、読者には今の内容が表示されます。"
        elif proposed.submitted_at is None:
            follow_up = "内容が整ったら「レビューに出す」を押してください。編集者が公開するまで、読者には今の内容が表示されます。"
        else:
            follow_up = "レビュー待ちのまま、編集者はこの内容を確認します。公開されるまで、読者には今の内容が表示されます。"
        if proposed.cleared_schedule is not None:
            messages.warning(
                request,
                f"{timezone.localtime(proposed.cleared_schedule):%Y-%m-%d %H:%M} の公開予約を取り消しました。"
                "編集者が承認したのは保存前の内容のため、この変更はレビュー待ちに戻りました。",
            )
        if form.went_live_meanwhile:
            messages.warning(
                request,
                "この記事は開いたあとに公開されたため、変更は公開されず、未公開の変更として保存されました。"
                "内容を確認してから公開してください。",
            )
        messages.info(request, f"公開中の記事は変えずに、未公開の変更として保存しました。{follow_up}")

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        # Django's 「…を変更しました。」 would say the live article changed; _save_pending says what did.
        if getattr(request, "saved_as_pending", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "pending_unchanged", False):
            return ""
        if _goes_pending(form.instance, not add):
            # Nothing of the article itself was saved: Django's message would read the
            # formsets' saved rows, and say the article changed.
            labels = [str(form.fields[name].label) for name in form.changed_data if name in form.fields]
            if any(formset.has_changed() for formset in formsets):
                labels.append("著者")
            return f"未公開の変更として保存しました（{'、'.join(labels) or '変更なし'}）。"
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        # A workflow button saves the form before the verb runs; an unchanged
        # form would be logged as 「変更はありませんでした」 beside the move the
        # verb logs itself (editorial/admin_history.py).
        if not message and ("_workflow" in request.POST or "_pending" in request.POST):
            return None
        return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if "_workflow" in request.POST:
            return self._perform_workflow(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        # The pending version's buttons (今すぐ公開, レビューに出す …) submit the form:
        # what was typed since it opened is saved first, then the verb runs.
        if "_pending" in request.POST:
            return self._perform_pending(request, obj)
        if "_workflow" in request.POST:
            return self._perform_workflow(request, obj)
        return super().response_change(request, obj)

    def _perform_pending(self, request, article):
        try:
            done = pending_review.perform(
                request.POST["_pending"],
                article,
                by=request.user,
                comment=parse_comment(request.POST.get("_pending_comment", "")),
                publish_at=parse_local_datetime(request.POST.get("_pending_publish_at", "")),
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def _perform_workflow(self, request, article, *, saved=True):
        verb = request.POST["_workflow"]
        had_pending = verb == "archive" and pending.pending_of(article) is not None
        try:
            publish_at = parse_local_datetime(request.POST.get("_workflow_publish_at", ""))
            workflow.perform(
                verb,
                article,
                by=request.user,
                comment=parse_comment(request.POST.get("_workflow_comment", "")),
                publish_at=publish_at,
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            done = "保存しました。" if saved else ""
            messages.success(request, f"{done}ステージ: {article.get_status_display()}")
            if had_pending and article.status == Article.Status.ARCHIVED:
                messages.info(
                    request, "公開を停止したため、この記事の未公開の変更（公開予約を含む）は破棄しました。"
                )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    # The change form's workflow panel and history ------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if self.has_add_permission(request):
            self._ensure_author_profile(request)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if article is not None:
            actions = workflow.available_actions(article, request.user)
            if request.method == "POST" and not self.has_change_permission(request, article):
                # Read-only to this user (a writer's article in review): its buttons
                # (withdraw) still act, without saving the form they cannot change.
                if request.POST.get("_workflow") in {action.verb for action in actions}:
                    return self._perform_workflow(request, article, saved=False)
            elif request.method == "POST":
                self._ensure_author_profile(request)
            extra_context.update(
                workflow_actions=[
                    (action, workflow.blocked_reasons(action.verb, article)) for action in actions
                ],
                needs_time=any(action.needs_time for action in actions),
                # A live article's form edits its pending version: check what would go live.
                findings=review_findings(pending.working_copy(article)),
                transitions=article.transitions.select_related("actor__author_profile")[:100],
                revision_rows=pair_with_previous(
                    article.revisions.select_related("author__author_profile")[:100]
                ),
                can_share_preview=is_editor(request.user),
                **self._pending_context(request, article),
                can_restore=self.has_change_permission(request, article),
                **comment_views.panel_context(request, article),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _pending_context(self, request, article):
        proposed = pending.pending_of(article)
        actions = pending_review.available_actions(proposed, article, request.user) if proposed else []
        return {
            "pending_version": proposed,
            "pending_actions": actions,
            "pending_needs_time": any(action.needs_time for action in actions),
            "pending_needs_comment": any(action.verb in ("submit", "request_changes") for action in actions),
            "can_publish_pending": is_editor(request.user),
        }

    def _ensure_author_profile(self, request):
        """Give a staff user who writes their author profile on first need, and say so."""
        profile, created = people.ensure_author_profile(request.user)
        if created:
            messages.info(
                request,
                format_html(
                    "あなたの著者プロフィール「{}」を作りました。記事の著者欄にはこの名前が出ます。"
                    '名前やプロフィールは<a href="{}">著者の画面</a>で直せます。',
                    profile.name,
                    reverse("admin:articles_author_change", args=[profile.pk]),
                ),
            )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        # A new article starts with the person writing it as its author. Only the
        # empty form's first display: on a POST the initial value would make an
        # unchanged author row look like no row, and Django would not save it.
        first_display = (obj is None or obj.pk is None) and request.method != "POST"
        profile = author_profile(request.user) if first_display else None
        if profile is not None and isinstance(inline, ArticleAuthorInline):
            kwargs["initial"] = [{"author": profile.pk, "position": 0}]
        proposed = pending.pending_of(obj) if obj is not None and obj.pk else None
        if proposed is not None and isinstance(inline, ArticleAuthorInline):
            # The byline of the pending version, as new rows: the live rows stay
            # the live article's. Not on a POST, for the reason above.
            kwargs["queryset"] = ArticleAuthor.objects.none()
            if request.method != "POST":
                kwargs["initial"] = [
                    {"author": author_id, "position": position}
                    for position, author_id in enumerate(proposed.authors)
                ]
        return kwargs

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("schedule/", wrap(self.schedule_view), name="articles_article_schedule"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path(
                "<int:pk>/preview-link/",
                wrap(require_POST(self.preview_link_view)),
                name="articles_article_preview_link",
            ),
            path(
                "<int:pk>/continuation/", wrap(self.continuation_view), name="articles_article_continuation"
            ),
            path(
                "<int:pk>/revisions/diff/",
                wrap(self.revision_diff_view),
                name="articles_article_revision_diff",
            ),
            path(
                "<int:pk>/revisions/<int:revision_pk>/restore/",
                wrap(require_POST(self.restore_revision_view)),
                name="articles_article_revision_restore",
            ),
            path(
                "<int:pk>/pending/diff/", wrap(self.pending_diff_view), name="articles_article_pending_diff"
            ),
            path(
                "<int:pk>/comments/",
                wrap(require_POST(partial(comment_views.add_comment, self))),
                name="articles_article_comment_add",
            ),
            path(
                "<int:pk>/comments/<int:comment_pk>/reply/",
                wrap(require_POST(partial(comment_views.reply_to_comment, self))),
                name="articles_article_comment_reply",
            ),
            path(
                "<int:pk>/comments/<int:comment_pk>/resolve/",
                wrap(require_POST(partial(comment_views.resolve_comment, self))),
                name="articles_article_comment_resolve",
            ),
            path(
                "<int:pk>/comments/<int:comment_pk>/reopen/",
                wrap(require_POST(partial(comment_views.reopen_comment, self))),
                name="articles_article_comment_reopen",
            ),
            path(
                "<int:pk>/pending/publish/",
                wrap(require_POST(self.publish_pending_view)),
                name="articles_article_pending_publish",
            ),
            path(
                "<int:pk>/pending/discard/",
                wrap(require_POST(self.discard_pending_view)),
                name="articles_article_pending_discard",
            ),
            *super().get_urls(),
        ]

    def _article_for(self, request, pk, *, change=False):
        article = get_object_or_404(Article.objects.for_listing(), pk=pk)
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_permission(request, article)
        )
        if not allowed:
            raise PermissionDenied
        return article

    def preview_view(self, request, pk):
        article = self._article_for(request, pk)
        response = TemplateResponse(
            request,
            "editorial/preview.html",
            {
                "article": article,
                "furniture": furniture_of(article),
                "preview_banner": "プレビュー（読者にはまだ見えません）",
            },
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def preview_link_view(self, request, pk):
        article = self._article_for(request, pk)
        if not is_editor(request.user):
            raise PermissionDenied
        days = max(1, round(previews.link_max_age_seconds() / 86400))
        messages.success(
            request,
            f"共有用プレビューリンクを作りました（{days}日間有効）: {previews.preview_url(article)}",
        )
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def revision_diff_view(self, request, pk):
        article = self._article_for(request, pk)
        older = get_object_or_404(Revision, pk=_id_or_404(request.GET.get("from")), article=article)
        newer_pk = request.GET.get("to")
        newer = get_object_or_404(Revision, pk=_id_or_404(newer_pk), article=article) if newer_pk else None
        new_snapshot = revisions.as_snapshot(newer or article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "older": older,
            "newer": newer,
            "diff": revisions.diff_fields(revisions.as_snapshot(older), new_snapshot),
            "all_revisions": article.revisions.all(),
            "title": f"版の比較: {article.title}",
        }
        return TemplateResponse(request, "editorial/admin/revision_diff.html", context)

    def pending_diff_view(self, request, pk):
        article = self._article_for(request, pk)
        proposed = pending.pending_of(article)
        if proposed is None:
            raise Http404("この記事に未公開の変更はありません。")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "article": article,
            "pending_version": proposed,
            "diff": revisions.diff_fields(revisions.as_snapshot(article), revisions.as_snapshot(proposed)),
            "other_changes": pending.other_changes(article, proposed),
            "title": f"公開中と未公開の変更の比較: {article.title}",
        }
        return TemplateResponse(request, "editorial/admin/pending_diff.html", context)

    def publish_pending_view(self, request, pk):
        article = self._article_for(request, pk)
        if not is_editor(request.user):
            raise PermissionDenied
        return self._publish_pending(request, article)

    def _publish_pending(self, request, article):
        try:
            done = pending_review.perform("publish", article, by=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def discard_pending_view(self, request, pk):
        article = self._article_for(request, pk)
        if not is_editor(request.user):
            raise PermissionDenied
        try:
            pending.discard_pending(article, by=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "未公開の変更を破棄しました。公開中の内容はそのままです。")
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def restore_revision_view(self, request, pk, revision_pk):
        article = self._article_for(request, pk, change=True)
        revision = get_object_or_404(Revision, pk=revision_pk, article=article)
        try:
            if article.status == Article.Status.PUBLISHED:
                pending.restore_as_pending(article, revision, by=request.user)
                done = f"第{revision.version}版の内容を未公開の変更にしました。公開中の内容はまだ変わっていません。"
            else:
                revisions.restore_revision(article, revision, by=request.user)
                done = f"第{revision.version}版の内容を復元しました（新しい版として保存）。"
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

    def schedule_view(self, request):
        """The upcoming schedule, by day in Tokyo time."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Changes scheduled to live articles go live on their time too: they are listed beside them.
        scheduled = with_schedule(self.get_queryset(request)).order_by("scheduled_for", "pk")
        days = {}
        for article in scheduled:
            days.setdefault(timezone.localtime(article.scheduled_for).date(), []).append(article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "公開予定",
            "days": list(days.items()),
            "overdue": scheduling.due_articles()
            .filter(pk__in=self.get_queryset(request).values("pk"))
            .count(),
        }
        return TemplateResponse(request, "editorial/admin/schedule.html", context)

    def continuation_view(self, request, pk):
        article = self._article_for(request, pk)
        can_edit = self.has_change_permission(request, article)
        form = SegmentForm(article, request.POST or None)
        preview = None
        if request.method == "POST":
            if not can_edit:
                raise PermissionDenied
            try:
                response = self._continuation_action(request, article, form)
            except WorkflowError as error:
                messages.error(request, str(error))
                response = None
            if isinstance(response, HttpResponseRedirect):
                return response
            preview = response
        nodes, alternatives, assembly = tree(article)
        # A published article's panel works on its pending version, if it has one.
        working = pending.working_copy(article)
        # render() sanitises with an allow-list, as Article.rendered_body does.
        rendered_body = article.rendered_body if working is article else mark_safe(render(working.body).html)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"続きの管理: {article.title}",
            "article": article,
            "nodes": nodes,
            "alternatives": alternatives,
            "form": form,
            "preview": preview,
            "can_edit": can_edit,
            "live": article.status == Article.Status.PUBLISHED,
            "pending_version": working if working is not article else None,
            "truncated": is_truncated(working.body),
            # render() sanitises with an allow-list, as Article.rendered_body does.
            "rendered_body": rendered_body,
            "body_counts": counts_of_html(rendered_body),
            **generation_panel.context(article),
        }
        return TemplateResponse(request, "editorial/admin/continuation.html", context)

    def _continuation_action(self, request, article, form):
        """Carry out the panel's button; a redirect when done, the join preview otherwise."""
        here = HttpResponseRedirect(reverse("admin:articles_article_continuation", args=[article.pk]))
        action = request.POST.get("action")
        if action == "choose":
            leaf = get_object_or_404(Segment, pk=_id_or_404(request.POST.get("leaf")), article=article)
            report = continuation.choose_path(article, leaf=leaf, by=request.user)
            self._report_assembly(request, report, f"#{leaf.pk} までの経路を本文にしました。")
            return here
        if action == "generate":
            generation_panel.start_again(article, by=request.user)
            messages.success(request, "続きの生成を再開しました。しばらくすると部分が追加されます。")
            return here
        if not form.is_valid():
            return None
        text, parent = form.cleaned_data["text"], form.cleaned_data["parent"]
        if action == "add":
            confirmed = form.confirmed_parent(request.POST.get("confirmed_parent"))
            segment, report = continuation.add_segment(
                article, text=text, by=request.user, parent=parent or confirmed
            )
            self._report_assembly(
                request, report, f"部分 #{segment.pk} を #{segment.parent_id} の続きとして追加しました。"
            )
            return here
        existing = continuation.segments_of(article)
        if parent is None:
            parent, _ = continuation.detect_parent(text, existing)
        body = pending.working_copy(article).body
        if parent is None and not body.strip():
            messages.info(request, "最初の部分として追加されます。")
            return {"parent": None, "overlap": None}
        # With no segments yet, today's body becomes the first one and the text continues it.
        parent_text = parent.text if parent else body
        overlap = find_overlap(parent_text, text)
        parent_html, child_html = highlighted_join(parent_text, text, overlap)
        label = f"#{parent.pk}" if parent else "今の本文"
        return {
            "parent": parent,
            "label": label,
            "overlap": overlap,
            "parent_html": parent_html,
            "child_html": child_html,
        }

    def _report_assembly(self, request, report, done):
        messages.success(request, done)
        if report.pending_version is not None:
            messages.info(
                request,
                "公開中の記事のため、組み立てた本文は未公開の変更として保存しました。"
                "読者には、編集者が公開するまで今の本文が表示されます。",
            )
        if report.kept_hand_edits:
            messages.warning(
                request,
                f"手で編集されていた本文は第{report.kept_hand_edits.version}版として保存しました。"
                "組み立て直した本文との違いは版の履歴から確認できます。",
            )
        flagged = [join for join in report.assembly.joins if join.flagged]
        if flagged:
            messages.warning(
                request, f"重なりが見つからないつなぎ目が {len(flagged)} か所あります。確認してください。"
            )

    # Change list ---------------------------------------------------------------

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError) as error:
            # Django's date hierarchy lets a year such as 9999 or 10**20 escape as a 500;
            # this makes it the admin's usual "wrong filter" redirect.
            raise IncorrectLookupParameters(error) from error

    def changelist_view(self, request, extra_context=None):
        if ERROR_FLAG in request.GET:
            messages.warning(
                request, "絞り込みの条件が正しくなかったため、条件を外してすべての記事を表示しています。"
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description="著者")
    def author_names(self, article):
        return "、".join(author.name for author in article.ordered_authors)

    @admin.display(description="カテゴリー")
    def category_names(self, article):
        return "、".join(category.name for category in article.categories.all())


def _goes_pending(article, change) -> bool:
    return change and article.status == Article.Status.PUBLISHED


def _id_or_404(value) -> int:
    """A row id from a query or form parameter; anything else is a 404, not a 500."""
    pk = row_id(value)
    if pk is None:
        raise Http404("指定された版または部分が見つかりません。")
    return pk


def pair_with_previous(revisions_newest_first):
    """(revision, the revision before it) pairs for the history table."""
    revisions_newest_first = list(revisions_newest_first)
    return list(zip(revisions_newest_first, [*revisions_newest_first[1:], None], strict=False))


def parse_comment(value: str) -> str:
    """The workflow panel's comment; NUL cannot be stored, so it is refused, not dropped,
    and so are the other control characters (the comment goes into e-mails)."""
    if "\x00" in value:
        raise WorkflowError(
            "コメントに使えない制御文字（NUL）が含まれています。"
            "その文字を取り除いてから、もう一度操作してください。"
        )
    if problem := control_character_problem(value, allow=LAYOUT_CHARACTERS):
        raise WorkflowError(f"コメントに{problem}その文字を取り除いてから、もう一度操作してください。")
    return value.strip()


def parse_local_datetime(value: str) -> datetime | None:
    """A ``datetime-local`` input, read in the site's time zone (Asia/Tokyo)."""
    value = value.strip()
    if not value:
        return None
    try:
        # No date is longer; fromisoformat reads a long run of digits as one,
        # and stops at a NUL without complaint.
        if len(value) > 40 or not value.isprintable():
            raise ValueError
        naive = datetime.fromisoformat(value)
    except ValueError:
        shown = "".join(character for character in value[:40] if character.isprintable())
        raise WorkflowError(f"日時の形式が正しくありません: {shown}（例: 2026-12-01T09:00）") from None
    if naive.tzinfo is not None:
        return naive
    return timezone.make_aware(naive, timezone.get_current_timezone())
