#!/usr/bin/env python3
"""Generate Vigie's application icons (icons/*.png) without any image library.

Why a script and not committed art: the icons are simple geometry (a dark rounded square with a
watching "eye" ring and a green status disc), the PNGs stay tiny and reproducible, and nobody has
to review binary blobs. Run: python3 scripts/gen-icons.py  (writes into icons/).
"""
import math
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "icons")

BG = (0x1F, 0x2A, 0x44)
RING = (0xF2, 0xF4, 0xF8)
DOT = (0x2E, 0xB8, 0x5C)


def coverage(size, x, y, inside, ss=4):
    """Anti-aliased coverage of pixel (x, y) by the shape `inside(u, v)` (u, v in 0..1)."""
    hit = 0
    for i in range(ss):
        for j in range(ss):
            u = (x + (i + 0.5) / ss) / size
            v = (y + (j + 0.5) / ss) / size
            hit += inside(u, v)
    return hit / (ss * ss)


def rounded_square(u, v, r=0.22, m=0.04):
    lo, hi = m + r, 1 - m - r
    cu = min(max(u, lo), hi)
    cv = min(max(v, lo), hi)
    return (u - cu) ** 2 + (v - cv) ** 2 <= r * r and m <= u <= 1 - m and m <= v <= 1 - m


def ring(u, v):
    d = math.hypot(u - 0.5, v - 0.5)
    return 0.25 <= d <= 0.34


def dot(u, v):
    return math.hypot(u - 0.5, v - 0.5) <= 0.15


def render(size):
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            a_bg = coverage(size, x, y, rounded_square)
            a_ring = coverage(size, x, y, ring)
            a_dot = coverage(size, x, y, dot)
            col = [c * 1.0 for c in BG]
            for top, a in ((RING, a_ring), (DOT, a_dot)):
                col = [c * (1 - a) + t * a for c, t in zip(col, top)]
            row += bytes([int(round(c)) for c in col] + [int(round(255 * a_bg))])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, size in (
        ("32x32.png", 32),
        ("128x128.png", 128),
        ("128x128@2x.png", 256),
        ("icon.png", 512),
    ):
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(render(size))
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
