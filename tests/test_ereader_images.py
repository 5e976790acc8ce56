"""Images and the cover for e-readers: the EPUB gets them small, upright and private."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image, ImageCms, ImageDraw, ImageFile
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader

from octavo.api import build, load_anthology
from octavo.errors import BuildError, Refused
from octavo.render.cover import draw_cover
from octavo.render.ereader_images import (
    COVER_HEIGHT,
    COVER_WIDTH,
    MAX_HEIGHT,
    MAX_WIDTH,
    ereader_cover,
    ereader_image,
)
from octavo.resources import Resolver

from .conftest import MakeAnthology, epubcheck

RED = (255, 0, 0)
OPF = {"opf": "http://www.idpf.org/2007/opf"}


def photograph(size: tuple[int, int], seed: int = 1) -> Image.Image:
    """A picture with many colours (a JPEG's kind), red in its top-left corner."""
    rng = random.Random(seed)
    small = Image.new("RGB", (size[0] // 50, size[1] // 50))
    small.putdata(
        [
            (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            for _ in range(small.width * small.height)
        ]
    )
    image = small.resize(size, Image.Resampling.BILINEAR)
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 10, size[1] // 10), fill=RED)
    return image


def camera_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Octavo Camera"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    return exif


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def close_to(pixel: object, colour: tuple[int, ...], tolerance: int = 12) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def png_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


@pytest.fixture
def camera_jpeg(tmp_path: Path) -> Path:
    """4000x3000, taken with the camera turned (orientation 6), with a GPS position."""
    path = tmp_path / "camera.jpg"
    photograph((4000, 3000)).save(path, quality=92, exif=camera_exif(6))
    return path


def test_a_camera_photograph_is_scaled_turned_and_made_private(camera_jpeg: Path) -> None:
    before = camera_jpeg.read_bytes()
    data, media_type = ereader_image(camera_jpeg, "image/jpeg")
    assert media_type == "image/jpeg"
    image = opened(data)
    # orientation 6: seen turned a quarter clockwise, 3000x4000, scaled to fit 1072x1448
    assert image.size == (1072, 1429)
    assert image.mode == "RGB"
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"Exif" not in data
    assert b"Octavo Camera" not in data
    assert image.info.get("progressive") == 1
    # the red top-left corner of the sensor is the top-right corner of the picture
    assert close_to(image.getpixel((image.width - 10, 10)), RED)
    assert not close_to(image.getpixel((10, 10)), RED)
    assert camera_jpeg.read_bytes() == before


def test_a_huge_png_with_transparency_stays_a_transparent_png(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    image = Image.new("RGBA", (5000, 3000), (0, 128, 0, 0))
    ImageDraw.Draw(image).ellipse((500, 500, 4500, 2500), fill=(200, 0, 0, 180))
    info = PngInfo()
    info.add_text("Author", "Someone Private")
    image.save(path, pnginfo=info)
    data, media_type = ereader_image(path, "image/png")
    assert media_type == "image/png"
    result = opened(data)
    assert result.size == (1072, 643)
    assert result.mode == "RGBA"
    assert result.getpixel((2, 2))[3] == 0  # type: ignore[index]
    assert close_to(result.getpixel((536, 321)), (200, 0, 0, 180))
    assert set(png_chunks(data)) <= {b"IHDR", b"IDAT", b"IEND"}
    assert b"Someone Private" not in data


def test_a_small_clean_jpeg_is_packed_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "small.jpg"
    photograph((800, 600)).save(path, quality=90)
    assert ereader_image(path, "image/jpeg") == (path.read_bytes(), "image/jpeg")


def test_an_srgb_profile_is_no_reason_to_touch_a_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "tagged.jpg"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    photograph((800, 600)).save(path, quality=90, icc_profile=srgb)
    assert ereader_image(path, "image/jpeg") == (path.read_bytes(), "image/jpeg")


def test_metadata_is_cut_out_of_a_small_jpeg_without_encoding_it_again(tmp_path: Path) -> None:
    path = tmp_path / "gps.jpg"
    photograph((800, 600)).save(path, quality=90, exif=camera_exif(1), comment=b"at home")
    data, media_type = ereader_image(path, "image/jpeg")
    assert media_type == "image/jpeg"
    assert len(data) < path.stat().st_size
    assert b"Exif" not in data
    assert b"at home" not in data
    with Image.open(path) as original:
        assert opened(data).tobytes() == original.tobytes()  # not a pixel changed


def test_metadata_is_cut_out_of_a_small_png(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>private</x:xmpmeta>")
    photograph((600, 400)).save(path, pnginfo=info, exif=camera_exif(1))
    data, _ = ereader_image(path, "image/png")
    assert b"private" not in data
    assert b"eXIf" not in data
    with Image.open(path) as original:
        assert opened(data).tobytes() == original.tobytes()


def test_webp_becomes_jpeg_or_png(tmp_path: Path) -> None:
    photo, drawing, clear = tmp_path / "photo.webp", tmp_path / "drawing.webp", tmp_path / "a.webp"
    photograph((2000, 1500)).save(photo, quality=90)
    flat = Image.new("RGB", (600, 400), "white")
    ImageDraw.Draw(flat).rectangle((100, 100, 300, 300), fill="navy")
    flat.save(drawing, lossless=True)
    Image.new("RGBA", (600, 400), (0, 0, 255, 100)).save(clear, lossless=True)

    data, media_type = ereader_image(photo, "image/webp")
    assert (media_type, opened(data).size) == ("image/jpeg", (1072, 804))
    data, media_type = ereader_image(drawing, "image/webp")
    assert (media_type, opened(data).size) == ("image/png", (600, 400))
    data, media_type = ereader_image(clear, "image/webp")
    assert media_type == "image/png"
    assert opened(data).getpixel((5, 5)) == (0, 0, 255, 100)


def test_tiff_is_refused_by_the_resolver_but_would_be_converted(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    photograph((1500, 1000)).save(path)
    with pytest.raises(Refused, match="not an image type"):
        Resolver.for_folders(tmp_path).image("scan.tif", tmp_path, "A scan")
    data, media_type = ereader_image(path, "image/tiff")
    assert (media_type, opened(data).size) == ("image/jpeg", (1072, 715))


def test_a_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    path = tmp_path / "print.jpg"
    Image.new("CMYK", (500, 400), (0, 255, 255, 0)).save(path)
    data, media_type = ereader_image(path, "image/jpeg")
    image = opened(data)
    assert (media_type, image.mode) == ("image/jpeg", "RGB")
    assert close_to(image.getpixel((250, 200)), RED)


def _animation(path: Path, size: tuple[int, int], frames: int = 5) -> list[int]:
    durations = [80 + 10 * number for number in range(frames)]
    images = []
    for number in range(frames):
        frame = Image.new("RGB", size, "white")
        left = number * size[0] // frames
        ImageDraw.Draw(frame).rectangle((left, 0, left + size[0] // frames, size[1] // 2), fill=RED)
        images.append(frame)
    images[0].save(path, save_all=True, append_images=images[1:], duration=durations, loop=0)
    return durations


def test_a_large_animated_gif_is_scaled_frame_by_frame(tmp_path: Path) -> None:
    path = tmp_path / "moving.gif"
    durations = _animation(path, (2000, 1000))
    data, media_type = ereader_image(path, "image/gif")
    assert media_type == "image/gif"
    image = opened(data)
    assert image.size == (1072, 536)
    assert getattr(image, "n_frames", 1) == 5
    seen = []
    for number in range(5):
        image.seek(number)
        seen.append(image.info["duration"])
        left = number * 1072 // 5
        assert close_to(image.convert("RGB").getpixel((left + 100, 100)), RED, 20)
    assert seen == durations
    assert ereader_image(path, "image/gif")[0] == data


def test_a_small_animated_gif_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "small.gif"
    _animation(path, (500, 300))
    assert ereader_image(path, "image/gif") == (path.read_bytes(), "image/gif")


def test_svg_passes_through(tmp_path: Path) -> None:
    path = tmp_path / "figure.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="10"/>')
    assert ereader_image(path, "image/svg+xml") == (path.read_bytes(), "image/svg+xml")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("camera.jpg", "image/jpeg"), ("photo.webp", "image/webp"), ("huge.png", "image/png")],
)
def test_the_same_image_gives_the_same_bytes(tmp_path: Path, name: str, media_type: str) -> None:
    path = tmp_path / name
    if name.endswith(".png"):
        photograph((3000, 2000)).convert("RGBA").save(path)
    else:
        photograph((3000, 2000)).save(path, exif=camera_exif(8))
    first = ereader_image(path, media_type)
    assert ereader_image(path, media_type) == first
    copy = tmp_path / "copy" / name
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    assert ereader_image(copy, media_type) == first


def test_a_truncated_file_is_refused_even_when_pillow_allows_it(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    photograph((2000, 1500)).save(path)
    path.write_bytes(path.read_bytes()[:20_000])
    allowed = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does
    try:
        with pytest.raises(BuildError, match="cannot be read"):
            ereader_image(path, "image/jpeg")
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = allowed


# -- the cover --------------------------------------------------------------------------


def test_the_typographic_cover_passes_through(make_anthology: MakeAnthology) -> None:
    loaded = load_anthology(make_anthology())
    drawn = draw_cover(loaded.anthology, loaded.theme)
    assert opened(drawn).size == (COVER_WIDTH, COVER_HEIGHT)
    assert ereader_cover(drawn) == (drawn, None)


def test_a_cover_nearly_the_right_shape_is_scaled_to_it(tmp_path: Path) -> None:
    path = tmp_path / "cover.png"
    photograph((1000, 1620)).save(path)  # 1:1.62, within 2 % of 1:1.6
    data, note = ereader_cover(path, "image/png")
    image = opened(data)
    assert (image.format, image.size, image.mode, note) == ("JPEG", (1600, 2560), "RGB", None)
    assert close_to(image.getpixel((20, 20)), RED)  # nothing cropped


def test_a_cover_of_another_shape_is_padded_with_its_edge_colour(tmp_path: Path) -> None:
    path = tmp_path / "square.jpg"
    square = Image.new("RGB", (2000, 2000), (20, 40, 120))
    ImageDraw.Draw(square).ellipse((200, 200, 1800, 1800), fill="white")
    square.save(path, quality=95)
    data, note = ereader_cover(path)
    assert note is not None
    assert "2000x2000" in note
    assert "padded" in note
    image = opened(data)
    assert image.size == (1600, 2560)
    assert close_to(image.getpixel((800, 40)), (20, 40, 120))  # the padding
    assert close_to(image.getpixel((800, 1280)), (255, 255, 255))  # the picture, whole
    assert close_to(image.getpixel((800, 480 + 10)), (20, 40, 120))


def test_an_svg_cover_is_drawn(tmp_path: Path) -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="500" height="800" viewBox="0 0 500 800">'
        '<rect width="500" height="800" fill="#336699"/></svg>'
    )
    data, note = ereader_cover(svg.encode(), "image/svg+xml", (500, 800))
    image = opened(data)
    assert (image.format, image.size, note) == ("JPEG", (1600, 2560), None)
    assert close_to(image.getpixel((800, 1280)), (0x33, 0x66, 0x99))


# -- a whole book -----------------------------------------------------------------------


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_a_book_with_large_images(make_anthology: MakeAnthology, tmp_path: Path) -> None:
    cover = io.BytesIO()
    photograph((2400, 3000), seed=2).save(cover, "PNG")
    camera = io.BytesIO()
    photograph((4000, 3000)).save(camera, "JPEG", quality=90, exif=camera_exif(6))
    root = make_anthology(
        files={
            "anthology.toml": 'title = "Pictures"\neditors = ["Ed Itor"]\nlanguage = "en"\n'
            'cover = "cover.png"\n',
            "cover.png": cover.getvalue(),
            "reviews/images/camera.jpg": camera.getvalue(),
            "reviews/alpha.md": """\
                ---
                title: Alpha
                reviewer: Ann Critic
                image: images/camera.jpg
                image_alt: A street, from above
                ---

                A review with a photograph.
                """,
        }
    )
    sources = _digests(root)
    out = tmp_path / "out"
    built = build(root, out, formats=("pdf", "epub"))
    assert _digests(root) == sources

    epub = next(output.path for output in built.outputs if output.format == "epub")
    with zipfile.ZipFile(epub) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        items = opf.findall("opf:manifest/opf:item", OPF)
        images = [item for item in items if item.get("media-type", "").startswith("image/")]
        (cover_item,) = [item for item in images if item.get("properties") == "cover-image"]
        assert (cover_item.get("href"), cover_item.get("media-type")) == (
            "images/cover.jpg",
            "image/jpeg",
        )
        with Image.open(io.BytesIO(book.read("EPUB/images/cover.jpg"))) as picture:
            assert (picture.format, picture.size) == ("JPEG", (COVER_WIDTH, COVER_HEIGHT))
        body = [item for item in images if item is not cover_item]
        assert body
        for item in body:
            data = book.read("EPUB/" + item.get("href", ""))
            with Image.open(io.BytesIO(data)) as picture:
                assert picture.width <= MAX_WIDTH
                assert picture.height <= MAX_HEIGHT
                assert not picture.getexif()
                assert Image.MIME[picture.format or ""] == item.get("media-type")

    pdf = next(output.path for output in built.outputs if output.format == "pdf")
    sizes = set()
    for page in PdfReader(pdf).pages:
        for xobject in page["/Resources"].get_object().get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                sizes.add(int(xobject["/Width"]) * int(xobject["/Height"]))
    assert 4000 * 3000 in sizes  # the print edition keeps every pixel

    result = epubcheck(epub)
    assert [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages] == []
    assert result.valid
