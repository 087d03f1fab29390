// SPDX-License-Identifier: MIT
// A borrowed image: height rows of width pixels of `channels` doubles, row-major, interleaved.
#pragma once

#include <cstddef>

namespace gmmot {

struct ImageView {
  std::size_t width = 0, height = 0, channels = 0;
  const double *pixels = nullptr;  // width * height * channels
};

}  // namespace gmmot
