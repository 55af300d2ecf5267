"""Uploaded images (posters, portraits): checked by content, stored under our own names."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before memory runs out


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
            % {"mb": settings.MAX_IMAGE_UPLOAD_BYTES // (1024 * 1024)}
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise ValidationError(_("That file is not an image we can read.")) from error
    finally:
        upload.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."))
    if width * height > MAX_PIXELS:
        raise ValidationError(_("That image has too many pixels."))


@deconstructible
class RandomName:
    """Store uploads under a fresh name: the uploader's file name is never trusted."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if extension not in {"jpg", "jpeg", "png", "webp"}:
            extension = "img"
        return f"{self.folder}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder
