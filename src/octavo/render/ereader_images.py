"""Images and the cover as e-readers want them, for the EPUB only.

The PDF keeps every original; the EPUB gets, for each image, the smallest change
that makes it right for a 6-inch, 300-ppi screen (1072 x 1448 pixels):

- an image already in a format every reader shows (JPEG, PNG, GIF), within that
  size, upright and in sRGB, keeps its pixels: only private metadata (EXIF with
  its GPS position, XMP, IPTC, comments, PNG text chunks) is cut out of the file,
  byte for byte, and a file without any is packed exactly as it is;
- anything else is decoded, turned upright (EXIF orientation), converted to sRGB,
  scaled down with a Lanczos filter when too large, and encoded again without
  metadata: JPEG stays JPEG, PNG stays PNG, an animation stays animated, and other
  formats (WebP, TIFF...) become a JPEG for photographs or a PNG for pictures with
  transparency or few colours.

The cover becomes the 1600 x 2560 JPEG that e-book stores ask for. Everything here
is deterministic: the same file gives the same bytes.
"""

from __future__ import annotations

import base64
import io
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps, ImageSequence, ImageStat

from ..errors import BuildError
from ..limits import MAX_IMAGE_PIXELS

#: A 6-inch screen at 300 ppi (Kindle Paperwhite, Kobo Clara): no image is larger.
MAX_WIDTH, MAX_HEIGHT = 1072, 1448
#: What e-book stores ask of a cover: 1:1.6.
COVER_WIDTH, COVER_HEIGHT = 1600, 2560
#: A cover this close to 1:1.6 is scaled to fit exactly; another shape is padded.
COVER_TOLERANCE = 0.02
#: Frames times pixels of one re-encoded animation; beyond it only the first frame
#: is kept, scaled down, so that a long animation cannot fill the memory.
MAX_ANIMATION_PIXELS = 60_000_000

JPEG_OPTIONS: dict[str, object] = {
    "quality": 85,
    "optimize": True,
    "progressive": True,
    "subsampling": "4:2:0",
}
#: The cover is the one image a store shows large, and some older readers draw
#: only baseline JPEGs on their library page: better quality, not progressive.
COVER_JPEG_OPTIONS: dict[str, object] = {
    "quality": 90,
    "optimize": True,
    "progressive": False,
    "subsampling": "4:2:0",
}

