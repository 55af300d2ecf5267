"""Responsive renditions of uploaded images: a few smaller widths, in WebP and AVIF.

An upload (guide.uploads) is stored as the editor sent it, re-encoded. Once its save
commits, a background task draws it again at each width of WIDTHS narrower than itself,
and at its own width when that is no wider than the widest, in every format of FORMATS
the installed Pillow can write. The files go through the field's storage (`STORAGES`),
so object storage works unchanged. Their names follow from the upload's own name, so a
page needs no query to find them: the row keeps only which were made (the field's
`renditions_field`), and `{% picture %}` writes the `srcset` from that. Until the task
has run, a page shows the upload itself.
"""

import io
import logging
from collections.abc import Iterable

from django.apps import apps
from django.core.files.base import ContentFile
from django.tasks import task
from PIL import Image, features

from core import freshness

logger = logging.getLogger(__name__)

WIDTHS = (160, 320, 480, 640, 960, 1280)
# Extension: Pillow's format name, its plugin's feature name and how to save. Smaller
# files first: a page offers them in this order, and a browser takes the first it reads.
FORMATS = {
    # Speed 8 of 10: a third of the default's encoding time for files about a fifth larger.
    "avif": ("AVIF", "avif", {"quality": 60, "speed": 8}),
    "webp": ("WEBP", "webp", {"quality": 80, "method": 4}),
}


def writable_formats() -> tuple[str, ...]:
    """The extensions of FORMATS this Pillow can write (AVIF needs its plugin)."""
    return tuple(ext for ext, (_, feature, _) in FORMATS.items() if features.check(feature))


def widths_for(width: int) -> list[int]:
    """The widths an image `width` pixels wide is drawn at: never wider than itself."""
    if width > WIDTHS[-1]:
        return list(WIDTHS)
    return [*(each for each in WIDTHS if each < width), width]


def rendition_name(name: str, width: int, extension: str) -> str:
    """Where the rendition of the stored file `name` at `width` in `extension` goes."""
    stem = name.rsplit(".", 1)[0]
    return f"renditions/{stem}-{width}w.{extension}"


def draw(storage, name: str) -> dict[str, list[int]]:
    """Draw and store every rendition of `name`; return the widths made per extension."""
    with storage.open(name, "rb") as handle, Image.open(handle) as image:
        image.load()
        made = {extension: [] for extension in writable_formats()}
        for width in widths_for(image.width):
            resized = _resized(image, width)  # once for every format
            for extension, widths in made.items():
                pillow_format, _, options = FORMATS[extension]
                buffer = io.BytesIO()
                resized.save(buffer, pillow_format, **options)
                target = rendition_name(name, width, extension)
                storage.delete(target)  # a file of the same name would get another name
                storage.save(target, ContentFile(buffer.getvalue()))
                widths.append(width)
    return made


def _resized(image: Image.Image, width: int) -> Image.Image:
    # Palette and 16-bit images are drawn in 8-bit colour, keeping any transparency.
    mode = "RGBA" if image.has_transparency_data else "RGB"
    converted = image if image.mode == mode else image.convert(mode)
    if width == image.width:
        return converted
    height = max(1, round(image.height * width / image.width))
    return converted.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def delete(storage, name: str, widths: Iterable[int] = ()) -> None:
    """Delete every rendition `name` may have: those of WIDTHS and of `widths`."""
    for width in sorted({*WIDTHS, *widths}):
        for extension in FORMATS:
            storage.delete(rendition_name(name, width, extension))


@task()
def make_renditions(model: str, pk: int, field: str, name: str) -> dict[str, list[int]]:
    """Draw the renditions of a row's image, and record them on the row while it still
    holds that image (an editor may have replaced it meanwhile: that one has its own)."""
    model_class = apps.get_model(model)
    image_field = model_class._meta.get_field(field)
    row = model_class._default_manager.filter(pk=pk, **{field: name}).first()
    if row is None:
        return {}
    made = draw(image_field.storage, name)
    updated = model_class._default_manager.filter(pk=pk, **{field: name}).update(
        **{image_field.renditions_field: made}
    )
    if updated:  # pages kept in the cache show the image: offer the new sizes
        shown_on = getattr(row, "shown_on", None)
        freshness.touch(*(shown_on() if shown_on else (freshness.SITE,)))
    else:
        delete(image_field.storage, name, [w for widths in made.values() for w in widths])
    logger.info("Drew %s for %s %s.", made, model, pk)
    return made
