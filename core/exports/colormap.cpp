// Viridis and magma from degree-6 polynomial fits of matplotlib's perceptually uniform maps (public-domain
// fits by Matt Zucker), and a grey ramp; each sampled once into a 256-entry table.
#include "core/exports/colormap.h"

#include <algorithm>
#include <cmath>

namespace attnviz::exports {

namespace {

struct Poly6 {
    float c[7][3];
};

// Coefficients c0..c6 per channel: colour(t) = c0 + t (c1 + t (c2 + ... t c6)).
constexpr Poly6 kViridis = {{{0.27772733f, 0.00540734f, 0.33409981f},
                             {0.10509304f, 1.40461353f, 1.38459016f},
                             {-0.33086183f, 0.21484756f, 0.09509516f},
                             {-4.63423050f, -5.79910097f, -19.33244096f},
                             {6.22826994f, 14.17993337f, 56.69055260f},
                             {4.77638500f, -13.74514538f, -65.35303263f},
                             {-5.43545586f, 4.64585261f, 26.31243525f}}};
constexpr Poly6 kMagma = {{{-0.00213649f, -0.00074966f, -0.00538613f},
                           {0.25166054f, 0.67752324f, 2.49402660f},
                           {8.35371728f, -3.57771951f, 0.31446790f},
                           {-27.66873309f, 14.26473078f, -13.64921319f},
                           {52.17613981f, -27.94360607f, 12.94416944f},
                           {-50.76852536f, 29.04658282f, 4.23415299f},
                           {18.65570507f, -11.48977352f, -5.60196151f}}};

std::uint8_t to_byte(float x) {
    return static_cast<std::uint8_t>(std::lround(std::clamp(x, 0.0f, 1.0f) * 255.0f));
}

std::array<Rgb8, kColormapSize> sample(const Poly6& p) {
    std::array<Rgb8, kColormapSize> table{};
    for (int i = 0; i < kColormapSize; ++i) {
        const float t = static_cast<float>(i) / (kColormapSize - 1);
        float rgb[3];
        for (int ch = 0; ch < 3; ++ch) {
            float v = p.c[6][ch];
            for (int k = 5; k >= 0; --k) v = p.c[k][ch] + t * v;
            rgb[ch] = v;
        }
        table[static_cast<std::size_t>(i)] = {to_byte(rgb[0]), to_byte(rgb[1]), to_byte(rgb[2])};
    }
    return table;
}

std::array<Rgb8, kColormapSize> grey_ramp() {
    // From near-black to white; starting above 0 keeps the lowest cells distinct from the background.
    std::array<Rgb8, kColormapSize> table{};
    for (int i = 0; i < kColormapSize; ++i) {
        const std::uint8_t v = to_byte(0.08f + 0.92f * static_cast<float>(i) / (kColormapSize - 1));
        table[static_cast<std::size_t>(i)] = {v, v, v};
    }
    return table;
}

}  // namespace

const char* colormap_name(Colormap cmap) {
    switch (cmap) {
        case Colormap::kViridis:
            return "viridis";
        case Colormap::kMagma:
            return "magma";
        case Colormap::kGrey:
            return "grey";
    }
    return "viridis";
}

std::optional<Colormap> colormap_from_name(const std::string& name) {
    for (int i = 0; i < kColormapCount; ++i) {
        const auto c = static_cast<Colormap>(i);
        if (name == colormap_name(c)) return c;
    }
    return std::nullopt;
}

const std::array<Rgb8, kColormapSize>& colormap_table(Colormap cmap) {
    static const std::array<Rgb8, kColormapSize> viridis = sample(kViridis);
    static const std::array<Rgb8, kColormapSize> magma = sample(kMagma);
    static const std::array<Rgb8, kColormapSize> grey = grey_ramp();
    switch (cmap) {
        case Colormap::kViridis:
            return viridis;
        case Colormap::kMagma:
            return magma;
        case Colormap::kGrey:
            return grey;
    }
    return viridis;
}

Rgb8 diverging_color(float t) {
    static constexpr std::uint8_t kStops[9][3] = {{33, 102, 172},  {67, 147, 195},  {146, 197, 222},
                                                  {209, 229, 240}, {247, 247, 247}, {253, 219, 199},
                                                  {244, 165, 130}, {214, 96, 77},   {178, 24, 43}};
    const float x = std::isnan(t) ? 4.0f : std::clamp(t, 0.0f, 1.0f) * 8.0f;
    const int i = std::min(7, static_cast<int>(x));
    const float f = x - static_cast<float>(i);
    const auto mix = [&](int c) {
        return static_cast<std::uint8_t>(std::lround(static_cast<float>(kStops[i][c]) * (1.0f - f) +
                                                     static_cast<float>(kStops[i + 1][c]) * f));
    };
    return Rgb8{mix(0), mix(1), mix(2)};
}

int colormap_index(float t) {
    if (!(t > 0.0f)) return 0;  // also NaN
    if (t >= 1.0f) return kColormapSize - 1;
    return static_cast<int>(t * static_cast<float>(kColormapSize - 1) + 0.5f);
}

}  // namespace attnviz::exports
