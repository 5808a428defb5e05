"""Reference fixtures for Glimpse's ImageIO tests, written with Pillow and numpy (and torch for bilinear).

What it writes
--------------
Everything goes to ``Tests/Fixtures/images/`` (found from this script's location):

* ``codec/*.png``, ``codec/*.jpg`` -- small images covering every PNG colour type and bit depth
  (1/2/4/8/16-bit grey, grey+alpha, RGB, RGBA, palette 1/2/4/8-bit, tRNS on grey/RGB/palette,
  Adam7 interlacing) and JPEG (baseline 4:2:0 and 4:4:4, progressive, grey, Adobe CMYK).
  PNGs come from the small PNG writer below (zlib, all five row filters used in turn), so that bit
  depths and interlacing Pillow cannot write are covered; JPEGs from Pillow.
* ``codec/manifest.json`` -- for each file: size, the expected 8-bit RGB pixels (base64) and the
  tolerance (0 = exact for PNG; JPEG gets a small one since IDCT builds may differ by a level).
  Expected pixels are Pillow's decode, converted as the Swift decoder documents:
    - 16-bit samples keep the high byte (v >> 8), as Pillow's own 16-bit -> 8-bit modes do;
    - alpha (channel or tRNS) composited over white: out = (c * a + 255 * (255 - a) + 127) // 255;
    - CMYK through Pillow's convert("RGB") (Adobe inverted convention).
  For every PNG the script also computes the same pixels independently from the source arrays and
  asserts agreement (for 16-bit tRNS, where Pillow compares a 16-bit key with 8-bit pixels, the
  independent computation is the one recorded; ``source`` says which).
* ``codec/resize_cases.json`` -- resampling references on the ``rgb8`` fixture: area averaging when
  shrinking (numpy, exact overlap weights, float64, rounded half up) and bilinear when enlarging
  (torch ``interpolate(mode="bilinear", align_corners=False)``), plus a shrink in one axis and an
  enlargement in the other.
* ``photos.json`` -- for each real photograph in ``../shared/data/photos`` (not committed; the test skips
  when absent): width, height, FNV-1a 64-bit of the decoded RGB bytes, per-channel means, 256 sampled
  pixels ``[x, y, r, g, b]``, and for PNGs an area-averaged resize to about a fifth (256 samples).
* ``broken/`` -- files that must fail with a clear error: a text file named ``.png``, an empty file,
  1 KiB of zero bytes, a PNG whose IHDR declares 100000 x 100000 (valid CRCs), a JPEG whose SOF
  declares 40000 x 40000, a PNG with a damaged IDAT CRC, a PNG with zeroed IDAT bytes and fixed CRC,
  and truncated PNG/JPEG copies. (The Swift tests also cut and damage files at every length.)

How to run
----------
    /path/to/venv/bin/python Scripts/reference/image_fixtures.py

Needs Pillow, numpy and torch. Deterministic: the same inputs give the same bytes.
"""

import base64
import json
import os
import struct
import zlib

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "images")
CODEC = os.path.join(OUT, "codec")
BROKEN = os.path.join(OUT, "broken")
PHOTOS = os.path.join(os.path.dirname(ROOT), "shared", "data", "photos")

WIDTH, HEIGHT = 13, 11  # odd sizes: partial bytes for low bit depths, every Adam7 pass non-empty


