"""Uploaded images (posters, portraits): checked by content, re-encoded, stored under our
own names, and deleted once no row points at them.

An upload is decoded with Pillow and saved afresh in its own format, turned upright as
its EXIF orientation says. What the uploader's file carried besides the pixels (EXIF with
GPS positions, comments, bytes appended after the image's end such as a ZIP or an HTML
page) is not copied. The stored name is random, and its extension is that of the format
Pillow detected, never the one in the uploader's file name.
"""

import io
import logging
import uuid
from contextlib import contextmanager
from functools import partial

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import signals
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from guide import renditions

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# A poster or a portrait needs no more than 4096 × 4096 pixels (16.7 megapixels). A
# decoded image of that size takes at most 64 MB; anything larger is refused unread.
MAX_PIXELS = 4096 * 4096
# Pillow's own decompression-bomb guard for every image this process opens: it warns
# above this many pixels and refuses to open twice as many.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
JPEG_QUALITY = 90
WEBP_QUALITY = 90

_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def _too_many_pixels() -> ValidationError:
    side = int(MAX_PIXELS**0.5)
    return ValidationError(
        _("That image has too many pixels: at most %(side)s × %(side)s, please.") % {"side": side},
        code="too_many_pixels",
    )


def validate_image(upload) -> None:
    """Refuse files that are too big or are not really JPEG, PNG or WebP images.

    Only a new upload is checked. A file already in storage passed when it was uploaded;
    saving the form again must not read it back (its handle may be closed, or the
    storage far away).
    """
    if getattr(upload, "_committed", False):
        return
    if upload.size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            _("Images may be at most %(mb)s MB.")
            % {"mb": settings.MAX_IMAGE_UPLOAD_BYTES // (1024 * 1024)},
            code="too_big",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with _decoding(), Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="format")
    if width * height > MAX_PIXELS:
        raise _too_many_pixels()


@contextmanager
def _decoding():
    """Pillow's refusals, as the errors an editor reads next to the field."""
    try:
        yield
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except _UNREADABLE as error:
        raise ValidationError(
            _("That file is not an image we can read."), code="unreadable"
        ) from error


class ReencodedImage(ContentFile):
    """An image as we saved it ourselves, named `image.<extension of its format>`."""


def reencode(upload, *, checked: bool = False) -> ReencodedImage:
    """Decode an image and save it afresh, upright, in the same format, with nothing else.

    Raises ValidationError when the file is not an image we accept (validate_image,
    unless the caller has just `checked` it) or does not decode to the end.
    """
    if not checked:
        validate_image(upload)
    buffer = io.BytesIO()
    upload.seek(0)
    try:
        with _decoding(), Image.open(upload) as image:
            image_format = image.format
            options = _save_options(image)
            ImageOps.exif_transpose(image, in_place=True)  # decodes every pixel
            image.info = {}  # EXIF, XMP, comments and text chunks stay behind
            image.save(buffer, image_format, **options)
    finally:
        upload.seek(0)
    return ReencodedImage(buffer.getvalue(), name=f"image.{ALLOWED_FORMATS[image_format]}")


def _save_options(image) -> dict:
    """What a fresh file needs from the original: its colour profile and transparency."""
    options = {}
    if icc_profile := image.info.get("icc_profile"):
        options["icc_profile"] = icc_profile
    if image.format == "JPEG":
        options |= {"quality": JPEG_QUALITY, "optimize": True}
    elif image.format == "WEBP":
        options["quality"] = WEBP_QUALITY
    elif (transparency := image.info.get("transparency")) is not None:
        options["transparency"] = transparency
    return options


