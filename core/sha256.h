// SHA-256 (FIPS 180-4): the trust store's key for a normalized command.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vg {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // Finish and return the 32-byte digest; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buf_{};
  std::size_t buf_len_ = 0;
  std::uint64_t total_len_ = 0;
};

// Lower-case hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

}  // namespace vg