# --------------------------------------------------------------------------- a small PNG writer

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """One scanline's samples (1-D, already interleaved) as bytes at `bit_depth` (MSB first)."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if bit_depth == 8:
        return bytes(int(v) for v in samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for start in range(0, len(samples), per_byte):
        group = list(samples[start:start + per_byte]) + [0] * (per_byte - len(samples[start:start + per_byte]))
        value = 0
        for v in group:
            value = (value << bit_depth) | int(v)
        out.append(value)
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp):
    """Filters each packed row with filter type (row index % 5), so libpng must undo all five."""
    out = bytearray()
    previous = bytes(len(rows[0])) if rows else b""
    for index, row in enumerate(rows):
        kind = index % 5
        filtered = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            filtered.append((x - predictor) & 0xFF)
        out.append(kind)
        out += filtered
        previous = row
    return bytes(out)


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, samples, color_type, bit_depth, palette=None, trns=None, interlace=False):
    """samples: H x W x channels integer array at `bit_depth`."""
    height, width = samples.shape[:2]
    channels = CHANNELS[color_type]
    bpp = max(1, channels * bit_depth // 8)
    flat = samples.reshape(height, width * channels)
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            sub_flat = sub.reshape(sub.shape[0], sub.shape[1] * channels)
            raw += filter_rows([pack_row(r, bit_depth) for r in sub_flat], bpp)
    else:
        raw = filter_rows([pack_row(r, bit_depth) for r in flat], bpp)
    data = b"\x89PNG\r\n\x1a\n"
    data += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        data += chunk(b"PLTE", bytes(int(v) for rgb in palette for v in rgb))
    if trns is not None:
        data += chunk(b"tRNS", trns)
    compressed = zlib.compress(raw, 9)
    # Two IDAT chunks, to exercise the chunk boundary.
    half = len(compressed) // 2
    data += chunk(b"IDAT", compressed[:half]) + chunk(b"IDAT", compressed[half:])
    data += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
    return data


# --------------------------------------------------------------------------- reference conversions

def composite_over_white(rgb, alpha):
    rgb = rgb.astype(np.int64)
    a = alpha.astype(np.int64)[..., None]
    return ((rgb * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def to8(values, bit_depth):
    values = values.astype(np.int64)
    if bit_depth == 16:
        return (values >> 8).astype(np.uint8)
    return (values * 255 // ((1 << bit_depth) - 1)).astype(np.uint8)


def independent_png(samples, color_type, bit_depth, palette=None, trns=None):
    """Expected RGB from the source samples, following the documented rules (not using any decoder)."""
    h, w = samples.shape[:2]
    alpha = np.full((h, w), 255, dtype=np.int64)
    if color_type == 3:
        indices = samples[..., 0]
        rgb = np.array(palette, dtype=np.uint8)[indices]
        if trns is not None:
            table = np.full(256, 255, dtype=np.int64)
            table[:len(trns)] = list(trns)
            alpha = table[indices]
    elif color_type in (0, 4):
        grey = to8(samples[..., 0], bit_depth)
        rgb = np.stack([grey] * 3, axis=-1)
        if color_type == 4:
            alpha = to8(samples[..., 1], bit_depth).astype(np.int64)
        elif trns is not None:
            key = struct.unpack(">H", trns)[0]
            alpha = np.where(samples[..., 0] == key, 0, 255)
    else:
        rgb = to8(samples[..., :3], bit_depth)
        if color_type == 6:
            alpha = to8(samples[..., 3], bit_depth).astype(np.int64)
        elif trns is not None:
            key = np.array(struct.unpack(">HHH", trns))
            alpha = np.where(np.all(samples[..., :3] == key, axis=-1), 0, 255)
    return composite_over_white(rgb, alpha)


def pillow_rgb(path):
    """Pillow's decode converted to 8-bit RGB by the documented rules."""
    with Image.open(path) as im:
        im.load()
        if im.mode.startswith("I"):  # 16-bit grey: keep the high byte
            raw = np.array(im).astype(np.int64)
            grey = (raw >> 8).astype(np.uint8)
            alpha = np.full(raw.shape, 255)
            if "transparency" in im.info:
                alpha = np.where(raw == im.info["transparency"], 0, 255)
            return composite_over_white(np.stack([grey] * 3, axis=-1), alpha)
        if im.mode == "CMYK" or im.mode == "L" and "transparency" not in im.info or im.mode in ("RGB",) and "transparency" not in im.info:
            return np.array(im.convert("RGB"))
        rgba = np.array(im.convert("RGBA"))
        return composite_over_white(rgba[..., :3], rgba[..., 3])


# --------------------------------------------------------------------------- test images

