#!/usr/bin/python3
"""A magnitude-only dump saved with its shape, for tests/magnitude_only_test.cpp.

    /usr/bin/python3 tests/data/magnitude_shape/make.py      (from the repository root)

Writes scipy_fr16k_blackman1024_hop512/magnitude.npy: numpy.save of |scipy.signal.stft(x, 16000,
'blackman', 1024, noverlap=512)|^2 as float32, 513 x 122, column-major as scipy returns it, where x
is a French espeak-ng sentence resampled to 16 kHz by sox; and truth.json. Its flat stream
correlates best at period 6 (of 62586 values), and without the stored shape it was read as n_fft
20860. Needs python3-numpy, python3-scipy, espeak-ng and sox.
"""
import json
import os
import subprocess

import numpy as np
import scipy.io.wavfile
import scipy.signal

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = "Le vieux port de Marseille est plein de bateaux ce matin, et les pêcheurs chantent."


def main():
    spoken, resampled = os.path.join(HERE, "espeak.wav"), os.path.join(HERE, "fr16k.wav")
    subprocess.run(["espeak-ng", "-v", "fr", "-s", "160", "-w", spoken, TEXT], check=True)
    subprocess.run(["sox", "-R", "-D", spoken, "-r", "16000", "-b", "16", resampled], check=True)
    fs, x = scipy.io.wavfile.read(resampled)
    os.remove(spoken)
    os.remove(resampled)
    z = scipy.signal.stft(x.astype(np.float64) / 32768.0, fs, window="blackman", nperseg=1024, noverlap=512)[2]
    p = (np.abs(z) ** 2).astype(np.float32)
    assert p.flags["F_CONTIGUOUS"]
    folder = os.path.join(HERE, "scipy_fr16k_blackman1024_hop512")
    os.makedirs(folder, exist_ok=True)
    np.save(os.path.join(folder, "magnitude.npy"), p)
    truth = {"n_fft": 1024, "hop": 512, "win_length": 1024, "window": {"family": "blackman"}, "magnitude_scale": "power",
             "sample_rate": int(fs), "bins": int(p.shape[0]), "frames": int(p.shape[1]),
             "made_by": f"espeak-ng -v fr -s 160 '{TEXT}', sox -r 16000 -b 16; "
                        "np.abs(scipy.signal.stft(x, fs, 'blackman', 1024, noverlap=512)[2]) ** 2, numpy.save"}
    with open(os.path.join(folder, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
