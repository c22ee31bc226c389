"""Renders boarding-pass barcode texts into real barcode images (issue 14).

Run by tests/it/bcbp_images.rs with .venv-test's Python (tests/requirements.txt: segno,
pdf417gen, aztec_code_generator, Pillow). Reads JSON on stdin:

    {"out": "/tmp/dir", "passes": [{"name": "one_leg", "text": "M1..."}, ...]}

and writes, for every pass, PDF417, Aztec and QR codes as a clean PNG, a clean JPEG, a
"photo" (scaled, on a grey page, rotated 3 degrees, with noise, JPEG quality 60) and a
"damaged" PNG (the lower half of the code cut off), the clean PNG turned a quarter turn
("sideways") and the photo enlarged to 3,200 pixels wide ("big"); plus one image with no barcode at all.
Prints on stdout a JSON list of {"file", "pass", "symbology", "variant"} ("pass" is null for
the image without a barcode). Deterministic: the noise has a fixed seed.
"""

import json
import os
import random
import sys

import aztec_code_generator
import pdf417gen
import segno
from PIL import Image, ImageChops, ImageDraw, ImageFilter


def pdf417(text):
    codes = pdf417gen.encode(text, columns=10, security_level=5)
    return pdf417gen.render_image(codes, scale=3, ratio=3, padding=30).convert("L")


def aztec(text):
    code = aztec_code_generator.AztecCode(text.encode("ascii"), ec_percent=33)
    img = code.image(module_size=6, border=4)
    return img.convert("L")


def qr(text):
    code = segno.make(text, error="m", micro=False)
    # segno's raster writer needs no Pillow; build the image from its matrix.
    border, scale = 4, 6
    size = (code.symbol_size(scale=1, border=border))[0]
    img = Image.new("L", (size, size), 255)
    px = img.load()
    for y, row in enumerate(code.matrix_iter(scale=1, border=border)):
        for x, dark in enumerate(row):
            px[x, y] = 0 if dark else 255
    return img.resize((size * scale, size * scale), Image.NEAREST)


SYMBOLOGIES = {"pdf417": pdf417, "aztec": aztec, "qr": qr}


def photo(code, seed):
    """The code printed on a page and photographed: smaller, tilted, noisy, compressed."""
    rng = random.Random(seed)
    w, h = code.size
    page = Image.new("L", (int(w * 1.6) + 80, int(h * 1.6) + 80), 235)
    scaled = code.resize((int(w * 1.3), int(h * 1.3)), Image.BILINEAR)
    page.paste(scaled, ((page.width - scaled.width) // 2, (page.height - scaled.height) // 2))
    page = page.rotate(3, resample=Image.BICUBIC, expand=True, fillcolor=220)
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    # Sensor noise (sigma 12 grey levels) from a seeded tile repeated over the page.
    tw, th = 257, 263
    tile = Image.frombytes(
        "L", (tw, th), bytes(max(0, min(255, 128 + int(rng.gauss(0, 12)))) for _ in range(tw * th))
    )
    noise = Image.new("L", page.size)
    for y in range(0, page.height, th):
        for x in range(0, page.width, tw):
            noise.paste(tile, (x, y))
    return ImageChops.add(page, noise, 1.0, -128)


def big(img):
    """A full-size phone photo: the page enlarged to 3,200 pixels wide."""
    return img.resize((3200, int(img.height * 3200 / img.width)), Image.BICUBIC)


def damaged(code):
    """The upper half of the code only (a torn or badly cropped pass)."""
    return code.crop((0, 0, code.width, code.height // 2))


def no_barcode():
    img = Image.new("RGB", (640, 400), (250, 250, 245))
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 40, 600, 120), fill=(20, 60, 140))
    draw.text((60, 70), "BOARDING PASS - NO CODE", fill=(255, 255, 255))
    for i in range(8):
        draw.line((40, 160 + i * 25, 600, 160 + i * 25), fill=(180, 180, 180), width=2)
    return img


def main():
    job = json.load(sys.stdin)
    out = job["out"]
    os.makedirs(out, exist_ok=True)
    made = []

    def save(img, name, fmt, pass_name, symbology, variant, **kw):
        path = os.path.join(out, name)
        img.save(path, fmt, **kw)
        made.append(
            {"file": path, "pass": pass_name, "symbology": symbology, "variant": variant}
        )

    for n, p in enumerate(job["passes"]):
        for sym, render in SYMBOLOGIES.items():
            code = render(p["text"])
            base = f"{p['name']}-{sym}"
            save(code, f"{base}.png", "PNG", p["name"], sym, "png")
            save(code.convert("RGB"), f"{base}.jpg", "JPEG", p["name"], sym, "jpeg", quality=90)
            save(photo(code, n), f"{base}-photo.jpg", "JPEG", p["name"], sym, "photo", quality=60)
            save(damaged(code), f"{base}-damaged.png", "PNG", p["name"], sym, "damaged")
            save(code.rotate(90, expand=True), f"{base}-sideways.png", "PNG", p["name"], sym, "sideways")
            save(big(photo(code, n)), f"{base}-big.jpg", "JPEG", p["name"], sym, "big", quality=85)
    save(no_barcode(), "no-barcode.png", "PNG", None, None, "none")
    json.dump(made, sys.stdout)


if __name__ == "__main__":
    main()
