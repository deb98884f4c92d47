#!/usr/bin/python3
"""Magnitude-only dumps (no phase file) from real tools, for tests/magnitude_only_test.cpp.

    /usr/bin/python3 tests/data/magnitude_only/make.py      (from the repository root)

Writes twenty-six cases next to this script, each a raw little-endian float32 file in the tool's own
layout (bins x frames, as scipy.signal.stft and torch.stft return it; the last one frames x bins)
plus truth.json:
  scipy_hann512_hop128   |scipy.signal.stft(x, fs, nperseg=512, noverlap=384)|      hop = L/4
  scipy_hann512_hop256   |scipy.signal.stft(x, fs, nperseg=512, noverlap=256)|      hop = L/2
  torch_power512_hop128  |torch.stft(x, 512, 128, window=hann_window(512))|^2       hop = L/4
  torch_power512_hop256  |torch.stft(x, 512, 256, window=hann_window(512))|^2       hop = L/2
  torch_power_blackman400_in1024_hop100 |torch.stft(x, 1024, 100, 400, window=blackman_window(400))|^2
  scipy_hann512_in1024_hop128 |scipy.signal.stft(x, fs, nperseg=512, noverlap=384, nfft=1024)|
  torch_power_hamming512_in1024_hop256 |torch.stft(x, 1024, 256, 512, window=hamming_window(512))|^2
  scipy_hann400_in1024_hop200   |scipy.signal.stft(x, fs, nperseg=400, noverlap=200, nfft=1024)|
  scipy_hamming1024_in2048_hop512 |scipy.signal.stft(x, fs, 'hamming', 1024, noverlap=512, nfft=2048)|
                                (speech16k)
  scipy_blackman512_hop256      |scipy.signal.stft(x, fs, 'blackman', 512, noverlap=256)|  (speech16k)
  torch_power_hamming512_hop128 |torch.stft(x, 512, 128, window=hamming_window(512))|^2   (noisy22k)
  scipy_chord_hamming1024_hop256 |scipy.signal.stft(x, 48000, 'hamming', 1024, noverlap=768)| of a
                                 1 s plucked chord made by sox
  scipy_chord_blackman1024_hop512 |scipy.signal.stft(x, 48000, 'blackman', 1024, noverlap=512)| (chord)
  scipy_chord_hann2048_hop512    |scipy.signal.stft(x, 48000, 'hann', 2048, noverlap=1536)| (chord)
  torch_chord_power_hann1024_hop512 |torch.stft(x, 1024, 512, window=hann_window(1024))|^2 (chord)
  scipy_pluck_hann2048_hop256    |scipy.signal.stft(x, 22050, 'hann', 2048, noverlap=1792)| of 2 s
                                 of a plucked G chord made by sox
  scipy_pluck_hamming256_hop128  |scipy.signal.stft(x, 22050, 'hamming', 256, noverlap=128)| (that chord)
  scipy_pluck_dc_hann256_hop128  |scipy.signal.stft(x + 0.05 max|x|, 22050, 'hann', 256, noverlap=128)|
  scipy_default_hann256_hop128   |scipy.signal.stft(x, fs)| with its defaults (speech16k)
  scipy_hamming256_hop128        |scipy.signal.stft(x, fs, 'hamming', 256, noverlap=128)| (speech16k)
  scipy_music_blackman256_hop64  |scipy.signal.stft(x, fs, 'blackman', 256, noverlap=192)| of 1 s
                                 of plucked strings at 22050 Hz made by sox
  scipy_music_blackman256_hop128 the same at hop 128, 1.5 s
  torch_music_frames_power_hann256_hop64 |torch.stft(x, 256, 64, window=hann_window(256),
                                 center=False)|^2 of those strings, 792 frames, frames x bins
  torch_music_frames_db_hamming256_hop128 20 log10 |torch.stft(x, 256, 128, window=hamming_window(256),
                                 center=False)| of all 2.5 s of the strings, frames x bins
  torch_female44k_power_hann400_hop200 |torch.stft(x, 400, 200, window=hann_window(400))|^2
                                 (torchaudio's Spectrogram defaults) of 1 s of a female espeak-ng
                                 voice resampled to 44.1 kHz
  torch_power_hann400_hop160     |torch.stft(x, 400, 160, window=hann_window(400))|^2 (whisper's
                                 STFT) of speech16k
and, for the scale alone, ../magnitude_scale/scipy_hamming256_hop64 (speech16k) and
../magnitude_scale/scipy_german8k_blackman128_hop32 (1.2 s of German espeak-ng speech at 8 kHz) and
../magnitude_scale/scipy_music44k_hamming512_hop256 (0.6 s of the strings resampled to 44.1 kHz) and
../magnitude_scale/torch_pluck_power_hann2048_hop512 (0.5 s of a plucked chord, torch power) and
../magnitude_scale/torch_organ_power_hamming1024_hop256 (0.5 s of a square-wave organ, torch power).
x is 0.6 s of samples/source/speech16k.wav (scipy) or 0.45 s of samples/source/noisy22k.wav
(torch), as float64 int16/32768 (torch: float32); the next two use the whole recordings.
Deterministic; about 5.0 MB in all, with ../magnitude_scale.
Needs python3-numpy, python3-scipy, python3-torch, sox, espeak-ng.
"""
import json
import os
import subprocess