@deconstructible
class RandomName:
    """Store uploads under a fresh name: the uploader's file name is never trusted.

    The name it is given is the re-encoder's (`image.png`), so the extension kept is
    that of the format Pillow detected; any other extension becomes `.img`.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in {"jpg", "jpeg", "png", "webp"}:
            extension = "img"
        return f"{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


class ImageUploadFormField(forms.ImageField):
    """The form field: our clear errors first, then the upload re-encoded.

    Decoding happens here, while validating, so that a file Pillow cannot decode to
    the end is an error next to the field, never a failed save.
    """

    def to_python(self, data):
        if data in self.empty_values:
            return super().to_python(data)
        try:
            validate_image(data)
        except ValidationError as error:
            if error.code != "unreadable":
                raise
            # Not an image at all: Django's own words follow, as for any such file.
        upload = super().to_python(data)
        return reencode(upload, checked=True)


class ReencodedImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        if not isinstance(content, ReencodedImage):
            content = reencode(content)
        super().save(content.name, content, save)

    save.alters_data = True


class UploadedImageField(models.ImageField):
    """An ImageField whose files are re-encoded on the way in and deleted on the way out.

    When a saved row no longer points at a file (it was replaced or cleared) and when a
    row is deleted (cascades included), its file is deleted from storage once the
    transaction commits, with its renditions, unless some row of any model still points
    at it. A rolled-back transaction deletes nothing. Files are kept by storage, not by
    the database, so this is the field's own housekeeping rather than a business rule.

    `renditions_field` names the row's JSONField that records the image's responsive
    renditions (guide.renditions): a new image empties it, and once the save commits a
    background task draws them and fills it in.

    Migrations see a plain ImageField: none of this changes the schema.
    """

    attr_class = ReencodedImageFieldFile

    def __init__(self, *args, renditions_field: str | None = None, **kwargs):
        self.renditions_field = renditions_field
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        file = super().pre_save(model_instance, add)
        stored = self._stored_names(model_instance).get(self.attname)
        if self.renditions_field and self._current_name(model_instance) != stored:
            setattr(model_instance, self.renditions_field, {})  # saved in the same write
        return file

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadFormField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ImageField", args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract:
            signals.post_init.connect(self._remember_stored_name, sender=cls, weak=False)
            signals.post_save.connect(self._forget_replaced_file, sender=cls, weak=False)
            signals.post_delete.connect(self._forget_deleted_file, sender=cls, weak=False)

    # The name each row had in the database, kept on the instance when it is loaded.

    def _stored_names(self, instance) -> dict:
        return instance.__dict__.setdefault("_stored_file_names", {})

    def _current_name(self, instance) -> str:
        value = instance.__dict__.get(self.attname)
        if isinstance(value, FieldFile):  # an upload not yet stored has no name of ours
            return (value.name or "") if value._committed else ""
        return value if isinstance(value, str) else ""

    def _stored_widths(self, instance) -> dict:
        return instance.__dict__.setdefault("_stored_file_widths", {})

    def _remember_stored_name(self, sender, instance, **kwargs):
        if self.attname in instance.__dict__:  # not deferred
            self._remember(instance)

    def _remember(self, instance) -> None:
        """Keep the name and width the row has in the database: their renditions are
        deleted with the file."""
        self._stored_names(instance)[self.attname] = self._current_name(instance)
        if self.width_field:
            self._stored_widths(instance)[self.attname] = instance.__dict__.get(self.width_field)

    def _forget_replaced_file(self, sender, instance, raw=False, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if raw or (update_fields is not None and self.name not in update_fields):
            return
        if self.attname not in instance.__dict__:
            return
        current = self._current_name(instance)
        previous = self._stored_names(instance).get(self.attname)
        if previous != current:
            if previous:
                self._delete_when_unused(instance, previous, using)
            if current and self.renditions_field:
                self._draw_renditions(instance, current, using)
        self._remember(instance)

    def _forget_deleted_file(self, sender, instance, using=None, **kwargs):
        names = {self._stored_names(instance).get(self.attname), self._current_name(instance)}
        for name in names - {None, ""}:
            self._delete_when_unused(instance, name, using)

    def _delete_when_unused(self, instance, name: str, using) -> None:
        width = self._stored_widths(instance).get(self.attname)
        transaction.on_commit(
            partial(_delete_if_unused, self.storage, name, [width] if width else []),
            using=using,
            robust=True,
        )

    def _draw_renditions(self, instance, name: str, using) -> None:
        label = instance._meta.label
        transaction.on_commit(
            lambda: renditions.make_renditions.enqueue(label, instance.pk, self.name, name),
            using=using,
            robust=True,
        )


def _delete_if_unused(storage, name: str, widths: list[int]) -> None:
    """Delete a stored file and its renditions, unless a row of any model still points
    at it."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and (
                model._default_manager.filter(**{field.name: name}).exists()
            ):
                return
    storage.delete(name)
    renditions.delete(storage, name, widths)
    logger.info("Deleted %s and its renditions: no row points at it any more.", name)
