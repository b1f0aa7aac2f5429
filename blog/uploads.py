"""Images that staff upload: editor images (our own CKEditor upload view) and cover images.

An upload is trusted for nothing. Pillow decides what it is (never the file name or the browser's
content type), only JPEG, PNG, GIF and WebP pass, size and pixel limits are checked before the image
is decoded, and what is stored is Pillow's re-encoding (no metadata, no trailing bytes) under a
random name with the extension of its real format, in the media storage (local disk or the bucket).
Nothing uploaded can be served as HTML.
"""

import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import Image, ImageOps, UnidentifiedImageError

from clinic_site import images

UPLOAD_DIR = "uploads"
# Pillow format name -> the extension we store it under.
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# What survives of an image's metadata: only what is needed to draw it (no EXIF, GPS, XMP, ICC, comments).
KEPT_INFO = {"duration", "loop", "transparency", "disposal", "background"}
# Re-encoding an animation costs time per frame, however small the frames: thousands of tiny ones
# would keep a worker busy for seconds. No article needs more than this.
MAX_FRAMES = 300


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int

    def random_name(self) -> str:
        return f"{secrets.token_hex(16)}.{self.extension}"


def clean_image(upload, *, max_side: int | None = None) -> CleanImage:
    """Verify an uploaded file is an allowed image within the limits and re-encode it.

    With ``max_side``, a still image larger than that on its longer side is scaled down to it.
    Raises ValidationError with a message for staff otherwise.
    """
    max_bytes = settings.BLOG_UPLOAD_MAX_BYTES
    max_pixels = settings.BLOG_UPLOAD_MAX_PIXELS
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": round(max_bytes / 1048576, 1)},
            code="too_large",
        )
    upload.seek(0)
    try:
        # Image.open reads only the header: the limits are checked before any pixel is decoded.
        with Image.open(upload, formats=list(FORMATS)) as image:
            # n_frames walks the frame headers without decoding a pixel.
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_FRAMES:
                raise ValidationError(
                    _("The animation has %(frames)s frames; the limit is %(limit)s.")
                    % {"frames": frames, "limit": MAX_FRAMES},
                    code="too_many_frames",
                )
            if image.width * image.height * frames > max_pixels:
                raise ValidationError(
                    _("The image is too large (%(w)s by %(h)s pixels); the limit is %(limit)s megapixels.")
                    % {"w": image.width, "h": image.height, "limit": round(max_pixels / 1_000_000, 1)},
                    code="too_many_pixels",
                )
            return _reencode(image, max_side=max_side)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This file is not a JPEG, PNG, GIF or WebP image."), code="not_an_image"
        ) from exc


def _reencode(image: Image.Image, *, max_side: int | None = None) -> CleanImage:
    fmt = image.format
    out = io.BytesIO()
    if fmt == "GIF" and getattr(image, "is_animated", False):
        image.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
        image.save(out, format="GIF", save_all=True, optimize=False)
    else:
        # Turn the pixels upright before the EXIF orientation tag is dropped with the rest.
        image = ImageOps.exif_transpose(image)
        if max_side and max(image.size) > max_side:
            if image.mode == "P":  # a palette would be scaled by its nearest pixel, jagged
                image = image.convert("RGBA")
            image = ImageOps.contain(image, (max_side, max_side), method=Image.Resampling.LANCZOS)
        image.info = {k: v for k, v in image.info.items() if k in KEPT_INFO}
        if fmt == "JPEG":
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, format="JPEG", quality=85, optimize=True)
        elif fmt == "WEBP":
            image.save(out, format="WEBP", quality=85)
        else:
            image.save(out, format=fmt)
    return CleanImage(out.getvalue(), FORMATS[fmt], image.width, image.height)


def cleaned_upload(upload, *, max_side: int | None = None) -> SimpleUploadedFile:
    """An image field's fresh upload, checked and re-encoded, for a model form to store in its place."""
    image = clean_image(upload, max_side=max_side)
    return SimpleUploadedFile(image.random_name(), image.content, f"image/{image.extension}")


def store_editor_image(upload) -> str:
    """Clean an editor image, store it under uploads/ in the media storage with its smaller copies,
    and record it (blog.EditorImage, which articles showing it take their srcset from); return its name."""
    from .models import EditorImage

    image = clean_image(upload)
    name = default_storage.save(f"{UPLOAD_DIR}/{image.random_name()}", ContentFile(image.content))
    copies = images.make_variants(default_storage, name)
    EditorImage.objects.create(name=name, width=image.width, height=image.height, variants=copies)
    return name


def _error(message: str, status: int) -> JsonResponse:
    # CKEditor 4's filetools protocol: {"uploaded": 0, "error": {"message": ...}}.
    return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=status)


@require_POST
@staff_member_required
def upload_image(request):
    """CKEditor 4 upload endpoint (uploadimage plugin and the Image dialog's Upload tab, XHR).

    CSRF-protected like any admin POST: blog/static/blog/js/editor-upload.js sends the token.
    """
    if not (request.user.has_perm("blog.add_article") or request.user.has_perm("blog.change_article")):
        return _error(_("You may not upload images for articles."), 403)
    upload = request.FILES.get("upload")
    if upload is None:
        return _error(_("Choose an image to upload."), 400)
    try:
        name = store_editor_image(upload)
    except ValidationError as exc:
        return _error(" ".join(exc.messages), 400)
    return JsonResponse(
        {"uploaded": 1, "fileName": name.rsplit("/", 1)[-1], "url": default_storage.url(name)}
    )