import numpy as np
import scipy.io.wavfile
import scipy.signal
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "..", "..", "samples", "source")


def load(name, start, count):
    fs, x = scipy.io.wavfile.read(os.path.join(SOURCE, name))
    return fs, x[start:start + count].astype(np.float64) / 32768.0


def write(case, data, truth, root=HERE, layout="bins_x_frames"):
    """data is bins x frames; written in `layout`."""
    folder = os.path.join(root, case)
    os.makedirs(folder, exist_ok=True)
    (data if layout == "bins_x_frames" else data.T).astype("<f4").tofile(os.path.join(folder, "magnitude.f32"))
    truth.update({"layout": layout, "bins": int(data.shape[0]), "frames": int(data.shape[1]),
                  "dtype": "float32", "byte_order": "little",
                  "files": {"magnitude": "magnitude.f32", "phase": None}})
    with open(os.path.join(folder, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")


def window(family):
    return {"family": family, "param": None, "symmetric": False, "offset": 0}


def espeak(voice, speed, text, rate):
    """espeak-ng's voice saying text, resampled by sox to rate as 16-bit: (rate, int16 samples)."""
    spoken, resampled = os.path.join(HERE, "espeak.wav"), os.path.join(HERE, "resampled.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", speed, "-w", spoken, text], check=True)
    subprocess.run(["sox", "-R", "-D", spoken, "-r", str(rate), "-b", "16", resampled], check=True)
    fs, x = scipy.io.wavfile.read(resampled)
    os.remove(spoken)
    os.remove(resampled)
    return fs, (x if x.ndim == 1 else x[:, 0])


def scipy_case(case, x, fs, family, n, hop, call, source, root=HERE, nfft=None):
    """|scipy.signal.stft(x, fs, window=family, nperseg=n, noverlap=n - hop, nfft=nfft)|, linear."""
    z = scipy.signal.stft(x, fs, window=family, nperseg=n, noverlap=n - hop, nfft=nfft)[2]
    write(case, np.abs(z), {
        "producer": "scipy.signal.stft", "call": call, "source": source, "sample_rate": fs,
        "n_fft": nfft or n, "hop": hop, "win_length": n, "window": window(family),
        "center": True, "pad_mode": "constant", "magnitude_scale": "linear"}, root)


def torch_case(case, x, fs, family, n, hop, source, win_length=None, pad_mode="reflect", root=HERE):
    """|torch.stft(x, n, hop, win_length, window=<family>_window(win_length), center=True, pad_mode)|^2, power."""
    name = {"hann": "hann_window", "hamming": "hamming_window", "blackman": "blackman_window"}[family]
    wl = win_length or n
    z = torch.stft(torch.from_numpy(x.astype(np.float32)), n_fft=n, hop_length=hop, win_length=wl,
                   window=getattr(torch, name)(wl), center=True, pad_mode=pad_mode, return_complex=True)
    write(case, (z.abs() ** 2).numpy(), {
        "producer": "torch.stft",
        "call": f"torch.stft(x, n_fft={n}, hop_length={hop}, " + (f"win_length={wl}, " if wl != n else "") +
                f"window=torch.{name}({wl}), center=True, pad_mode='{pad_mode}', return_complex=True).abs()**2",
        "source": source, "sample_rate": fs,
        "n_fft": n, "hop": hop, "win_length": wl, "window": window(family),
        "center": True, "pad_mode": pad_mode, "magnitude_scale": "power"}, root)


def torch_frames_case(case, x, fs, family, n, hop, scale, source):
    """torch.stft(x, n, hop, window=<family>_window(n, float64), center=False), written frames x bins:
    |Z|^2 (scale "power") or 20 log10 |Z| floored at 1e-10 ("db20")."""
    name = family + "_window"
    stft = (f"torch.stft(x, n_fft={n}, hop_length={hop}, window=torch.{name}({n}, dtype=torch.float64), "
            "center=False, return_complex=True).abs().T")
    z = torch.stft(torch.from_numpy(x), n_fft=n, hop_length=hop, window=getattr(torch, name)(n, dtype=torch.float64),
                   center=False, return_complex=True).abs().numpy()
    if scale == "power":
        data, call = z ** 2, stft + "**2"
    else:
        data, call = 20 * np.log10(np.maximum(z, 1e-10)), f"20 * np.log10(np.maximum({stft}, 1e-10))"
    write(case, data, {
        "producer": "torch.stft", "call": call, "source": source, "sample_rate": fs,
        "n_fft": n, "hop": hop, "win_length": n, "window": window(family),
        "center": False, "pad_mode": None, "magnitude_scale": scale}, layout="frames_x_bins")


def main():
    fs, x = load("speech16k.wav", 4000, 9600)
    for hop in (128, 256):
        scipy_case(f"scipy_hann512_hop{hop}", x, fs, "hann", 512, hop,
                   f"np.abs(scipy.signal.stft(x, fs, nperseg=512, noverlap={512 - hop})[2])", "samples/source/speech16k.wav[4000:13600]")
    fs, x = load("noisy22k.wav", 12000, 10000)
    for hop in (128, 256):
        torch_case(f"torch_power512_hop{hop}", x, fs, "hann", 512, hop, "samples/source/noisy22k.wav[12000:22000]")
    # Windows shorter than n_fft (zero-padded frames): the frames' autocorrelation vanishes beyond
    # the window's length, and a tapered window's fades before it. Once read as win_length n_fft
    # (Blackman 400 in 1024 as power read linear, then Hann 1024 at hop 512), or as 511 for 512,
    # which no hop divides.
    torch_case("torch_power_blackman400_in1024_hop100", x, fs, "blackman", 1024, 100,
               "samples/source/noisy22k.wav[12000:22000]", win_length=400)
    # The edge of that autocorrelation parts the families: Hamming's pedestal ends it abruptly, a
    # window tapering to zero lets it fade. Once read as Hann (Hamming 512, at half the window,
    # where the retrieval hardly tells families apart) and as Hamming 388 at hop 194 (Hann 400).
    torch_case("torch_power_hamming512_in1024_hop256", x, fs, "hamming", 1024, 256,
               "samples/source/noisy22k.wav[12000:22000]", win_length=512)
    scipy_case("scipy_hann400_in1024_hop200", x, fs, "hann", 400, 200,
               "np.abs(scipy.signal.stft(x, fs, nperseg=400, noverlap=200, nfft=1024)[2])",
               "samples/source/noisy22k.wav[12000:22000]", nfft=1024)
    fs, x = load("speech16k.wav", 4000, 9600)
    scipy_case("scipy_hann512_in1024_hop128", x, fs, "hann", 512, 128,
               "np.abs(scipy.signal.stft(x, fs, nperseg=512, noverlap=384, nfft=1024)[2])",
               "samples/source/speech16k.wav[4000:13600]", nfft=1024)
    # Other families (the window is told apart by the shape of spectral peaks): whole recordings.
    fs, x = load("speech16k.wav", 0, 26001)
    # Hamming 1024 in n_fft 2048: the autocorrelation falls below 1e-5 beyond lag 1018, within 8
    # lags of n_fft/2, where no floor can be measured; once read as win_length 1020 at hop 510.
    scipy_case("scipy_hamming1024_in2048_hop512", x, fs, "hamming", 1024, 512,
               "np.abs(scipy.signal.stft(x, fs, window='hamming', nperseg=1024, noverlap=512, nfft=2048)[2])",
               "samples/source/speech16k.wav", nfft=2048)
    scipy_case("scipy_blackman512_hop256", x, fs, "blackman", 512, 256,
               "np.abs(scipy.signal.stft(x, fs, window='blackman', nperseg=512, noverlap=256)[2])", "samples/source/speech16k.wav")
    fs, x = load("noisy22k.wav", 0, 30871)
    torch_case("torch_power_hamming512_hop128", x, fs, "hamming", 512, 128, "samples/source/noisy22k.wav")
    # Sustained tones (a plucked chord from sox, 48 kHz): every bin's time series is smooth, which
    # once made small divisors of the length look like the bin count.
    wav = os.path.join(HERE, "chord48k.wav")
    subprocess.run(["sox", "-R", "-D", "-n", "-r", "48000", "-b", "16", "-c", "1", wav, "synth", "1.0",
                    "pluck", "C3", "pluck", "E3", "pluck", "G3", "pluck", "C4", "remix", "-", "gain", "-6"], check=True)
    fs, x = scipy.io.wavfile.read(wav)
    os.remove(wav)
    x = x.astype(np.float64) / 32768.0
    chord = "sox -R -n -r 48000 -c 1 synth 1.0 pluck C3 pluck E3 pluck G3 pluck C4 remix - gain -6"
    scipy_case("scipy_chord_hamming1024_hop256", x, fs, "hamming", 1024, 256,
               "np.abs(scipy.signal.stft(x, fs, window='hamming', nperseg=1024, noverlap=768)[2])", chord)
    # Blackman at half the window: partials 2-3 bins apart, inside its main lobe, leave the peaks
    # leaning to Blackman without the margin (0.073 against Hann's 0.104); once read as Hann.
    scipy_case("scipy_chord_blackman1024_hop512", x, fs, "blackman", 1024, 512,
               "np.abs(scipy.signal.stft(x, fs, window='blackman', nperseg=1024, noverlap=512)[2])", chord)
    # The chord's linear Hann spectra look like power by the patch ratio (few, sparse partials);
    # the peaks' shape decides the reading.
    scipy_case("scipy_chord_hann2048_hop512", x, fs, "hann", 2048, 512,
               "np.abs(scipy.signal.stft(x, fs, window='hann', nperseg=2048, noverlap=1536)[2])", chord)
    # At a hop of half the window the chord's frames stay consistent under a quarter too (T within
    # 1 dB); only the consistency of consecutive frames at a quarter (14 dB off) tells.
    torch_case("torch_chord_power_hann1024_hop512", x, fs, "hann", 1024, 512, chord)
    # A plucked G chord (sox, 22050 Hz, 2.0 s), Hann 2048 at hop 256: 1025 bins x 174 frames. The
    # period test once read every third pair of the flat stream (a stride of 3, which divides 174):
    # always the same frames of each row, and 174 correlated 0.086 above its neighbours against
    # 0.382 over all pairs; it was read as frames of 5 bins and failed.
    wav = os.path.join(HERE, "pluck22k.wav")
    subprocess.run(["sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", wav, "synth", "2.0", "pluck", "G2",
                    "pluck", "D3", "pluck", "G3", "pluck", "B3", "remix", "-", "gain", "-8"], check=True)
    fsp, xp = scipy.io.wavfile.read(wav)
    os.remove(wav)
    scipy_case("scipy_pluck_hann2048_hop256", xp.astype(np.float64) / 32768.0, fsp, "hann", 2048, 256,
               "np.abs(scipy.signal.stft(x, fs, nperseg=2048, noverlap=1792)[2])",
               "sox -R -n -r 22050 -c 1 synth 2.0 pluck G2 pluck D3 pluck G3 pluck B3 remix - gain -8")
    # The same chord under Hamming 256 at half the window (bins of 86 Hz): the peaks are set aside
    # and the retrieval cannot tell families apart at redundancy 2; it was read as Hann. Above
    # 5.5 kHz the chord has almost nothing of its own, and 65 of its 345 loud frames end in the
    # smooth tail of the step Hamming's pedestal leaves where the frame wraps.
    pluck = "sox -R -n -r 22050 -c 1 synth 2.0 pluck G2 pluck D3 pluck G3 pluck B3 remix - gain -8"
    xpf = xp.astype(np.float64) / 32768.0
    scipy_case("scipy_pluck_hamming256_hop128", xpf, fsp, "hamming", 256, 128,
               "np.abs(scipy.signal.stft(x, fs, window='hamming', nperseg=256, noverlap=128)[2])", pluck)
    # And under Hann with a DC offset of 5% of the peak: scipy's zero padding makes a step of it
    # in the first and last frames, whose tails look like a pedestal's; too few frames to count.
    scipy_case("scipy_pluck_dc_hann256_hop128", xpf + 0.05 * np.abs(xpf).max(), fsp, "hann", 256, 128,
               "np.abs(scipy.signal.stft(x + 0.05 * max|x|, fs, window='hann', nperseg=256, noverlap=128)[2])",
               pluck + ", plus 0.05 of its peak")
    # scipy.signal.stft's defaults (Hann 256, hop 128) at 16 kHz: voiced harmonics lie 1.3-1.8 bins
    # apart, closer than a main lobe, and their beats once made the peak shape say Hamming.
    fs, x = load("speech16k.wav", 0, 26001)
    scipy_case("scipy_default_hann256_hop128", x, fs, "hann", 256, 128,
               "np.abs(scipy.signal.stft(x, fs)[2])  (defaults: window='hann', nperseg=256, noverlap=128)",
               "samples/source/speech16k.wav")
    # Plucked strings under a 3 Hz frequency modulation at 22050 Hz (sox), Blackman 256 at a
    # quarter window: bins of 86 Hz set the peaks' shape aside (it says Blackman, rightly), and
    # the retrieval's preference for Blackman (1.4 dB) fell short of the margin over Hann.
    wav = os.path.join(HERE, "music22k.wav")
    music = ("sox -R -n -r 22050 -c 1 synth 2.5 pluck A2 pluck E3 pluck A3 pluck C#4 synth 2.5 sine fmod 3 "
             "remix - gain -8, first 1.0 s")
    subprocess.run(["sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", wav, "synth", "2.5", "pluck", "A2",
                    "pluck", "E3", "pluck", "A3", "pluck", "C#4", "synth", "2.5", "sine", "fmod", "3", "remix", "-",
                    "gain", "-8"], check=True)
    fsm, xm = scipy.io.wavfile.read(wav)
    wav44 = os.path.join(HERE, "music44k.wav")
    subprocess.run(["sox", "-R", "-D", wav, "-r", "44100", wav44], check=True)
    fs44, x44 = scipy.io.wavfile.read(wav44)
    os.remove(wav)
    os.remove(wav44)
    xw = xm.astype(np.float64) / 32768.0
    xm = xw[:fsm]
    scipy_case("scipy_music_blackman256_hop64", xm, fsm, "blackman", 256, 64,
               "np.abs(scipy.signal.stft(x, fs, window='blackman', nperseg=256, noverlap=192)[2])", music)
    # The same at half the window (1.5 s): the peaks said Blackman (0.039 against Hann 0.145 on the
    # whole recording), set aside for wide bins, and the retrieval was level: read as Hann.
    scipy_case("scipy_music_blackman256_hop128", xw[:fsm * 3 // 2], fsm, "blackman", 256, 128,
               "np.abs(scipy.signal.stft(x, fs, window='blackman', nperseg=256, noverlap=128)[2])",
               music.replace("first 1.0 s", "first 1.5 s"))
    # The same strings, 792 frames of torch power (Hann 256, hop 64, not centred) written
    # frames x bins: every multiple of 129 is a period of the flat stream, and 774 and others
    # correlated better than 129, which was not among the five periods tried.
    torch_frames_case("torch_music_frames_power_hann256_hop64", xw[:256 + 64 * 791], fsm, "hann", 256, 64, "power",
                      music.replace("first 1.0 s", "first 50880 samples"))
    # The whole 2.5 s of the strings, torch not centred, Hamming 256 at hop 128, in dB, frames x
    # 129 bins (bench/wild_sweep.py mag, seed 3, case 1): a multiple of the period, 1677 frames x
    # 33 bins, once won the orientation by bins_x_frames' half point at SC -16.0 dB over the true
    # reading's -28.7 dB.
    torch_frames_case("torch_music_frames_db_hamming256_hop128", xw, fsm, "hamming", 256, 128, "db20",
                      music.replace(", first 1.0 s", ""))
    # Hamming at half the window, bins of 62.5 Hz: the peaks say Hamming, with a fit (0.094) too
    # loose for a Hann window read one family narrower (0.005-0.041); once read as Hann.
    scipy_case("scipy_hamming256_hop128", x, fs, "hamming", 256, 128,
               "np.abs(scipy.signal.stft(x, fs, window='hamming', nperseg=256, noverlap=128)[2])",
               "samples/source/speech16k.wav")
    # torchaudio.transforms.Spectrogram()'s defaults (torch.stft power, Hann 400, hop 200, reflect-
    # centred) of the first 1.0 s of a female espeak-ng voice resampled to 44.1 kHz by sox: bins of
    # 110 Hz set the peaks aside, they said Hamming with a fit too loose for a Hann window read one
    # family narrower, and the retrieval does not tell families apart at redundancy 2; read as
    # Hamming. Above 11 kHz the resampled voice has nothing of its own, and 182 of its 191 loud
    # frames lie there 20 dB under the step Hamming's pedestal would leave where the frame wraps.
    stella = "Please call Stella. Ask her to bring these things with her from the store."
    fsf, xf = espeak("en-us+f3", "150", stella, 44100)
    torch_case("torch_female44k_power_hann400_hop200", xf[:fsf].astype(np.float64) / 32768.0, fsf, "hann", 400, 200,
               f"espeak-ng -v en-us+f3 -s 150 '{stella}', sox -r 44100 -b 16, first 1.0 s")
    # whisper's STFT (torch power, Hann 400 at hop 160: 10 ms in 25 ms at 16 kHz) of speech16k: a
    # hop of 2/5 of the window, no halving of it, was read as 200. A short retrieval gains 6.9 dB
    # from hop 133 to 160 and 4.7 dB from 160 to 200; at a true hop of 200 the first gain is the
    # smaller.
    fs, x = load("speech16k.wav", 0, 26001)
    torch_case("torch_power_hann400_hop160", x, fs, "hann", 400, 160, "samples/source/speech16k.wav")
    # Scale only (tests/data/magnitude_scale/): a linear Hamming 256 dump at 16 kHz whose patch
    # ratio (0.797) says linear, while its unresolved harmonics' "peaks" fit Hann under the power
    # reading (which a previous rule took).
    scipy_case("scipy_hamming256_hop64", x, fs, "hamming", 256, 64,
               "np.abs(scipy.signal.stft(x, fs, window='hamming', nperseg=256, noverlap=192)[2])",
               "samples/source/speech16k.wav", root=os.path.join(HERE, "..", "magnitude_scale"))
    # Scale only: German espeak-ng speech at 8 kHz (its first 1.2 s), Blackman 128 at a quarter
    # window. Voiced harmonics 2 bins apart give the linear |X| a patch ratio of 0.71, its square
    # root 0.89, and the bins (125 Hz at the assumed 16 kHz) set the peaks aside: once read as
    # power, and then as Hann at hop 64. A retrieval at hop n_fft/4 tells the readings apart.
    german = "Im Sommer fahren wir oft an die See und baden jeden Tag."
    fs, x = espeak("de", "170", german, 8000)
    x = x[:9600].astype(np.float64) / 32768.0
    scipy_case("scipy_german8k_blackman128_hop32", x, fs, "blackman", 128, 32,
               "np.abs(scipy.signal.stft(x, fs, window='blackman', nperseg=128, noverlap=96)[2])",
               f"espeak-ng -v de -s 170 '{german}', sox -r 8000 -b 16, first 9600 samples",
               root=os.path.join(HERE, "..", "magnitude_scale"))
    # Scale only: the strings resampled to 44.1 kHz by sox (its upper half empty), first 0.6 s,
    # Hamming 512 at hop 256. Neither plain reading's patch ratio is near 0.81 (both 0.98), so the
    # log readings are tried, and log1p, the same magnitudes within 1.5% here, was taken.
    scipy_case("scipy_music44k_hamming512_hop256", x44[:int(0.6 * fs44)].astype(np.float64) / 32768.0, fs44, "hamming",
               512, 256, "np.abs(scipy.signal.stft(x, fs, window='hamming', nperseg=512, noverlap=256)[2])",
               music.replace("first 1.0 s", "then sox -r 44100, first 0.6 s"),
               root=os.path.join(HERE, "..", "magnitude_scale"))
    # Scale only: a sox plucked G chord at 22050 Hz, its first 0.5 s, torch power (Hann 2048,
    # hop 512, centred with zeros, librosa's default padding). Sparse partials put both plain
    # readings far from 0.81 (0.30, 0.45), so the log readings are tried; the log1p reading
    # maps the largest value, 692, to expm1(692) = 4e300, and its patch ratio of infinities (1.0)
    # was taken.
    wav = os.path.join(HERE, "pluck22k.wav")
    pluck = "sox -R -n -r 22050 -c 1 synth 3 pluck G2 pluck D3 pluck G3 pluck B3 remix - gain -8"
    subprocess.run(["sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", wav, "synth", "3", "pluck", "G2",
                    "pluck", "D3", "pluck", "G3", "pluck", "B3", "remix", "-", "gain", "-8"], check=True)
    fsp, xp = scipy.io.wavfile.read(wav)
    os.remove(wav)
    torch_case("torch_pluck_power_hann2048_hop512", xp[:fsp // 2].astype(np.float64) / 32768.0, fsp, "hann", 2048, 512,
               pluck + ", first 0.5 s", pad_mode="constant", root=os.path.join(HERE, "..", "magnitude_scale"))
    # Scale only: a tremolo square-wave organ chord at 22050 Hz (sox), its first 0.5 s, torch power
    # (Hamming 1024, hop 256, reflect-centred). Its values reach 482: read as ln they span 4188 dB,
    # nearly every bin 0 against the largest few, a patch ratio of 1.0, nearer 0.81 than the
    # power reading's 0.58; it was read as ln, and at hop 128 under Hann.
    organ = os.path.join(HERE, "organ22k.wav")
    organ_call = ("sox -R -n -r 22050 -c 1 synth 3 square 196 square 247 square 294 remix - lowpass 4000 gain -12 "
                  "tremolo 5 40")
    subprocess.run(["sox", "-R", "-D", "-n", "-r", "22050", "-b", "16", "-c", "1", organ, "synth", "3", "square", "196",
                    "square", "247", "square", "294", "remix", "-", "lowpass", "4000", "gain", "-12", "tremolo", "5", "40"],
                   check=True)
    fso, xo = scipy.io.wavfile.read(organ)
    os.remove(organ)
    torch_case("torch_organ_power_hamming1024_hop256", xo[:fso // 2].astype(np.float64) / 32768.0, fso, "hamming", 1024, 256,
               organ_call + ", first 0.5 s", root=os.path.join(HERE, "..", "magnitude_scale"))

if __name__ == "__main__":
    main()
