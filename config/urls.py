from django.contrib import admin
from django.urls import include, path, re_path

from core import crawlers, health
from guide import api, sitemaps
from guide.views.reader import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("robots.txt", crawlers.robots_txt, name="robots"),
    path("favicon.ico", crawlers.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls()),
    re_path(r"^api/", api.not_found),  # any other address under it, newlines and all
    path("", include("accounts.urls")),
    path("", include("guide.urls")),
]
# Uploaded images under MEDIA_URL are answered by core.media.MediaFilesMiddleware.

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

admin.site.site_header = "Next Season"
admin.site.site_title = "Next Season admin"
admin.site.index_title = "Editors' and moderators' desk"
