"""Bulk actions in the article list: each selected article goes through the
same verb as its button on the change form (editorial/workflow.py) or the same
content rule as its form (editorial/classification.py), one at a time, so each
is checked for permission and stage on its own. One refusal stops nothing
else; the editor is told what was done and, article by article, what was
refused and why.

Registered as ``ArticleAdmin.actions``. The list offers an editor's actions
(``permissions=["review"]``) only to editors; the verbs refuse them to anyone
else whatever the request says.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from taggit.models import Tag

from articles.models import Article, Category
from articles.validators import control_character_problem

from . import classification, pending, workflow
from .exceptions import WorkflowError

APPLY = "_bulk_apply"  # the intermediate page's button: the answers are in this POST
SHOWN_ON_PAGE = 20


@dataclass
class Report:
    done: list = field(default_factory=list)  # (article, note)
    refused: list = field(default_factory=list)  # (article, reason)


def _each(queryset, act, *, unchanged, note=None) -> Report:
    """Call ``act(article)`` for every selected article in its own transaction.
    ``act`` returns False when the article was already as asked; ``unchanged``
    says so in the editor's words; ``note(article)``, if given, adds to what was done."""
    report = Report()
    for article in queryset.order_by("pk"):
        stage_before = article.get_status_display()
        try:
            changed = act(article)
        except WorkflowError as error:
            report.refused.append((article, str(error)))
            continue
        if not changed:
            report.refused.append((article, unchanged(article)))
            continue
        stage_after = article.get_status_display()
        moved = stage_after != stage_before
        said = f"「{stage_before}」→「{stage_after}」" if moved else ""
        report.done.append((article, said + (note(article) if note is not None else "")))
    return report


def _into_pending(article):
    if article.status == Article.Status.PUBLISHED:
        return "（公開中の記事のため、未公開の変更に追加）"
    return ""


def _tell_pending(request, report):
    if any(article.status == Article.Status.PUBLISHED for article, _ in report.done):
        messages.info(
            request,
            "公開中の記事は、読者が見ている内容を変えずに未公開の変更に追加しました。"
            "読者に見えるのは、編集者が未公開の変更を公開してからです。",
        )


def _already_in_stage(article):
    return f"すでに「{article.get_status_display()}」です。"


def _tell(request, report, done):
    if report.done:
        items = format_html_join(
            "", "<li>「{}」{}</li>", ((article.title, note) for article, note in report.done)
        )
        messages.success(request, format_html("{}（{}件）:<ul>{}</ul>", done, len(report.done), items))
    if report.refused:
        items = format_html_join(
            "", "<li>「{}」: {}</li>", ((article.title, reason) for article, reason in report.refused)
        )
        messages.warning(
            request, format_html("次の{}件はできませんでした:<ul>{}</ul>", len(report.refused), items)
        )


def _ask(modeladmin, request, queryset, *, action, form, title, button):
    """The intermediate page: the question, the selected articles, and the
    selection carried over so the answer comes back to the same action."""
    articles = list(queryset.order_by("pk")[:SHOWN_ON_PAGE])
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "form": form,
        "button": button,
        "articles": articles,
        "more": max(0, queryset.count() - SHOWN_ON_PAGE),
        "action": action.__name__,
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "apply": APPLY,
        "changelist_url": reverse("admin:articles_article_changelist"),
    }
    return TemplateResponse(request, "editorial/admin/bulk_action_form.html", context)


def _answered(form_class, request):
    return form_class(request.POST if APPLY in request.POST else None)


class PublishTimeForm(forms.Form):
    publish_at = forms.DateTimeField(
        label="公開予定日時（日本時間）",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "公開予定日時を入力してください。",
            "invalid": "日時の形式が正しくありません（例: 2026-12-01T09:00）。",
        },
    )

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise forms.ValidationError("公開予定日時には未来の日時を指定してください。")
        return publish_at


class CategoryChoiceForm(forms.Form):
    category = forms.ModelChoiceField(
        label="追加するカテゴリー",
        queryset=Category.objects.all(),
        empty_label="選んでください",
        error_messages={
            "required": "追加するカテゴリーを選んでください。",
            "invalid_choice": "そのカテゴリーは見つかりません。一覧から選んでください。",
        },
    )


