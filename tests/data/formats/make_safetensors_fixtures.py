#!/usr/bin/python3
"""Write the fixtures that tests/formats_safetensors_test.cpp reads.

    /usr/bin/python3 tests/data/formats/make_safetensors_fixtures.py

safetensors/*.safetensors are written after the format's documentation (Hugging Face's
safetensors package is not in Debian): an 8-byte little-endian header length, a JSON header
{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}} padded with
spaces to 8 bytes, then each tensor's bytes, little-endian, C order. tensors.safetensors holds
one tensor per element type beside its .npy twin (bfloat16's twin holds its float32 values);
stft_pair.safetensors holds a scipy.signal.stft magnitude and phase (Hann 128, hop 32, 16 kHz)
with truth.json. torch_bf16.pt is torch.save of a bfloat16 tensor (python3-torch) with its twin.
safetensors/malformed/ and safetensors_manifest.json: each broken file and the phrase its error
must contain.
"""
import json
import os
import struct

import numpy as np
import scipy.signal as sg
import torch

FORMATS = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(FORMATS, "safetensors")


def bf16_bits(a32):
    """float32 to bfloat16 bits, rounded to nearest even (as torch does)."""
    bits = a32.astype("<f4").view("<u4").astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")


def safetensors(tensors, metadata=None, header_patch=None):
    """tensors: list of (name, dtype string, shape, raw bytes)."""
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if header_patch:
        header_patch(header)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def main():
    os.makedirs(os.path.join(OUT, "malformed"), exist_ok=True)
    i = np.arange(24)
    v = np.sin(0.37 * i) * 100 + i * 0.001
    shape = (4, 6)
    tensors, truth = [], {}
    for name, st, arr in (("f64", "F64", v.astype("<f8")), ("f32", "F32", v.astype("<f4")), ("f16", "F16", v.astype("<f2")),
                          ("i16", "I16", np.trunc(v).astype("<i2")), ("u8", "U8", (np.trunc(v) + 128).astype("u1")),
                          ("c64", "C64", (v + 1j * v[::-1]).astype("<c8"))):
        tensors.append((name, st, shape, arr.reshape(shape).tobytes()))
        truth[name] = arr.reshape(shape)
    b = bf16_bits(v.astype("<f4"))
    tensors.append(("bf16", "BF16", shape, b.reshape(shape).tobytes()))
    truth["bf16"] = (b.astype("<u4") << 16).view("<f4").reshape(shape)
    open(os.path.join(OUT, "tensors.safetensors"), "wb").write(safetensors(tensors, {"format": "pt", "note": "specrecon fixture"}))
    for name, arr in truth.items():
        np.save(os.path.join(OUT, f"truth_{name}.npy"), arr)

    fs = 16000
    t = np.arange(fs // 4) / fs
    x = np.sin(2 * np.pi * 440 * t * (1 + 2 * t)) + 0.05 * np.random.RandomState(7).randn(t.size)
    _, _, Z = sg.stft(x, fs, window="hann", nperseg=128, noverlap=96)
    mag, ph = np.abs(Z).astype("<f4"), np.angle(Z).astype("<f4")
    open(os.path.join(OUT, "stft_pair.safetensors"), "wb").write(
        safetensors([("magnitude", "F32", mag.shape, mag.tobytes()), ("phase", "F32", ph.shape, ph.tobytes())]))
    json.dump({"n_fft": 128, "hop": 32, "win_length": 128, "window": "hann", "sample_rate": fs},
              open(os.path.join(OUT, "stft_pair_truth.json"), "w"), indent=2)

    torch.manual_seed(0)
    tb = torch.from_numpy(v.astype(np.float32).reshape(shape)).to(torch.bfloat16)
    torch.save(tb, os.path.join(OUT, "torch_bf16.pt"))
    np.save(os.path.join(OUT, "truth_torch_bf16.npy"), tb.float().numpy())

    good = safetensors([("f32", "F32", shape, truth["f32"].tobytes())])
    manifest = {"malformed": []}

    def offsets_past_end(h):
        h["f32"]["data_offsets"][1] += 64

    def wrong_shape(h):
        h["f32"]["shape"] = [5, 6]

    def float8(h):
        h["f32"]["dtype"] = "F8_E4M3"

    for rel, data, phrase in (
            ("malformed/cut.safetensors", good[:-40], "truncated or corrupt"),
            ("malformed/past_end.safetensors", safetensors([("f32", "F32", shape, truth["f32"].tobytes())], header_patch=offsets_past_end),
             "truncated or corrupt"),
            ("malformed/wrong_shape.safetensors", safetensors([("f32", "F32", shape, truth["f32"].tobytes())], header_patch=wrong_shape),
             "needs 120 bytes, its range holds 96"),
            ("malformed/float8.safetensors", safetensors([("f32", "F32", shape, truth["f32"].tobytes())], header_patch=float8),
             "element type F8_E4M3, which is not read"),
            ("malformed/bad_json.safetensors", good[:8] + b"{" + good[9:20].replace(b'"', b"'") + good[20:], "not valid JSON")):
        open(os.path.join(OUT, rel), "wb").write(data)
        manifest["malformed"].append({"file": "safetensors/" + rel, "phrase": phrase})
    with open(os.path.join(FORMATS, "safetensors_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
