// How acosim's HDF5 files are laid out on disk so that damage is detected (results files,
// sim/output/hdf5_io.cpp; sweep files, sim/output/sweep_io.cpp): the 1.8+ object formats, whose metadata
// carries checksums, and numeric arrays in chunks with a Fletcher-32 checksum each. libhdf5 verifies both
// when reading and refuses what changed. Readers: HDF5 1.8 or later (h5py, R's hdf5r, h5dump).
#pragma once

#include <H5Cpp.h>

#include <algorithm>
#include <vector>

namespace acosim {

// File access for writing: object formats from HDF5 1.8 (checksummed superblock, headers, B-trees).
inline H5::FileAccPropList checksummed_file_access() {
  H5::FileAccPropList access;
  access.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  return access;
}

// Creation properties of a numeric dataset of shape `dims`: chunks of about `chunk_elements`
// elements (whole rows) with a Fletcher-32 checksum, and shuffle + gzip when `compress`.
// Empty arrays stay contiguous (a chunk cannot be larger than a fixed dimension).
inline H5::DSetCreatPropList checksummed_layout(const std::vector<hsize_t>& dims, bool compress = false,
                                                hsize_t chunk_elements = 65536, unsigned deflate_level = 4) {
  H5::DSetCreatPropList plist;
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  if (total == 0) return plist;
  std::vector<hsize_t> chunk = dims;
  if (!chunk.empty()) {
    const hsize_t row = total / dims[0];
    chunk[0] = std::clamp<hsize_t>(chunk_elements / std::max<hsize_t>(row, 1), 1, dims[0]);
    plist.setChunk(static_cast<int>(chunk.size()), chunk.data());
    if (compress && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0) {
      plist.setShuffle();
      plist.setDeflate(deflate_level);
    }
    if (H5Zfilter_avail(H5Z_FILTER_FLETCHER32) > 0) plist.setFletcher32();
  }
  return plist;
}

}  // namespace acosim
