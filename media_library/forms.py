from django import forms
from django.conf import settings
from django.db import transaction

from editorial.forms import ArticleAdminForm, explain_nul_characters
from editorial.uploads import checked_upload

from . import library
from .models import Image
from .widgets import LibraryCoverInput

DESCRIBING_FIELDS = ["alt", "caption", "credit", "source"]
REQUIRED_MESSAGES = {
    "alt": "代替テキストを入力してください。画像が見えない読者は、この説明で内容を知ります。",
    "credit": "クレジットを入力してください。出版社として、画像の出どころを読者に示します"
    "（自社で作った画像なら「ALLFORCES編集部作成」など）。",
}


class _Describing(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        explain_nul_characters(self)
        for name, message in REQUIRED_MESSAGES.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message


class ImageUploadForm(_Describing):
    """A new library image: the file, checked and cleaned as the editor's other
    uploads are (``editorial.uploads.checked_upload``), and its description."""

    upload = forms.FileField(
        label="画像ファイル",
        error_messages={
            "required": "画像ファイルを選んでください。",
            "empty": "空のファイルです。画像ファイルを選び直してください。",
            "invalid": "ファイルが送られてきませんでした。もう一度選んでください。",
        },
    )

    field_order = ["upload", *DESCRIBING_FIELDS]

    class Meta:
        model = Image
        fields = DESCRIBING_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024)
        width = settings.MARKDOWNX_IMAGE_MAX_SIZE["size"][0]
        self.fields["upload"].help_text = (
            f"JPEG・PNG・GIF・WebP、{limit_mb} MB まで。幅 {width:,} px を超える画像は縮小され、"
            "撮影情報などのメタデータは取り除かれます。"
        )
        self.fields["upload"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"
        self.cleaned_image = None

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.cleaned_image = checked_upload(upload)
        return upload


class ImageChangeForm(_Describing):
    class Meta:
        model = Image
        fields = DESCRIBING_FIELDS


class LibraryArticleForm(ArticleAdminForm):
    """The article form with a cover chosen from the library: on save the cover
    becomes that very file (shared by name, as a pending version shares a cover),
    and the cover's renditions are made from it as for any new cover."""

    library_cover = forms.ModelChoiceField(
        label="ライブラリの画像を表紙に",
        queryset=Image.objects.all(),
        required=False,
        widget=LibraryCoverInput,
        help_text="メディアライブラリで「表紙にする」を押した画像です。保存すると、上の表紙画像がこれに置き換わります。",
        error_messages={
            "invalid_choice": "選んだ画像がライブラリにありません（削除されたのかもしれません）。もう一度選んでください。"
        },
    )

    def clean(self):
        cleaned = super().clean()
        if (chosen := cleaned.get("library_cover")) is None:
            return cleaned
        # Locked until the article is saved (the admin saves in one transaction), so a delete
        # of the image waits for the save and then finds the image in use.
        images = Image.objects.all() if transaction.get_autocommit() else Image.objects.select_for_update()
        image = images.filter(pk=chosen.pk).first()
        if image is None:
            self.add_error("library_cover", self.fields["library_cover"].error_messages["invalid_choice"])
        elif problem := library.cover_problem(image):
            self.add_error("library_cover", problem)
        else:
            cleaned["cover"] = image.file.name
            if not cleaned.get("cover_alt"):
                cleaned["cover_alt"] = image.alt
        return cleaned
