#!/usr/bin/env python3
"""Draws Models/drawn-3.png: a handwritten-looking "3" in dark ink on light, slightly uneven
paper, the way a phone photo of a pen drawing looks. Standard library only (zlib for PNG).

The digit is two pen strokes, each a chain of quadratic Bezier curves through points placed
by hand (as if traced with a mouse), rendered with a round pen whose width swells and thins
along the stroke (pressure), with anti-aliased edges. A fixed seed makes the paper texture
repeatable, so running this again writes the same bytes:

    python3 Models/draw-digit.py          # writes Models/drawn-3.png (160 x 160, 8-bit gray)
"""
import math
import os
import random
import struct
import zlib

SIZE = 160
random.seed(1993)

# Hand-placed control points (x, y in pixels): the top bowl, then the bottom bowl. The
# middle junction overlaps a little and the tail curls up, as people write it.
STROKES = [
    # top bowl: from upper left, over the top, down to the middle junction
    [(46, 50), (58, 24), (90, 28), (118, 33), (107, 57), (99, 72), (71, 79)],
    # bottom bowl: from the junction, round the right side, tail back to the left
    [(77, 74), (112, 78), (111, 106), (110, 134), (80, 134), (55, 134), (41, 113)],
]
SLANT = 0.16   # the writer leans right: x += SLANT * (height - y)


def bezier_chain(points, steps=40):
    """Points along quadratic Beziers: (p0, c, p1), (p1, c, p2), ... ; returns (x, y, t)."""
    out = []
    segments = (len(points) - 1) // 2
    for s in range(segments):
        p0, c, p1 = points[2 * s], points[2 * s + 1], points[2 * s + 2]
        for i in range(steps):
            t = i / steps
            x = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t * t * p1[0]
            y = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t * t * p1[1]
            out.append((x, y, (s + t) / segments))
    out.append((points[-1][0], points[-1][1], 1.0))
    # A hand is not a compass: a slow wobble across the stroke, then the slant.
    phase = random.uniform(0, 2 * math.pi)
    wobbly = []
    for (x, y, t) in out:
        w = 1.6 * math.sin(7 * t + phase) + 0.7 * math.sin(19 * t + 2 * phase)
        wobbly.append((x + w + SLANT * (SIZE - y) - 12, y + 0.6 * w, t))
    return wobbly


def main():
    # Paper: light gray with a gentle left-to-right shading and fine grain.
    paper = [[226 + 14 * (x / SIZE) + random.uniform(-5, 5) for x in range(SIZE)] for y in range(SIZE)]
    ink = [[0.0] * SIZE for _ in range(SIZE)]   # ink coverage 0...1
    for stroke in STROKES:
        path = bezier_chain(stroke)
        for (x, y, t) in path:
            # Pressure: thin at the start and end of a stroke, heavier on the down strokes.
            radius = 3.4 + 2.8 * math.sin(math.pi * min(1.0, max(0.0, t))) ** 0.7 + 0.6 * math.sin(11 * t)
            x0, x1 = int(x - radius - 2), int(x + radius + 2)
            y0, y1 = int(y - radius - 2), int(y + radius + 2)
            for py in range(max(0, y0), min(SIZE, y1 + 1)):
                for px in range(max(0, x0), min(SIZE, x1 + 1)):
                    d = math.hypot(px + 0.5 - x, py + 0.5 - y)
                    cover = max(0.0, min(1.0, radius + 0.5 - d))   # 1 px anti-aliased edge
                    ink[py][px] = max(ink[py][px], cover)
    rows = []
    for y in range(SIZE):
        row = bytearray([0])   # PNG filter type 0 (none)
        for x in range(SIZE):
            value = paper[y][x] * (1 - ink[y][x]) + 38 * ink[y][x]   # dark blue-black ink
            row.append(max(0, min(255, int(round(value)))))
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 0, 0, 0, 0))   # 8-bit grayscale
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    png += chunk(b"IEND", b"")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drawn-3.png")
    with open(path, "wb") as f:
        f.write(png)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
