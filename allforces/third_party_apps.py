"""Installed apps of other projects, under the names editors see in the admin.

django-axes names itself "Axes" (shown as AXES) with no translation to offer;
the strings inside it are translated in allforces/locale.
"""

from axes.apps import AppConfig as AxesAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "ログイン制限"
