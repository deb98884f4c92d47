#!/usr/bin/python3
"""Builds the seed corpora of the fuzz targets (fuzz/*.cpp) at run time from the files already in
the repository, so nothing is committed twice: every file under samples/ and tests/data/formats/
is classified by its first bytes (as formats/reader.cpp does) and copied, trimmed to the
target's max_len, into OUTDIR/<target>/. The inference target gets real dumps cut to their
first frames, in its input layout (fuzz/fuzz_infer.cpp).

usage: fuzz/make_seeds.py REPO OUTDIR MAXLEN_RAW MAXLEN_TEXT MAXLEN_CONTAINER MAXLEN_INFER
"""
import hashlib
import json
import os
import struct
import sys

repo, out = sys.argv[1], sys.argv[2]
max_raw, max_text, max_container, max_infer = (int(v) for v in sys.argv[3:7])


def sniff(head):
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "npz"
    if head.startswith(b"\x89HDF\r\n\x1a\n") or head.startswith(b"MATLAB 7.3"):
        return "hdf5"
    if head.startswith(b"MATLAB"):
        return "mat"
    if len(head) > 9 and head[8:9] == b"{" and 2 <= struct.unpack("<Q", head[:8])[0] <= 100_000_000:
        return "npy"  # safetensors: fuzz_npy reads it too
    if head[:3] == b"CDF" and head[3:4] in (b"\x01", b"\x02", b"\x05"):
        return "mat"  # NetCDF classic: fuzz_mat reads it too
    if head.startswith(b"Octave-1-"):
        return "mat"  # Octave's binary format: fuzz_mat reads it too
    if len(head) >= 20 and struct.unpack("<i", head[:4])[0] in range(0, 53) and head[16:20] in (b"\x04\0\0\0", b"\x05\0\0\0"):
        return "mat"  # a MAT v4 file (the fixtures' names are 3 or 4 characters): fuzz_mat reads it too
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    try:
        body.decode("utf-8")
        printable = all(c in (9, 10, 13) or 32 <= c < 127 or c >= 0x80 for c in body)
    except UnicodeDecodeError:
        printable = False
    return "text" if printable and body else "raw"


def save(target, data, name):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, name.replace("/", "_") + "-" + digest), "wb") as f:
        f.write(data)


counts = {}
skip_ext = (".py", ".m", ".md", ".json", ".sh", ".wav", ".png")
for root in ("tests/data/formats", "samples"):
    for dirpath, _, files in os.walk(os.path.join(repo, root)):
        for fn in sorted(files):
            path = os.path.join(dirpath, fn)
            rel = os.path.relpath(path, repo)
            if fn.endswith(skip_ext) or os.path.getsize(path) == 0:
                continue
            with open(path, "rb") as f:
                data = f.read()
            kind = sniff(data[:512])
            if kind == "raw" and len(data) > 2 and data[0] == 0x80 and 2 <= data[1] <= 5 and data.endswith(b"."):
                kind = "pickle"  # as formats/reader.cpp's LooksLikePickle
            if kind == "raw" and (data[:1] == b"\x78" or data[:2] == b"\x1f\x8b") and fn.endswith(".joblib"):
                kind = "pickle"  # joblib's compressed pickles (LooksLikeCompressedPickle)
            if kind == "raw" and (data[:3] == b"\x1f\x8b\x08" or data[:6] == b"\xfd7zXZ\x00" or data[:3] == b"BZh"
                                  or data[:4] == b"\x28\xb5\x2f\xfd" or fn.endswith(".lzma")):
                kind = "pickle"  # other compressed files (formats/compressed_file.h): fuzz_pickle decompresses them too
            if kind == "raw" and data[257:262] == b"ustar":
                kind = "npz"  # tar archives (formats/archive_reader.h): fuzz_npz reads them too
            if kind in ("npy", "npz", "pickle", "mat", "hdf5"):
                if len(data) > max_container:
                    continue  # cut containers are only broken; the malformed fixtures cover that
                save(kind, data, rel)
            elif kind == "text":
                cut = data[:max_text]
                if len(data) > max_text and b"\n" in cut:
                    cut = cut[: cut.rindex(b"\n") + 1]
                save("text", cut, rel)
            else:
                # The raw target's first byte chooses the hints; 0 = none.
                save("raw", b"\x00" + data[: max_raw - 1], rel)
            counts[kind] = counts.get(kind, 0) + 1

# Inference seeds: the first frames of real dumps (float32 raw pairs), as two halves after a
# 2-byte prefix: mode 0 (two float32 arrays), then 0 (flat) or the bin count (frames x bins).
infer = 0
for name in sorted(os.listdir(os.path.join(repo, "samples"))):
    truth_path = os.path.join(repo, "samples", name, "truth.json")
    if not os.path.exists(truth_path):
        continue
    t = json.load(open(truth_path))
    if t.get("dtype") != "float32" or "files" not in t or "bins" not in t:
        continue
    bins = int(t["bins"])
    arrays = []
    for role in ("magnitude", "phase"):
        raw = open(os.path.join(repo, "samples", name, t["files"][role]), "rb").read()
        v = struct.unpack("<%df" % (len(raw) // 4), raw)
        frames_total = len(v) // bins
        arrays.append((v, frames_total))
    frames = max(4, (max_infer - 2) // (8 * bins))
    cut = []
    for v, frames_total in arrays:
        frames = min(frames, frames_total)
        if t["layout"] == "frames_x_bins":
            rows = [v[f * bins:(f + 1) * bins] for f in range(frames)]
        else:  # bins x frames: keep the first frames of every bin row, stored frames x bins
            rows = [[v[b * frames_total + f] for b in range(bins)] for f in range(frames)]
        cut.append([x for r in rows for x in r])
    if 2 + 8 * len(cut[0]) > max_infer:
        continue
    body = b"".join(struct.pack("<%df" % len(c), *c) for c in cut)
    save("infer", b"\x00\x00" + body, name + "-flat")
    if bins < 256:
        save("infer", b"\x00" + bytes([bins]) + body, name + "-shaped")
    infer += 1

print("seeds: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())) + ", infer %d dumps" % infer)
