#!/usr/bin/env python3
"""The digit pad (`nnsh serve`, docs/SERVE.md) in a real browser: headless Chromium driven by
Selenium draws on the page's canvas with pointer events and reads what the page shows.

    test_digit_pad.py NNSH [--shots DIR]

Starts `NNSH serve Models/mnist.nnm port=0`, then
  1. draws a 7 with the mouse (two strokes) and expects the page to show 7;
  2. clears, draws Models/drawn-3.png's ink with a pen pointer (one short stroke along each
     run of dark pixels of every few rows, kept inside the ink by the pen's radius) and
     expects 3;
writes a screenshot after each (DIR, default .build/digit-pad), stops the server with SIGINT
and checks it said so and exited 0. Ends with 'browser: N passed, N failed'.
Needs: chromium and chromium-driver (Debian), selenium (PyPI).
"""
import argparse
import os
import signal
import struct
import subprocess
import sys
import time
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CANVAS = 280          # the page's canvas, CSS pixels
PEN = 18              # the page's line width


def read_gray_png(path):
    """An 8-bit grayscale, non-interlaced PNG as rows of 0-255 values (all five row filters)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour == 0 and interlace == 0, "expected 8-bit gray"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, rows, prev = zlib.decompress(idat), [], [0] * width
    for y in range(height):
        f, line = raw[y * (width + 1)], list(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            a = line[x - 1] if x else 0
            b, c = prev[x], prev[x - 1] if x else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return rows


def strokes_from_image(rows, step=4, dark=128):
    """Short horizontal strokes (canvas coordinates) that cover the image's ink with the page's pen."""
    height, width = len(rows), len(rows[0])
    scale = CANVAS / max(width, height)
    radius = PEN / 2 / scale                      # the pen's radius in image pixels
    strokes = []
    for y in range(0, height, step):
        x = 0
        while x < width:
            if rows[y][x] < dark:
                start = x
                while x < width and rows[y][x] < dark:
                    x += 1
                left, right = start + radius, x - 1 - radius
                if right < left:
                    left = right = (start + x - 1) / 2
                strokes.append([(left * scale, y * scale), (right * scale, y * scale)])
            x += 1
    return strokes


def draw(driver, canvas, strokes, kind):
    """Each stroke as pointer down, moves, up, with a `kind` pointer (mouse, pen, touch)."""
    pointer = PointerInput(kind, kind)
    actions = ActionBuilder(driver, mouse=pointer, duration=10)
    half = CANVAS / 2
    for stroke in strokes:
        x, y = stroke[0]
        actions.pointer_action.move_to(canvas, int(x - half), int(y - half))
        actions.pointer_action.pointer_down()
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / 8))
            for i in range(1, steps + 1):
                t = i / steps
                actions.pointer_action.move_to(canvas, int(x0 + t * (x1 - x0) - half), int(y0 + t * (y1 - y0) - half))
        actions.pointer_action.pointer_up()
    actions.perform()


def shown(driver, answers, timeout=60):
    """Waits until the page has shown `answers` answers; returns (class, [(class, p)], status)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-answered")) >= answers:
            break
        time.sleep(0.1)
    rows = [(r.get_attribute("data-class"), float(r.get_attribute("data-p")))
            for r in driver.find_elements(By.CSS_SELECTOR, "#top .row")]
    return (driver.find_element(By.ID, "answer").text, rows, driver.find_element(By.ID, "status").text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nnsh")
    ap.add_argument("--shots", default=os.path.join(ROOT, ".build", "digit-pad"))
    a = ap.parse_args()
    os.makedirs(a.shots, exist_ok=True)
    passed, failed = 0, 0

    def check(ok, what):
        nonlocal passed, failed
        print(f"browser: {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if ok: passed += 1
        else: failed += 1

    server = subprocess.Popen([a.nnsh, "serve", "Models/mnist.nnm", "port=0"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    driver = None
    try:
        line = server.stdout.readline()
        url = next((w for w in line.split() if w.startswith("http://")), None)
        if not url:
            print(f"browser: FAIL the server did not start: {line.strip()}")
            print("browser: 0 passed, 1 failed")
            return 1
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=900,620", "--force-device-scale-factor=1", "--hide-scrollbars"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.get(url)
        canvas = driver.find_element(By.ID, "pad")

        # 1. A 7 with the mouse: the bar, then the stem.
        seven = [[(70, 62), (212, 58)], [(212, 58), (168, 140), (128, 232)]]
        draw(driver, canvas, seven, interaction.POINTER_MOUSE)
        answer, rows, status = shown(driver, len(seven))
        driver.save_screenshot(os.path.join(a.shots, "seven.png"))
        check(answer == "7" and len(rows) == 3 and rows[0][0] == "7",
              f"a 7 drawn with the mouse reads {answer!r} {rows} {status}")

        # 2. Clear, then Models/drawn-3.png's ink with a pen.
        driver.find_element(By.ID, "clear").click()
        three = strokes_from_image(read_gray_png(os.path.join(ROOT, "Models", "drawn-3.png")))
        before = int(driver.find_element(By.TAG_NAME, "body").get_attribute("data-answered"))
        draw(driver, canvas, three, interaction.POINTER_PEN)
        answer, rows, status = shown(driver, before + len(three))
        ink = driver.execute_script(
            "const d = document.getElementById('seen').getContext('2d').getImageData(0, 0, 28, 28).data;"
            "let s = 0; for (let i = 0; i < d.length; i += 4) s += d[i]; return s / 255;")
        driver.save_screenshot(os.path.join(a.shots, "three.png"))
        probabilities = [p for _, p in rows]
        check(answer == "3" and len(rows) == 3 and probabilities == sorted(probabilities, reverse=True)
              and ink > 20, f"drawn-3.png's pixels drawn with a pen ({len(three)} strokes) read {answer!r} "
              f"{rows} {status}; the 28x28 image holds {ink:.0f} pixels' worth of ink")
        print(f"browser: screenshots in {os.path.relpath(a.shots, ROOT)}/seven.png and three.png")
    finally:
        if driver:
            driver.quit()
        server.send_signal(signal.SIGINT)
        try:
            rest, _ = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            rest, _ = server.communicate()
    check(server.returncode == 0 and "stopped serving" in rest,
          f"Ctrl-C (SIGINT) stops the server: exit {server.returncode}, {rest.strip()!r}")
    print(f"browser: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