_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}
#: JPEG segments kept when metadata is cut out: JFIF, ICC profile (APP2, checked
#: below), Adobe's colour transform (APP14); every other APPn and COM goes.
_KEPT_APP_MARKERS = {0xE0, 0xE2, 0xEE}
#: PNG chunks that carry metadata rather than pixels or colour.
_PNG_METADATA = {b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"}


def ereader_image(path: Path, media_type: str) -> tuple[bytes, str]:
    """The bytes and media type to pack in the EPUB for the image at ``path``."""
    data = path.read_bytes()
    if media_type == "image/svg+xml":
        return data, media_type
    with _decoded(data, path) as image:
        fmt = "JPEG" if image.format == "MPO" else (image.format or "")
        frames = getattr(image, "n_frames", 1)
        if fmt in _MEDIA_TYPES and _fits(_upright_size(image)) and _pixels_usable(image):
            if fmt == "GIF":
                return data, "image/gif"
            stripped = _strip_metadata(data, fmt)
            if stripped is not None:
                return stripped, _MEDIA_TYPES[fmt]
        if frames > 1 and fmt in ("GIF", "PNG", "WEBP"):
            animation = _animation(image, "GIF" if fmt == "GIF" else "PNG")
            if animation is not None:
                return animation
            image.seek(0)
        return _encode_still(image, fmt)


def ereader_cover(
    data: bytes | Path, media_type: str = "image/jpeg", size: tuple[int, int] = (0, 0)
) -> tuple[bytes, str | None]:
    """The cover as a 1600 x 2560 JPEG, and a note when it had to be padded.

    A cover within 2 % of 1:1.6 is scaled to the size; another shape is fitted
    inside it on a colour taken from its edges (never cropped: a cover is
    designed). A JPEG that already is 1600 x 2560 (Octavo's typographic cover) is
    kept as it is. ``size`` is an SVG cover's own size, when it gives one.
    """
    path = data if isinstance(data, Path) else Path("cover")
    raw = data.read_bytes() if isinstance(data, Path) else data
    if media_type == "image/svg+xml":
        return _cover_from(_rasterise_svg(raw, size), "the SVG cover")
    with _decoded(raw, path) as image:
        if (
            image.format == "JPEG"
            and _upright_size(image) == (COVER_WIDTH, COVER_HEIGHT)
            and _pixels_usable(image)
        ):
            stripped = _strip_metadata(raw, "JPEG")
            if stripped is not None:
                return stripped, None
        return _cover_from(_srgb(ImageOps.exif_transpose(image)), "the cover image")


# -- decoding -------------------------------------------------------------------------


@contextmanager
def _decoded(data: bytes, path: Path) -> Iterator[Image.Image]:
    """The decoded image, opened with the precautions of ``resources.open_image``.

    WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on when it is imported (the PDF
    is made first), which would let a file cut short since it was checked through:
    it is off while we decode, including every frame of an animation.
    """
    truncated_allowed = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            with image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise BuildError(
                        f"{path} is {image.width}x{image.height} pixels, more than Octavo decodes"
                    )
                image.load()
                yield image
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise BuildError(
            f"{path} cannot be read as an image for the EPUB ({error})",
            hint="re-export the image from an image editor as PNG or JPEG",
        ) from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The size the picture is seen at, once its EXIF orientation is applied."""
    if _orientation(image) in (5, 6, 7, 8):
        return image.height, image.width
    return image.size


def _fits(size: tuple[int, int]) -> bool:
    return size[0] <= MAX_WIDTH and size[1] <= MAX_HEIGHT


def _is_srgb(icc: bytes) -> bool:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile)
    except (ImageCms.PyCMSError, OSError, TypeError):
        return False
    return "srgb" in description.lower().replace(" ", "")


def _pixels_usable(image: Image.Image) -> bool:
    """Can the pixels be shown as they are: upright, in a plain mode, in sRGB?"""
    if _orientation(image) != 1 or image.mode in ("CMYK", "YCbCr", "LAB", "I", "F"):
        return False
    icc = image.info.get("icc_profile")
    return not icc or image.mode in ("L", "LA", "1") or _is_srgb(icc)


# -- pixels ---------------------------------------------------------------------------


def _srgb(image: Image.Image) -> Image.Image:
    """``image`` in L, LA, RGB or RGBA, its colours converted to sRGB."""
    icc = image.info.get("icc_profile")
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA" if _has_transparency(image) else "RGB")
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode.startswith("I"):  # 16-bit greyscale
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    if icc and image.mode not in ("L", "LA") and not _is_srgb(icc):
        converted = _profile_to_srgb(image, icc)
        if converted is not None:
            return converted
    if image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    return image


def _profile_to_srgb(image: Image.Image, icc: bytes) -> Image.Image | None:
    """Convert through the embedded profile; None when the profile is unusable."""
    mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(
            image,
            source,
            srgb,
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
            outputMode=mode,
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None  # Pillow's own conversion below keeps the colours near enough
    return converted


def _has_transparency(image: Image.Image) -> bool:
    return "transparency" in image.info or image.mode in ("RGBA", "LA", "PA", "RGBa", "La")


def _opaque(image: Image.Image) -> Image.Image:
    """Drop an alpha channel that is fully opaque."""
    if image.mode in ("RGBA", "LA"):
        low, _ = image.getchannel("A").getextrema()
        if low == 255:
            return image.convert(image.mode[:-1])
    return image


def _scaled(image: Image.Image, box: tuple[int, int] = (MAX_WIDTH, MAX_HEIGHT)) -> Image.Image:
    """``image`` scaled down to fit ``box``, keeping its shape; never scaled up."""
    scale = min(box[0] / image.width, box[1] / image.height)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _few_colours(image: Image.Image) -> bool:
    return image.getcolors(256) is not None


def _encode_still(image: Image.Image, fmt: str) -> tuple[bytes, str]:
    source_mode = image.mode
    picture = _opaque(_srgb(ImageOps.exif_transpose(image)))
    if fmt == "JPEG" or (
        fmt != "PNG"
        and picture.mode in ("L", "RGB")
        and source_mode not in ("P", "1")
        and not _few_colours(picture)
    ):
        return _jpeg(_scaled(picture), JPEG_OPTIONS), "image/jpeg"
    return _png(_scaled(picture)), "image/png"


def _jpeg(image: Image.Image, options: dict[str, object]) -> bytes:
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # no pnginfo, no dpi: no text, time or physical-size chunks, the same bytes each time
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _animation(image: Image.Image, fmt: str) -> tuple[bytes, str] | None:
    """Every frame scaled down, as a GIF or an animated PNG; None when too long."""
    scale = min(MAX_WIDTH / image.width, MAX_HEIGHT / image.height, 1.0)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    frame_count = getattr(image, "n_frames", 1)
    if frame_count * size[0] * size[1] > MAX_ANIMATION_PIXELS:
        return None
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        rgba = _srgb(frame.convert("RGBA"))
        if size != rgba.size:
            rgba = rgba.resize(size, Image.Resampling.LANCZOS)
        # a palette frame takes a quarter of the memory of an RGBA one
        frames.append(_gif_frame(rgba) if fmt == "GIF" else rgba)
        durations.append(int(frame.info.get("duration", 100)))
    buffer = io.BytesIO()
    options: dict[str, object] = {
        "save_all": True,
        "append_images": frames[1:],
        "duration": durations,
        "loop": int(image.info.get("loop", 0)),
        "disposal": 2,
    }
    if fmt == "PNG":
        options["optimize"] = True
    frames[0].save(buffer, fmt, **options)
    return buffer.getvalue(), _MEDIA_TYPES[fmt]


def _gif_frame(rgba: Image.Image) -> Image.Image:
    frame = rgba.convert("P", palette=Image.Palette.ADAPTIVE)
    if frame.palette is not None and frame.palette.mode == "RGBA":
        for colour, index in frame.palette.colors.items():
            if len(colour) == 4 and colour[3] == 0:
                frame.info["transparency"] = index
                break
    return frame


# -- cutting metadata out without touching the pixels ---------------------------------


def _strip_metadata(data: bytes, fmt: str) -> bytes | None:
    """``data`` without its metadata, or None when the file cannot be walked safely."""
    try:
        stripped = _strip_jpeg(data) if fmt == "JPEG" else _strip_png(data)
    except (IndexError, struct.error, ValueError):
        return None
    if stripped is None or stripped == data:
        return stripped
    # the cut must not change a single pixel: decode both and compare
    try:
        with _decoded(data, Path("original")) as before, _decoded(stripped, Path("cut")) as after:
            same = before.size == after.size and before.tobytes() == after.tobytes()
    except BuildError:
        return None
    return stripped if same else None


def _strip_jpeg(data: bytes) -> bytes | None:
    if data[:2] != b"\xff\xd8":
        return None
    out = bytearray(b"\xff\xd8")
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            return None
        while data[position] == 0xFF:  # fill bytes
            position += 1
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image: anything after it is dropped
            out += b"\xff\xd9"
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            out += bytes((0xFF, marker))
            continue
        (length,) = struct.unpack(">H", data[position : position + 2])
        segment = data[position : position + length]
        if len(segment) != length or length < 2:
            return None
        position += length
        metadata = marker == 0xFE or (0xE0 <= marker <= 0xEF and marker not in _KEPT_APP_MARKERS)
        if marker == 0xE2 and not segment[2:].startswith(b"ICC_PROFILE\x00"):
            metadata = True  # APP2 also holds MPF, the index of a multi-picture file
        if not metadata:
            out += bytes((0xFF, marker)) + segment
        if marker == 0xDA:  # start of scan: copy the entropy-coded data up to a marker
            end = position
            while True:
                end = data.index(b"\xff", end)
                following = data[end + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    end += 1 if following == 0xFF else 2
                    continue
                break
            out += data[position:end]
            position = end
    return None  # no end of image: leave the file alone


def _strip_png(data: bytes) -> bytes | None:
    signature = b"\x89PNG\r\n\x1a\n"
    if not data.startswith(signature):
        return None
    out = bytearray(signature)
    position = len(signature)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            return None
        if kind not in _PNG_METADATA:
            out += data[position:end]
        position = end
        if kind == b"IEND":
            return bytes(out)
    return None


# -- the cover --------------------------------------------------------------------------


def _cover_from(image: Image.Image, what: str) -> tuple[bytes, str | None]:
    if _has_transparency(image):
        # transparent parts of a cover are shown on white, as on a page
        rgba = image.convert("RGBA")
        picture = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
        picture = picture.convert("RGB")
    else:
        picture = image.convert("RGB")
    ratio = picture.height / picture.width
    target = COVER_HEIGHT / COVER_WIDTH
    if abs(ratio / target - 1) <= COVER_TOLERANCE:
        cover = picture.resize((COVER_WIDTH, COVER_HEIGHT), Image.Resampling.LANCZOS)
        return _jpeg(cover, COVER_JPEG_OPTIONS), None
    scale = min(COVER_WIDTH / picture.width, COVER_HEIGHT / picture.height)
    size = (
        min(COVER_WIDTH, max(1, round(picture.width * scale))),
        min(COVER_HEIGHT, max(1, round(picture.height * scale))),
    )
    fitted = picture.resize(size, Image.Resampling.LANCZOS)
    colour = _edge_colour(fitted, wide=ratio < target)
    cover = Image.new("RGB", (COVER_WIDTH, COVER_HEIGHT), colour)
    cover.paste(fitted, ((COVER_WIDTH - size[0]) // 2, (COVER_HEIGHT - size[1]) // 2))
    hex_colour = "#{:02x}{:02x}{:02x}".format(*colour)
    note = (
        f"{what} is {image.width}x{image.height} pixels, not in the 1:1.6 shape e-book"
        f" stores ask for: the EPUB shows it inside a {COVER_WIDTH}x{COVER_HEIGHT} cover,"
        f" padded with {hex_colour}"
    )
    return _jpeg(cover, COVER_JPEG_OPTIONS), note


def _edge_colour(image: Image.Image, wide: bool) -> tuple[int, int, int]:
    """The median colour of the two edges the padding will touch."""
    if wide:  # padding above and below: the top and bottom rows
        edges = Image.new("RGB", (image.width, 2))
        edges.paste(image.crop((0, 0, image.width, 1)), (0, 0))
        edges.paste(image.crop((0, image.height - 1, image.width, image.height)), (0, 1))
    else:  # padding left and right: the first and last columns
        edges = Image.new("RGB", (2, image.height))
        edges.paste(image.crop((0, 0, 1, image.height)), (0, 0))
        edges.paste(image.crop((image.width - 1, 0, image.width, image.height)), (1, 0))
    red, green, blue = ImageStat.Stat(edges).median[:3]
    return (int(red), int(green), int(blue))


def _rasterise_svg(data: bytes, size: tuple[int, int]) -> Image.Image:
    """Draw an SVG cover (already checked by svg.py) with WeasyPrint and PDFium.

    It is drawn at its own shape (1:1.6 when it does not say), as large as fits
    in the cover; nothing but the SVG itself is fetched.
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no py.typed
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class OnlyTheSvg(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> object:
            if url == source:
                return super().fetch(url, headers)
            raise FatalURLFetchingError(f"refused to fetch {url[:80]} for the cover")

    width, height = size if size[0] > 0 and size[1] > 0 else (COVER_WIDTH, COVER_HEIGHT)
    scale = min(COVER_WIDTH / width, COVER_HEIGHT / height)
    width, height = max(1, round(width * scale)), max(1, round(height * scale))
    source = "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    html = (
        f"<style>@page{{size:{width}px {height}px;margin:0}}html,body{{margin:0}}"
        f"img{{display:block;width:{width}px;height:{height}px;object-fit:contain}}</style>"
        f'<img src="{source}" alt=""/>'
    )
    pdf = weasyprint.HTML(string=html, url_fetcher=OnlyTheSvg()).write_pdf()
    with pdfium.PdfDocument(pdf) as document:
        page = document[0]
        try:
            points, _ = page.get_size()
            drawn: Image.Image = page.render(scale=width / points).to_pil()
        finally:
            page.close()
    return drawn.convert("RGB")
