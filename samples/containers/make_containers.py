#!/usr/bin/python3
"""Container dumps made by real tools: one file holding the spectrogram with its axes and sample
rate, as people save them. Regenerate: /usr/bin/python3 samples/containers/make_containers.py
Each case: <case>/ with the container, source.wav (the excerpt) and truth.json."""
import json, os, subprocess, shutil
import numpy as np, scipy.signal as sg, scipy.io, scipy.io.wavfile as wavfile, h5py

here = os.path.dirname(os.path.abspath(__file__))
fs, x16 = wavfile.read(os.path.join(here, "..", "source", "speech16k.wav"))
x16 = x16[4000:12001]
x = x16.astype(np.float64) / 32768

def case(name, truth, writer):
    d = os.path.join(here, name)
    os.makedirs(d, exist_ok=True)
    wavfile.write(os.path.join(d, "source.wav"), fs, x16)
    files = writer(d)
    t = dict(producer=truth.pop("producer"), call=truth.pop("call"), source="source.wav", excerpt="source.wav",
             sample_rate=fs, signal_length=len(x), files={"container": files}, **truth)
    json.dump(t, open(os.path.join(d, "truth.json"), "w"), indent=2)

base = dict(window={"family": "hann", "param": None, "symmetric": False, "offset": 0}, onesided=True,
            fftshift=False, phase_reference="frame_start", detrended=False)

# 1. scipy.signal.stft saved with scipy.io.savemat: magnitude, phase, axes and fs.
f, t, Z = sg.stft(x, fs, nperseg=512, noverlap=384)
def w1(d):
    scipy.io.savemat(os.path.join(d, "stft.mat"), {"S": np.abs(Z).astype(np.float32), "P": np.angle(Z).astype(np.float32),
                                                   "f": f, "t": t, "fs": float(fs)})
    return "stft.mat"
case("savemat_mag_phase_axes", dict(producer="scipy.signal.stft + scipy.io.savemat",
     call="savemat('stft.mat', {'S': abs(Z), 'P': angle(Z), 'f': f, 't': t, 'fs': fs})",
     n_fft=512, hop=128, win_length=512, center=True, pad_mode="constant", **base), w1)

# 2. complex Zxx with axes in an .npz (numpy.savez).
f2, t2, Z2 = sg.stft(x, fs, window="hamming", nperseg=400, noverlap=300, nfft=512)
def w2(d):
    np.savez(os.path.join(d, "stft.npz"), Zxx=Z2.astype(np.complex64), f=f2, t=t2)
    return "stft.npz"
b2 = dict(base); b2["window"] = {"family": "hamming", "param": None, "symmetric": False, "offset": 0}
case("npz_complex_axes", dict(producer="scipy.signal.stft + numpy.savez", call="np.savez('stft.npz', Zxx=Z, f=f, t=t)",
     n_fft=512, hop=100, win_length=400, center=True, pad_mode="constant", **b2), w2)

# 3. h5py: real and imaginary parts as two datasets in a group, frames x bins, plus fs.
f3, t3, Z3 = sg.stft(x, fs, nperseg=256, noverlap=192)
def w3(d):
    with h5py.File(os.path.join(d, "stft.h5"), "w") as h:
        g = h.create_group("analysis")
        g.create_dataset("real", data=Z3.real.T.astype(np.float32))
        g.create_dataset("imag", data=Z3.imag.T.astype(np.float32))
        h.create_dataset("sample_rate", data=fs)
    return "stft.h5"
case("h5py_real_imag", dict(producer="scipy.signal.stft + h5py", call="h5py: analysis/real, analysis/imag (frames x bins), sample_rate",
     n_fft=256, hop=64, win_length=256, center=True, pad_mode="constant", **base), w3)

# 4. GNU Octave: specgram output saved with save -v7 (S complex, f, t).
if shutil.which("octave"):
    d = os.path.join(here, "octave_v7_specgram")
    os.makedirs(d, exist_ok=True)
    wavfile.write(os.path.join(d, "source.wav"), fs, x16)
    subprocess.run(["octave", "--no-gui", "--quiet", "--eval",
                    "pkg load signal; [x, fs] = audioread('%s'); [S, f, t] = specgram(x, 512, fs, hanning(512), 384); "
                    "save('-v7', '%s', 'S', 'f', 't', 'fs');" % (os.path.join(d, "source.wav"), os.path.join(d, "specgram.mat"))],
                   check=True, capture_output=True)
    t4 = dict(producer="octave specgram + save -v7", call="[S,f,t] = specgram(x, 512, fs, hanning(512), 384); save -v7",
              source="source.wav", excerpt="source.wav", sample_rate=fs, signal_length=len(x), files={"container": "specgram.mat"},
              n_fft=512, hop=128, win_length=512, center=False, pad_mode="none", onesided=True, fftshift=False,
              phase_reference="frame_start", detrended=False, nyquist_dropped=True,
              window={"family": "hann", "param": None, "symmetric": True, "offset": 0})
    json.dump(t4, open(os.path.join(d, "truth.json"), "w"), indent=2)
print("done")