class TagNameForm(forms.Form):
    name = forms.CharField(
        label="追加するタグ",
        max_length=Tag._meta.get_field("name").max_length,
        error_messages={
            "required": "追加するタグの名前を入力してください。",
            "max_length": "タグの名前が長すぎます（上限 %(limit_value)d 文字）。",
        },
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if problem := control_character_problem(name):
            raise forms.ValidationError(f"タグの名前に{problem}その文字を取り除いてください。")
        if "," in name or '"' in name:
            # The article form reads commas and quotes as the edges of tag names.
            raise forms.ValidationError('タグの名前に「,」や「"」は使えません。1つずつ追加してください。')
        return name


def _local(when):
    return f"{timezone.localtime(when):%Y-%m-%d %H:%M}"


@admin.action(description="選んだ記事をレビューに提出", permissions=["change"])
def submit_selected(modeladmin, request, queryset):
    report = _each(
        queryset, lambda article: workflow.submit(article, by=request.user), unchanged=_already_in_stage
    )
    _tell(request, report, "レビューに提出しました")


@admin.action(description="選んだ記事を承認して今すぐ公開", permissions=["review"])
def approve_now(modeladmin, request, queryset):
    # "Now" even for an article that carries a future time: that is what the editor chose.
    report = _each(
        queryset,
        lambda article: workflow.approve(article, by=request.user, publish_at=timezone.now()),
        unchanged=_already_in_stage,
    )
    _tell(request, report, "承認して公開しました")


@admin.action(description="選んだ記事を承認して日時を指定して公開予約…", permissions=["review"])
def approve_at(modeladmin, request, queryset):
    form = _answered(PublishTimeForm, request)
    if not form.is_valid():
        return _ask(
            modeladmin,
            request,
            queryset,
            action=approve_at,
            form=form,
            title="承認して公開予約",
            button="承認して予約する",
        )
    when = form.cleaned_data["publish_at"]
    report = _each(
        queryset,
        lambda article: workflow.approve(article, by=request.user, publish_at=when),
        unchanged=_already_in_stage,
    )
    _tell(request, report, f"承認し、{_local(when)} に公開予約しました")
    return None


@admin.action(description="選んだ記事の公開予定日時を変更…", permissions=["review"])
def reschedule_selected(modeladmin, request, queryset):
    form = _answered(PublishTimeForm, request)
    if not form.is_valid():
        return _ask(
            modeladmin,
            request,
            queryset,
            action=reschedule_selected,
            form=form,
            title="公開予定日時の変更",
            button="日時を変更する",
        )
    when = form.cleaned_data["publish_at"]
    report = _each(
        queryset,
        lambda article: workflow.reschedule(article, by=request.user, publish_at=when),
        unchanged=_already_in_stage,
    )
    _tell(request, report, f"公開予定日時を {_local(when)} に変更しました")
    return None


@admin.action(description="選んだ記事をアーカイブ（公開を停止）", permissions=["review"])
def archive_selected(modeladmin, request, queryset):
    # Read before: archiving drops them (workflow.archive), and the summary says so.
    with_pending = set(
        pending.current_pending().filter(article__in=queryset).values_list("article_id", flat=True)
    )
    report = _each(
        queryset,
        lambda article: workflow.archive(article, by=request.user),
        unchanged=_already_in_stage,
        note=lambda article: "（未公開の変更も破棄）" if article.pk in with_pending else "",
    )
    _tell(request, report, "アーカイブしました")


@admin.action(description="選んだ記事にカテゴリーを追加…", permissions=["change"])
def add_category(modeladmin, request, queryset):
    form = _answered(CategoryChoiceForm, request)
    if not form.is_valid():
        return _ask(
            modeladmin,
            request,
            queryset,
            action=add_category,
            form=form,
            title="カテゴリーの追加",
            button="追加する",
        )
    category = form.cleaned_data["category"]
    report = _each(
        queryset,
        lambda article: classification.add_category(article, category, by=request.user),
        unchanged=lambda article: f"すでにカテゴリー「{category.name}」が付いています。",
        note=_into_pending,
    )
    _tell(request, report, f"カテゴリー「{category.name}」を追加しました")
    _tell_pending(request, report)
    return None


@admin.action(description="選んだ記事にタグを追加…", permissions=["change"])
def add_tag(modeladmin, request, queryset):
    form = _answered(TagNameForm, request)
    if not form.is_valid():
        return _ask(
            modeladmin, request, queryset, action=add_tag, form=form, title="タグの追加", button="追加する"
        )
    name = form.cleaned_data["name"]
    report = _each(
        queryset,
        lambda article: classification.add_tag(article, name, by=request.user),
        unchanged=lambda article: f"すでにタグ「{name}」が付いています。",
        note=_into_pending,
    )
    _tell(request, report, f"タグ「{name}」を追加しました")
    _tell_pending(request, report)
    return None


ACTIONS = [
    submit_selected,
    approve_now,
    approve_at,
    reschedule_selected,
    archive_selected,
    add_category,
    add_tag,
]
