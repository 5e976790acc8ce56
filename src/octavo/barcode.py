"""The EAN-13 barcode of a book's ISBN, with its 5-digit price add-on, as vector bars.

A book's barcode is the EAN-13 symbol of its ISBN-13 (GS1 General Specifications,
section 5.2): 95 modules between quiet zones, a start guard (101), six digits in the
left half, a centre guard (01010), six digits in the right half and an end guard (101).
Each digit is seven modules in one of three sets: L (odd parity) and G (even parity) in
the left half, R in the right half. The first digit is not drawn as bars: it chooses
which of the left half's digits are L and which are G (the parity pattern below).

The add-on (EAN-5, GS1 section 5.2.3.5) is the price in the book trade's convention:
its first digit is the currency (5 for US dollars, 0 or 1 for pounds sterling...), the
rest the price (51995 = $19.95); 90000 says "no price". It stands 9 modules right of
the main symbol, starts with 1011, separates its digits with 01, and its own checksum
chooses each digit's set (L or G).

Widths are in modules; the drawing scales them to the module size the printer's
barcode box allows. Nominal is 0.33 mm, and 80% of it (0.264 mm) the least that
scanners are specified to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .isbn import check_digit_13

#: The L set (odd parity); R is its complement and G the R pattern reversed.
_L = ("0001101", "0011001", "0010011", "0111101", "0100011",
      "0110001", "0101111", "0111011", "0110111", "0001011")  # fmt: skip
_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _L)
_G = tuple(code[::-1] for code in _R)
_SETS = {"L": _L, "G": _G, "R": _R}

#: The sets of the left half's six digits, chosen by the first digit.
_PARITY_13 = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
              "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")  # fmt: skip
#: The sets of the add-on's five digits, chosen by its checksum.
_PARITY_5 = ("GGLLL", "GLGLL", "GLLGL", "GLLLG", "LGGLL",
             "LLGGL", "LLLGG", "LGLGL", "LGLLG", "LLGLG")  # fmt: skip

#: Quiet zones of the EAN-13 (left, right) and the gap before an add-on, in modules.
QUIET_LEFT, QUIET_RIGHT, ADD_ON_GAP = 11, 7, 9
#: The module's nominal width and the least a scanner is specified to read, in inches.
NOMINAL_MODULE = 0.33 / 25.4
SMALLEST_MODULE = 0.8 * NOMINAL_MODULE


class BarcodeError(ValueError):
    """Digits that cannot be drawn as the barcode asked for."""


def ean13_modules(digits: str) -> str:
    """The 95 modules of the EAN-13 of ``digits`` (13 digits, its check digit right),
    as a string of 1 (bar) and 0 (space)."""
    if len(digits) != 13 or not digits.isdigit():
        raise BarcodeError(f"an EAN-13 has 13 digits, not '{digits}'")
    if check_digit_13(digits[:12]) != digits[12]:
        raise BarcodeError(f"'{digits}' has the wrong check digit")
    parity = _PARITY_13[int(digits[0])]
    left = "".join(_SETS[s][int(d)] for s, d in zip(parity, digits[1:7], strict=True))
    right = "".join(_R[int(d)] for d in digits[7:])
    return "101" + left + "01010" + right + "101"


def ean5_checksum(digits: str) -> int:
    """The add-on's checksum: 3 times its odd positions plus 9 times its even ones."""
    odd = sum(int(d) for d in digits[0::2])
    even = sum(int(d) for d in digits[1::2])
    return (3 * odd + 9 * even) % 10


def ean5_modules(digits: str) -> str:
    """The 47 modules of the EAN-5 add-on of ``digits`` (5 digits)."""
    if len(digits) != 5 or not digits.isdigit():
        raise BarcodeError(f"a price add-on has 5 digits, not '{digits}'")
    parity = _PARITY_5[ean5_checksum(digits)]
    codes = [_SETS[s][int(d)] for s, d in zip(parity, digits, strict=True)]
    return "1011" + "01".join(codes)


def bars(modules: str) -> list[tuple[int, int]]:
    """The bars of a run of modules: (first module, width in modules) for each."""
    found: list[tuple[int, int]] = []
    start = None
    for index, bit in enumerate(modules + "0"):
        if bit == "1" and start is None:
            start = index
        elif bit == "0" and start is not None:
            found.append((start, index - start))
            start = None
    return found


