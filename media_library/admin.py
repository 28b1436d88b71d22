from functools import partial

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from editorial import admin as editorial_admin
from editorial.people import display_name
from editorial.roles import is_editor, visible_articles

from . import library, views
from .forms import ImageChangeForm, ImageUploadForm, LibraryArticleForm
from .models import Image

THUMBNAIL_WIDTH = 96


@admin.register(Image)
class ImageAdmin(editorial_admin.SafeInputs, admin.ModelAdmin):
    """The library: every staff writer may browse, upload and use any image and
    describe their own; editors describe any and delete those nothing uses."""

    change_form_template = "media_library/admin/image_change_form.html"
    delete_confirmation_template = "media_library/admin/delete_confirmation.html"
    delete_selected_confirmation_template = "media_library/admin/delete_selected_confirmation.html"
    list_display = ["thumbnail", "alt", "caption", "credit", "dimensions", "uploader", "uploaded_at"]
    list_display_links = ["thumbnail", "alt"]
    search_fields = ["alt", "caption", "credit", "source"]
    search_help_text = "代替テキスト・キャプション・クレジット・入手元で探せます。"
    date_hierarchy = "uploaded_at"
    list_per_page = 40

    class Media:
        css = {"all": ["media_library/library.css"]}

    readonly_fields = ["preview", "dimensions", "format", "file_size", "uploader", "uploaded_at", "markdown"]
    add_fieldsets = [(None, {"fields": ["upload", "alt", "caption", "credit", "source"]})]
    fieldsets = [
        (None, {"fields": ["preview", "alt", "caption", "credit", "source"]}),
        ("ファイル", {"fields": ["dimensions", "format", "file_size", "uploader", "uploaded_at"]}),
        ("本文に貼るとき", {"fields": ["markdown"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by__author_profile")

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = ImageUploadForm if obj is None else ImageChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return is_editor(request.user) or obj.uploaded_by_id == request.user.pk

    # Saving and deleting go through library.py ---------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
        else:
            library.add_image(obj, cleaned=form.cleaned_image, by=request.user)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Django's "protected" list stops both the delete page and the bulk action; the
        # templates say why in this app's words.
        for image in objs:
            for use in library.uses_of(image):
                url = reverse("admin:articles_article_change", args=[use.article.pk])
                protected.append(format_html('「{}」: <a href="{}">{}</a>', image.alt, url, use.describe()))
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        library.delete_image(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            try:
                library.delete_image(image, by=request.user)
            except library.ImageInUse as refusal:  # put to use since the confirmation page
                messages.error(request, f"「{image.alt}」: {refusal}")

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except library.ImageInUse as refusal:  # put to use since the confirmation page
            messages.error(request, str(refusal))
            return HttpResponseRedirect(reverse("admin:media_library_image_change", args=[object_id]))

    # The change page's "where used" ----------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        image = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if image is not None:
            uses = library.uses_of(image)
            # A writer is not told the titles of other writers' drafts: only that there are some.
            shown = {
                article.pk
                for article in visible_articles(request.user).filter(pk__in=[use.article.pk for use in uses])
            }
            extra_context.update(
                uses=[use for use in uses if use.article.pk in shown],
                unseen_uses=len(uses) - len(shown),
                can_delete=self.has_delete_permission(request, image),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # Columns and read-only fields ---------------------------------------------

    @admin.display(description="画像")
    def thumbnail(self, image):
        height = max(1, round(THUMBNAIL_WIDTH * image.height / max(image.width, 1)))
        return format_html(
            '<img src="{}" alt="" width="{}" height="{}" loading="lazy" class="library-thumbnail">',
            image.file.url,
            THUMBNAIL_WIDTH,
            height,
        )

    @admin.display(description="画像")
    def preview(self, image):
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" class="library-preview">',
            image.file.url,
            image.alt,
            image.width,
            image.height,
        )

    @admin.display(description="大きさ")
    def dimensions(self, image):
        return f"{image.width:,}×{image.height:,} px"

    @admin.display(description="ファイルサイズ", ordering="size_bytes")
    def file_size(self, image):
        return f"{max(1, round(image.size_bytes / 1024)):,} KB"

    @admin.display(description="アップロードした人", ordering="uploaded_by")
    def uploader(self, image):
        return display_name(image.uploaded_by) or "—"

    @admin.display(description="Markdown")
    def markdown(self, image):
        return format_html("<code>{}</code>", library.markdown_for(image))

    # The dialog's endpoints --------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "dialog/", wrap(require_GET(partial(views.dialog, self))), name="media_library_image_dialog"
            ),
            path(
                "browse/", wrap(require_GET(partial(views.browse, self))), name="media_library_image_browse"
            ),
            path(
                "upload/", wrap(require_POST(partial(views.upload, self))), name="media_library_image_upload"
            ),
            *super().get_urls(),
        ]


admin.site.unregister(Article)


@admin.register(Article)
class ArticleAdmin(editorial_admin.ArticleAdmin):
    """editorial's article admin with the library in its change form: a cover
    chosen from it, and (through that field's widget) the dialog's script."""

    form = LibraryArticleForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return fieldsets  # read-only: nothing to choose
        return [(name, {**options, "fields": _after_cover(options["fields"])}) for name, options in fieldsets]


def _after_cover(fields):
    fields = list(fields)
    if "cover" in fields and "library_cover" not in fields:
        fields.insert(fields.index("cover") + 1, "library_cover")
    return fields
