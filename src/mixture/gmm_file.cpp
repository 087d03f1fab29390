// SPDX-License-Identifier: MIT
// Saved mixtures through files (gmmot/gmm_io.h): POSIX I/O, so that a save replaces the file
// atomically (temporary file, fsync, rename) and every failure names the path and errno's text.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <vector>

#include "mixture/gmm_format.hpp"
#include "util/error.hpp"

namespace gmmot {
namespace {

[[noreturn]] void io_fail(const std::string &what, const std::string &path, int err) {
  fail(Errc::Io, what + " '" + path + "': " + std::strerror(err));
}

// Closes on scope exit (errors of the final close are checked explicitly before that).
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string temporary_name(const std::string &path) {
  std::random_device rd;
  const unsigned long long r = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".tmp-%016llx", r);
  return path + suffix;
}

}  // namespace

void save_gmm_file(const Gmm &g, const std::string &path) {
  std::vector<unsigned char> bytes(saved_size(g.k(), g.d()));
  save_gmm(g, bytes.data());
  std::string tmp;
  Fd f;
  for (int attempt = 0; attempt < 16 && f.fd < 0; ++attempt) {
    tmp = temporary_name(path);
    f.fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (f.fd < 0 && errno != EEXIST) io_fail("cannot create a temporary file beside", path, errno);
  }
  if (f.fd < 0) io_fail("cannot create a temporary file beside", path, EEXIST);
  auto give_up = [&](const char *what, int err) {
    ::close(f.fd);
    f.fd = -1;
    ::unlink(tmp.c_str());
    io_fail(what, path, err);
  };
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(f.fd, bytes.data() + done, bytes.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      give_up("cannot write", errno);
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(f.fd) != 0 && errno != EINVAL && errno != EROFS) give_up("cannot flush", errno);
  const int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    io_fail("cannot write", path, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    io_fail("cannot replace", path, err);
  }
}

Gmm load_gmm_file(const std::string &path) {
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) io_fail("cannot open", path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) io_fail("cannot read", path, errno);
  if (S_ISDIR(st.st_mode)) io_fail("cannot read", path, EISDIR);
  std::vector<unsigned char> bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<std::size_t>(st.st_size));
  unsigned char buf[65536];
  for (;;) {
    const ssize_t r = ::read(f.fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR) continue;
      io_fail("cannot read", path, errno);
    }
    if (r == 0) break;
    bytes.insert(bytes.end(), buf, buf + r);
  }
  try {
    return load_gmm(bytes.data(), bytes.size());
  } catch (const Error &e) {
    fail(e.code(), "'" + path + "': " + e.what());
  }
}

}  // namespace gmmot