@dataclass(frozen=True)
class Barcode:
    """A drawn barcode: its SVG and its size in inches."""

    svg: str
    width: float
    height: float
    module: float  #: the module's width, inches


def isbn_barcode(
    isbn: str, price: str | None, box: tuple[float, float], font_family: str = "monospace"
) -> Barcode:
    """The barcode of ``isbn`` (13 digits) with the ``price`` add-on, as large as fits in
    ``box`` (width, height in inches) up to the nominal size: "ISBN 978-..." above, the
    digits under the bars, all black (K) on a white ground that covers the quiet zones.

    Raises :class:`BarcodeError` when the box cannot hold the symbol at 80%.
    """
    main = ean13_modules(isbn)
    extra = ean5_modules(price) if price else ""
    total = QUIET_LEFT + len(main) + (ADD_ON_GAP + len(extra) + 5 if extra else QUIET_RIGHT)
    module = min(NOMINAL_MODULE, box[0] / total)
    if module < SMALLEST_MODULE * 0.999:
        raise BarcodeError(
            f"a barcode box {box[0]:.2f} in wide is too narrow for the barcode"
            f" ({total} modules of at least {SMALLEST_MODULE * 25.4:.3f} mm)"
        )
    # in modules: the line "ISBN ..." above, the bars, the digits below
    text_size = 9.0  # the digits' height, in modules (about 2.4 mm at 80%)
    heading = text_size * 1.5
    height_modules = box[1] / module
    bar_height = min(69.0, height_modules - heading - text_size * 1.3)  # 22.85 mm nominal
    if bar_height < 25:
        raise BarcodeError(f"a barcode box {box[1]:.2f} in high is too low for the barcode")
    guards = {0, 1, 2, 45, 46, 47, 48, 49, 92, 93, 94}  # the modules of the guard bars
    top = heading
    parts: list[str] = []
    parts.append(f'<rect x="0" y="0" width="{total}" height="{height_modules:.3f}" fill="#fff"/>')
    for start, width in bars(main):
        longer = start in guards
        length = bar_height + (text_size * 0.55 if longer else 0)
        parts.append(
            f'<rect x="{QUIET_LEFT + start}" y="{top:.3f}" width="{width}"'
            f' height="{length:.3f}" fill="#000"/>'
        )
    digits_y = top + bar_height + text_size * 0.95
    font = f'font-family="{escape(font_family)}" font-size="{text_size:.2f}" fill="#000"'
    parts.append(
        f'<text x="{QUIET_LEFT - 2}" y="{digits_y:.3f}" text-anchor="end" {font}>{isbn[0]}</text>'
    )
    for index, half in ((3, isbn[1:7]), (50, isbn[7:])):
        for offset, digit in enumerate(half):
            x = QUIET_LEFT + index + offset * 7 + 3.5
            parts.append(
                f'<text x="{x:.2f}" y="{digits_y:.3f}" text-anchor="middle" {font}>{digit}</text>'
            )
    if extra:
        left = QUIET_LEFT + len(main) + ADD_ON_GAP
        add_on_top = top + text_size * 1.2  # the add-on's digits stand above its bars
        for start, width in bars(extra):
            parts.append(
                f'<rect x="{left + start}" y="{add_on_top:.3f}" width="{width}"'
                f' height="{bar_height + text_size * 0.55 - text_size * 1.2:.3f}" fill="#000"/>'
            )
        for offset, digit in enumerate(price or ""):
            x = left + 4 + offset * 9 + 3.5
            parts.append(
                f'<text x="{x:.2f}" y="{add_on_top - text_size * 0.25:.3f}"'
                f' text-anchor="middle" {font}>{digit}</text>'
            )
    # without hyphens, as the copyright page prints it (see octavo.isbn: where they go
    # depends on ranges Octavo does not carry)
    label = f"ISBN {isbn}"
    parts.append(
        f'<text x="{QUIET_LEFT + 47.5}" y="{text_size * 1.05:.3f}" text-anchor="middle"'
        f" {font}>{label}</text>"
    )
    width_in, height_in = total * module, height_modules * module
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_in:.4f}in"'
        f' height="{height_in:.4f}in" viewBox="0 0 {total} {height_modules:.3f}">'
        + "".join(parts)
        + "</svg>"
    )
    return Barcode(svg, width_in, height_in, module)
