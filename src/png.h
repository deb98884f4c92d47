// Why this file exists: the HTML report embeds spectrogram images as data: URIs, so it needs a
// PNG encoder and base64, and nothing else of an image library. zlib (Debian's zlib1g-dev)
// does the deflate and the CRC.
//
// Layout: RGB, 8 bits per channel, rows top to bottom, rgb[(row * width + col) * 3 + channel].
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace specrecon {

// A complete PNG file (signature, IHDR, one IDAT, IEND). Throws std::invalid_argument when
// rgb.size() != width * height * 3 or a dimension is 0.
std::vector<uint8_t> EncodePngRgb(const std::vector<uint8_t>& rgb, int width, int height);

// Standard base64 (RFC 4648, with padding), for data: URIs.
std::string Base64(const uint8_t* data, size_t size);
inline std::string Base64(const std::vector<uint8_t>& v) { return Base64(v.data(), v.size()); }

// A colour for t in [0, 1] (clamped) from matplotlib's viridis map, interpolated between 11
// stops: dark blue (low) to yellow (high). Writes 3 bytes.
void ViridisColour(double t, uint8_t* rgb);

}  // namespace specrecon