def pattern(h, w, seed):
    """A deterministic mix of gradients and noise in [0, 1)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    smooth = (x / max(w - 1, 1) * 0.6 + y / max(h - 1, 1) * 0.4)
    return np.clip(smooth * 0.7 + rng.random((h, w)) * 0.3, 0, 0.999999)


def samples_for(color_type, bit_depth, seed, h=HEIGHT, w=WIDTH):
    top = (1 << bit_depth) - 1
    channels = CHANNELS[color_type]
    planes = [np.floor(pattern(h, w, seed + c) * (top + 1)).astype(np.int64) for c in range(channels)]
    samples = np.stack(planes, axis=-1)
    samples[0, 0, :] = 0
    samples[0, 1, :] = top
    if color_type in (4, 6):  # fully transparent, fully opaque and half transparent pixels
        samples[1, 0, -1] = 0
        samples[1, 1, -1] = top
        samples[1, 2, -1] = top // 2
    return samples


def png_cases():
    cases = []
    for depth in (1, 2, 4, 8, 16):
        cases.append((f"png_gray{depth}", 0, depth, {}))
    cases += [
        ("png_graya8", 4, 8, {}), ("png_graya16", 4, 16, {}),
        ("png_rgb8", 2, 8, {}), ("png_rgb16", 2, 16, {}),
        ("png_rgba8", 6, 8, {}), ("png_rgba16", 6, 16, {}),
        ("png_gray8_trns", 0, 8, {"trns": True}), ("png_gray16_trns", 0, 16, {"trns": True}),
        ("png_gray2_trns", 0, 2, {"trns": True}),
        ("png_rgb8_trns", 2, 8, {"trns": True}), ("png_rgb16_trns", 2, 16, {"trns": True}),
    ]
    for depth in (1, 2, 4, 8):
        cases.append((f"png_palette{depth}", 3, depth, {}))
    cases += [
        ("png_palette8_trns", 3, 8, {"trns": True}), ("png_palette2_trns", 3, 2, {"trns": True}),
        ("png_gray1_interlaced", 0, 1, {"interlace": True}),
        ("png_rgb8_interlaced", 2, 8, {"interlace": True}),
        ("png_rgba16_interlaced", 6, 16, {"interlace": True}),
        ("png_palette4_trns_interlaced", 3, 4, {"interlace": True, "trns": True}),
        ("png_graya8_interlaced", 4, 8, {"interlace": True}),
    ]
    return cases


def make_png(name, color_type, bit_depth, options, seed):
    samples = samples_for(color_type, bit_depth, seed)
    palette = trns = None
    if color_type == 3:
        count = 1 << bit_depth
        rng = np.random.default_rng(seed + 100)
        palette = [tuple(int(v) for v in rng.integers(0, 256, 3)) for _ in range(count)]
        palette[0] = (0, 0, 0)
        palette[-1] = (255, 255, 255)
        if options.get("trns"):
            # Fewer entries than the palette: the rest are opaque.
            entries = max(1, count // 2) if count > 2 else 1
            trns = bytes([0] + [int(v) for v in rng.integers(0, 256, entries - 1)])
    elif options.get("trns"):
        if color_type == 0:
            key = int(samples[2, 3, 0])
            trns = struct.pack(">H", key)
        else:
            key = samples[2, 3, :3]
            trns = struct.pack(">HHH", *[int(v) for v in key])
    path = os.path.join(CODEC, name + ".png")
    write_png(path, samples, color_type, bit_depth, palette, trns, options.get("interlace", False))
    independent = independent_png(samples, color_type, bit_depth, palette, trns)
    pillow = pillow_rgb(path)
    sixteen_key = bit_depth == 16 and trns is not None and color_type == 2
    if sixteen_key:
        expected, source = independent, "independent (Pillow compares the 16-bit tRNS key with 8-bit pixels)"
    else:
        assert np.array_equal(independent, pillow), f"{name}: Pillow and the independent conversion disagree"
        expected, source = pillow, "Pillow (and the independent conversion agrees)"
    return {"file": "codec/" + name + ".png", "format": "PNG", "width": WIDTH, "height": HEIGHT,
            "color_type": color_type, "bit_depth": bit_depth, "interlaced": bool(options.get("interlace")),
            "tolerance": 0, "source": source,
            "rgb_base64": base64.b64encode(expected.tobytes()).decode()}


def jpeg_source(h, w, seed):
    y, x = np.mgrid[0:h, 0:w]
    rng = np.random.default_rng(seed)
    r = 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)
    g = 255 * x / (w - 1)
    b = 255 * y / (h - 1)
    rgb = np.stack([r, g, b], axis=-1) + rng.normal(0, 6, (h, w, 3))
    rgb[h // 3:h // 2, w // 4:w // 2] = (220, 30, 40)  # a hard-edged block
    return np.clip(rgb, 0, 255).astype(np.uint8)


def jpeg_cases():
    rgb = Image.fromarray(jpeg_source(30, 41, 7))
    out = []

    def save(name, image, **kwargs):
        path = os.path.join(CODEC, name + ".jpg")
        image.save(path, "JPEG", **kwargs)
        with Image.open(path) as check:
            progressive = bool(check.info.get("progressive") or check.info.get("progression"))
        out.append({"file": "codec/" + name + ".jpg", "format": "JPEG", "width": image.width, "height": image.height,
                    "mode": image.mode, "progressive": progressive, "tolerance": 2,
                    "source": "Pillow convert('RGB')",
                    "rgb_base64": base64.b64encode(pillow_rgb(path).tobytes()).decode()})

    save("jpeg_baseline_420", rgb, quality=85, subsampling="4:2:0")
    save("jpeg_baseline_444", rgb, quality=92, subsampling="4:4:4")
    save("jpeg_baseline_422", rgb, quality=80, subsampling="4:2:2")
    save("jpeg_progressive", rgb, quality=85, progressive=True)
    save("jpeg_gray", rgb.convert("L"), quality=90)
    save("jpeg_progressive_gray", rgb.convert("L"), quality=90, progressive=True)
    save("jpeg_cmyk", rgb.convert("CMYK"), quality=90)
    save("jpeg_restart_markers", rgb, quality=85, restart_marker_blocks=2)
    return out


# --------------------------------------------------------------------------- resampling references

def area_weights(n, m):
    s = n / m
    w = np.zeros((m, n))
    for i in range(m):
        lo, hi = i * s, (i + 1) * s
        for j in range(int(np.floor(lo)), min(n, int(np.ceil(hi)))):
            w[i, j] = max(0.0, min(j + 1, hi) - max(j, lo))
        w[i] /= w[i].sum()
    return w


def bilinear_weights(n, m):
    w = np.zeros((m, n))
    s = n / m
    for i in range(m):
        c = min(max((i + 0.5) * s - 0.5, 0), n - 1)
        j = int(np.floor(c))
        f = c - j
        if j >= n - 1:
            j, f = n - 2, 1.0
        if n == 1:
            w[i, 0] = 1
            continue
        w[i, j] += 1 - f
        w[i, j + 1] += f
    return w


def reference_resize(rgb, width, height):
    """The documented .antialiased filter: per axis area when shrinking, bilinear otherwise."""
    h, w = rgb.shape[:2]
    wx = area_weights(w, width) if width < w else bilinear_weights(w, width)
    wy = area_weights(h, height) if height < h else bilinear_weights(h, height)
    out = np.einsum("yh,hwc,xw->yxc", wy, rgb.astype(np.float64), wx)
    return np.clip(np.floor(out + 0.5), 0, 255).astype(np.uint8)


def resize_cases():
    with open(os.path.join(CODEC, "png_rgb8.png"), "rb"):
        pass
    source = pillow_rgb(os.path.join(CODEC, "png_rgb8.png"))
    cases = []
    # torch cross-check of the bilinear enlargement.
    t = torch.from_numpy(source.astype(np.float64)).permute(2, 0, 1)[None]
    for width, height in [(6, 5), (4, 3), (29, 23), (40, 11), (7, 30), (13, 11)]:
        ours = reference_resize(source, width, height)
        if width >= WIDTH and height >= HEIGHT:
            torch_out = torch.nn.functional.interpolate(t, size=(height, width), mode="bilinear", align_corners=False)
            torch_rgb = np.clip(np.floor(torch_out[0].permute(1, 2, 0).numpy() + 0.5), 0, 255).astype(np.uint8)
            assert np.abs(torch_rgb.astype(int) - ours.astype(int)).max() <= 0, "bilinear differs from torch"
        cases.append({"width": width, "height": height, "tolerance": 1,
                      "rgb_base64": base64.b64encode(ours.tobytes()).decode()})
    return {"source": "codec/png_rgb8.png", "filter": "antialiased", "cases": cases}


# --------------------------------------------------------------------------- photos

def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def sample_positions(width, height, count, seed):
    """LCG positions (so the Swift test could regenerate them; they are stored anyway)."""
    state = seed
    positions = []
    for _ in range(count):
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        positions.append(((state >> 33) % width, (state >> 17) % height))
    return positions


def photo_entries():
    entries = []
    if not os.path.isdir(PHOTOS):
        print("photos folder absent; photos.json not rewritten")
        return None
    for name in sorted(os.listdir(PHOTOS)):
        if not name.endswith((".png", ".jpg")):
            continue
        rgb = pillow_rgb(os.path.join(PHOTOS, name))
        height, width = rgb.shape[:2]
        samples = [[int(x), int(y)] + [int(v) for v in rgb[y, x]] for x, y in sample_positions(width, height, 256, 1)]
        entry = {"file": name, "width": width, "height": height, "fnv1a64": "%016x" % fnv1a64(rgb.tobytes()),
                 "mean": [round(float(rgb[..., c].mean()), 4) for c in range(3)],
                 "tolerance": 0 if name.endswith(".png") else 2, "samples": samples}
        if name.endswith(".png"):
            rw, rh = max(1, width // 5 + 1), max(1, height // 5 + 3)
            small = reference_resize(rgb, rw, rh)
            entry["resized"] = {"width": rw, "height": rh, "tolerance": 1,
                                "samples": [[int(x), int(y)] + [int(v) for v in small[y, x]]
                                            for x, y in sample_positions(rw, rh, 256, 2)]}
        entries.append(entry)
    return entries


# --------------------------------------------------------------------------- broken files

def broken_files():
    os.makedirs(BROKEN, exist_ok=True)

    def put(name, data):
        with open(os.path.join(BROKEN, name), "wb") as f:
            f.write(data)

    put("text_named.png", b"This is a text file that merely has a .png name.\n")
    put("empty.png", b"")
    put("zeros.jpg", bytes(1024))
    # IHDR declaring 100000 x 100000 with correct CRCs, then a tiny IDAT and IEND.
    huge = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
    huge += chunk(b"IDAT", zlib.compress(b"\x00" * 301)) + chunk(b"IEND", b"")
    put("huge_ihdr.png", huge)
    # A JPEG whose SOF0 declares 40000 x 40000.
    with open(os.path.join(CODEC, "jpeg_baseline_420.jpg"), "rb") as f:
        jpeg = bytearray(f.read())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", 40000, 40000)
    put("huge_sof.jpg", bytes(jpeg))
    with open(os.path.join(CODEC, "png_rgb8.png"), "rb") as f:
        png = bytearray(f.read())
    idat = png.index(b"IDAT")
    length = struct.unpack(">I", png[idat - 4:idat])[0]
    bad_crc = bytearray(png)
    bad_crc[idat + 4 + length] ^= 0xFF
    put("bad_crc.png", bytes(bad_crc))
    zeroed = bytearray(png)
    zeroed[idat + 4:idat + 4 + length] = bytes(length)
    zeroed[idat + 4 + length:idat + 8 + length] = struct.pack(">I", zlib.crc32(bytes(zeroed[idat:idat + 4 + length])) & 0xFFFFFFFF)
    put("zeroed_idat.png", bytes(zeroed))
    put("truncated_half.png", bytes(png[:len(png) // 2]))
    put("truncated_no_iend.png", bytes(png[:-12]))
    put("truncated_half.jpg", bytes(jpeg_bytes := open(os.path.join(CODEC, "jpeg_progressive.jpg"), "rb").read())[:len(jpeg_bytes) // 2])
    put("truncated_no_eoi.jpg", jpeg_bytes[:-2])
    put("truncated_header.jpg", jpeg_bytes[:40])


def main():
    os.makedirs(CODEC, exist_ok=True)
    entries = [make_png(name, ct, bd, opts, seed) for seed, (name, ct, bd, opts) in enumerate(png_cases())]
    entries += jpeg_cases()
    with open(os.path.join(CODEC, "manifest.json"), "w") as f:
        json.dump({"background": [255, 255, 255], "images": entries}, f, indent=1)
    with open(os.path.join(CODEC, "resize_cases.json"), "w") as f:
        json.dump(resize_cases(), f, indent=1)
    photos = photo_entries()
    if photos is not None:
        with open(os.path.join(OUT, "photos.json"), "w") as f:
            json.dump({"folder": "../shared/data/photos", "images": photos}, f, separators=(",", ":"))
    broken_files()
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(OUT) for n in ns)
    print(f"wrote {len(entries)} codec fixtures, {len(photos or [])} photo references; {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
