"""The limits a build enforces, so that hostile or broken input gives an error, not a hang.

Each limit is far above what a real anthology needs; going over one is an error
that names the file (and line) and says which limit it hit.
"""

from __future__ import annotations

#: A review or any other Markdown file: 2 MB is some 300,000 words.
MAX_TEXT_BYTES = 2 * 1024 * 1024
#: The front matter of one file.
MAX_FRONT_MATTER_BYTES = 64 * 1024
#: Values in one file's front matter (YAML aliases could otherwise multiply them).
MAX_FRONT_MATTER_VALUES = 10_000
#: Lists and quotes inside each other; markdown-it silently drops deeper content.
MAX_NESTING = 30
#: One image's pixels: a small PNG can claim gigapixels (a "decompression bomb").
MAX_IMAGE_PIXELS = 60_000_000
#: One image file.
MAX_IMAGE_BYTES = 40 * 1024 * 1024
#: Distinct images in one book.
MAX_IMAGES = 2_000
#: A data: URL in a stylesheet; a larger one is a file smuggled into the text.
MAX_DATA_URL_BYTES = 64 * 1024
#: Laying out and drawing the PDF; WeasyPrint has no limit of its own.
RENDER_SECONDS = 1_800
