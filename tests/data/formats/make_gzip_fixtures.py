#!/usr/bin/python3
"""Write the gzip fixtures that tests/formats_gzip_test.cpp reads, with Python's gzip module (the
same deflate stream and header as the gzip command; mtime 0 so two runs give the same bytes).

    /usr/bin/python3 tests/data/formats/make_gzip_fixtures.py

gzip/<dir>_<name>.gz: gzip of the existing fixtures listed in ORIGINALS (read back, they must
give the arrays the uncompressed file gives); gzip/raw_f32le_two_members.bin.gz: the two halves
of raw/f32le.bin as two concatenated members (as `cat a.gz b.gz` makes); gzip/raw_f32le_padded.bin.gz:
a member followed by 512 zero bytes. gzip/malformed/: a member cut short, one whose stored CRC is
flipped, one followed by bytes that are not gzip, a gzip of a gzip, a gzip of nothing;
gzip_manifest.json lists them with the phrase each error must contain.
"""
import gzip
import json
import os

FORMATS = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FORMATS, "gzip")
ORIGINALS = ["raw/f32le.bin", "raw/header100_f32le.bin", "npy/c8le.npy", "mat/scipy_v5.mat", "text/comma_header.csv",
             "hdf5/h5py.h5", "npz/deflated.npz"]


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(rel, data):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return "gzip/" + rel


def main():
    manifest = {"files": [], "malformed": []}
    for orig in ORIGINALS:
        data = open(os.path.join(FORMATS, orig), "rb").read()
        name = orig.replace("/", "_") + ".gz"
        manifest["files"].append({"file": write(name, gz(data)), "original": orig})
    f32 = open(os.path.join(FORMATS, "raw/f32le.bin"), "rb").read()
    half = len(f32) // 2
    manifest["files"].append({"file": write("raw_f32le_two_members.bin.gz", gz(f32[:half]) + gz(f32[half:])),
                              "original": "raw/f32le.bin"})
    manifest["files"].append({"file": write("raw_f32le_padded.bin.gz", gz(f32) + bytes(512)), "original": "raw/f32le.bin"})
    whole = gz(f32)
    flipped = bytearray(whole)
    flipped[-8] ^= 0xFF  # the stored CRC-32 of the member
    for rel, data, phrase in (
            ("malformed/cut.bin.gz", whole[: len(whole) // 2], "gzip stream is truncated"),
            ("malformed/bad_crc.bin.gz", bytes(flipped), "gzip stream is corrupt (incorrect data check)"),
            ("malformed/trailing.bin.gz", whole + b"not gzip", "neither another gzip stream nor zero padding"),
            ("malformed/nested.bin.gz.gz", gz(whole), "holds a compressed file inside its compressed stream"),
            ("malformed/nothing.gz", gz(b""), "gzip stream holds no data")):
        manifest["malformed"].append({"file": write(rel, data), "phrase": phrase})
    with open(os.path.join(FORMATS, "gzip_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
