#!/usr/bin/python3
"""Write the xz, lzma, bzip2 and zstd fixtures that tests/formats_compressed_test.cpp reads: xz,
lzma (FORMAT_ALONE, as `xz --format=lzma` and joblib's 'lzma' write) and bzip2 by Python's lzma
and bz2 modules, zstd by the zstd command (Debian's zstd package: scripts/setup --samples).
gzip's fixtures are make_gzip_fixtures.py's.

    /usr/bin/python3 tests/data/formats/make_compressed_fixtures.py

compressed/<dir>_<name>.<ext>: each codec's stream of the fixtures listed in ORIGINALS (read back,
they must give the arrays the uncompressed file gives); compressed/pair.tar.<ext>: a tar of
raw/f32le.bin and raw/f64be.bin; two streams of the halves of raw/f32le.bin (as `cat a.xz b.xz`,
pbzip2 and zstd of several frames make), and a stream followed by zero padding. compressed/malformed/:
each codec's stream cut short, with a flipped byte, followed by bytes of another kind, an xz of a
bzip2 file, an empty stream, and an lzma stream whose header asks for a 1 GiB dictionary;
compressed_manifest.json lists them with the codec and the phrase each error must contain.
"""
import bz2
import io
import json
import lzma
import os
import subprocess
import tarfile

FORMATS = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FORMATS, "compressed")
ORIGINALS = ["raw/f32le.bin", "npy/c8le.npy", "mat/scipy_v5.mat", "text/comma_header.csv"]


def zstd(data):
    return subprocess.run(["zstd", "-q", "-19", "--no-progress", "-c"], input=data, capture_output=True, check=True).stdout


CODECS = {
    "xz": ("xz", lambda d: lzma.compress(d, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64)),
    "lzma": ("lzma", lambda d: lzma.compress(d, format=lzma.FORMAT_ALONE)),
    "bzip2": ("bz2", lambda d: bz2.compress(d, 9)),
    "zstd": ("zst", zstd),
}


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return "compressed/" + rel


def tar_of(names):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name in names:
            data = open(os.path.join(FORMATS, name), "rb").read()
            info = tarfile.TarInfo(os.path.basename(name))
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main():
    manifest = {"files": [], "archives": [], "malformed": []}
    f32 = open(os.path.join(FORMATS, "raw/f32le.bin"), "rb").read()
    half = len(f32) // 2
    pair = tar_of(["raw/f32le.bin", "raw/f64be.bin"])
    for codec, (ext, pack) in CODECS.items():
        for orig in ORIGINALS:
            data = open(os.path.join(FORMATS, orig), "rb").read()
            name = orig.replace("/", "_") + "." + ext
            manifest["files"].append({"file": write(name, pack(data)), "original": orig, "codec": codec})
        manifest["archives"].append({"file": write(f"pair.tar.{ext}", pack(pair)), "codec": codec,
                                     "members": ["f32le.bin", "f64be.bin"], "originals": ["raw/f32le.bin", "raw/f64be.bin"]})
        whole = pack(f32)
        if codec != "lzma":  # lzma_alone has no framing to concatenate
            manifest["files"].append({"file": write(f"raw_f32le_two_streams.bin.{ext}", pack(f32[:half]) + pack(f32[half:])),
                                      "original": "raw/f32le.bin", "codec": codec})
        manifest["files"].append({"file": write(f"raw_f32le_padded.bin.{ext}", whole + bytes(512)), "original": "raw/f32le.bin",
                                  "codec": codec})
        flipped = bytearray(whole)
        flipped[len(whole) // 2] ^= 0xFF
        for rel, data, phrase in (
                (f"malformed/cut.bin.{ext}", whole[: len(whole) // 2], f"{codec} stream is truncated"),
                (f"malformed/flipped.bin.{ext}", bytes(flipped), f"{codec} stream is corrupt"),
                (f"malformed/trailing.bin.{ext}", whole + b"not compressed",
                 f"bytes after the {codec} stream are neither another {codec} stream nor zero padding"),
                (f"malformed/nothing.{ext}", pack(b""), f"{codec} stream holds no data")):
            manifest["malformed"].append({"file": write(rel, data), "phrase": phrase, "codec": codec})
    manifest["malformed"].append({"file": write("malformed/nested.bin.bz2.xz", CODECS["xz"][1](CODECS["bzip2"][1](f32))),
                                  "phrase": "holds a compressed file inside its compressed stream", "codec": "xz"})
    big = bytearray(CODECS["lzma"][1](f32))
    big[1:5] = (1 << 30).to_bytes(4, "little")  # the dictionary size the header declares
    manifest["malformed"].append({"file": write("malformed/big_dictionary.bin.lzma", bytes(big)),
                                  "phrase": "bytes of memory to decompress (its dictionary), more than the 268435456 allowed",
                                  "codec": "lzma"})
    with open(os.path.join(FORMATS, "compressed_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
