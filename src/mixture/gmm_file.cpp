// SPDX-License-Identifier: MIT
// Saved mixtures through files (gmmot/gmm_io.h), with POSIX I/O: a save replaces the file
// atomically (a temporary beside it, fsync, rename, then fsync of the folder), writing through a
// symbolic link to its target and keeping the replaced file's permission bits; a load reads the
// header first and never more than the size it announces, so an endless or huge input (a FIFO,
// /dev/zero, a sparse file) is refused without reading it. Every failure names the path and
// errno's text.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
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

// Closes on scope exit (the final close of a written file is checked explicitly instead).
struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The file a save must replace: path itself, or the target of the symbolic link at path (so
// that saving through a link updates what it points to). Refuses folders and devices.
std::string save_target(const std::string &path, mode_t *mode, bool *exists) {
  if (path.empty()) fail(Errc::InvalidArgument, "path is empty");
  if (path.back() == '/') io_fail("cannot save to", path, EISDIR);
  std::string target = path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) == nullptr)
      io_fail("cannot resolve the symbolic link", path, errno);
    target = buf;
  }
  *exists = ::stat(target.c_str(), &st) == 0;
  if (*exists && !S_ISREG(st.st_mode)) {
    io_fail("cannot save to", path, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
  }
  *mode = *exists ? (st.st_mode & 07777) : 0;
  return target;
}

std::string folder_of(const std::string &file) {
  const std::size_t slash = file.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : file.substr(0, slash);
}

// A short name in the target's folder: derived from nothing of the file name, so that it
// fits whatever the name's length.
std::string temporary_in(const std::string &folder) {
  std::random_device rd;
  const unsigned long long r = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
  char name[40];
  std::snprintf(name, sizeof name, "/.gmmot-tmp-%016llx", r);
  return folder + name;
}

// Reads up to n bytes (fewer only at the end of the input).
std::size_t read_up_to(int fd, unsigned char *out, std::size_t n, const std::string &path) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, out + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      io_fail("cannot read", path, errno);
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

}  // namespace

void save_gmm_file(const Gmm &g, const std::string &path) {
  std::vector<unsigned char> bytes(saved_size(g));
  save_gmm(g, bytes.data());
  mode_t mode = 0666;
  bool exists = false;
  const std::string target = save_target(path, &mode, &exists);
  const std::string folder = folder_of(target);
  std::string tmp;
  Fd f;
  for (int attempt = 0; attempt < 16 && f.fd < 0; ++attempt) {
    tmp = temporary_in(folder);
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
  // A new file has open()'s 0666 less the umask; a replaced one keeps its permission bits.
  if (exists && ::fchmod(f.fd, mode) != 0) give_up("cannot set the permissions of", errno);
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
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    io_fail("cannot replace", path, err);
  }
  // The new name is durable once the folder is flushed; the file is already in place, so a
  // failure here (some file systems refuse to sync folders) is not reported.
  Fd dir;
  dir.fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir.fd >= 0) (void)::fsync(dir.fd);
}

Gmm load_gmm_file(const std::string &path) {
  if (path.empty()) fail(Errc::InvalidArgument, "path is empty");
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) io_fail("cannot open", path, errno);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) io_fail("cannot read", path, errno);
  if (S_ISDIR(st.st_mode)) io_fail("cannot read", path, EISDIR);
  try {
    // The header first: it says how many bytes follow, and nothing more is ever read.
    constexpr std::size_t kLead = 40;
    std::vector<unsigned char> bytes(kLead);
    std::size_t got = read_up_to(f.fd, bytes.data(), kLead, path);
    if (got < kLead) return load_gmm(bytes.data(), got);  // refused as too short
    const std::size_t expected = saved_size_from_header(bytes.data(), got);
    if (S_ISREG(st.st_mode) && static_cast<std::size_t>(st.st_size) != expected) {
      const auto size = static_cast<std::size_t>(st.st_size);
      fail(Errc::Format, "the file is " + std::to_string(size) + " bytes but its header needs " +
                             "exactly " + std::to_string(expected) +
                             (size < expected ? " (truncated)" : " (trailing bytes)"));
    }
    // One byte more than announced, to tell trailing bytes from an exact fit.
    const std::size_t want = expected + 1;
    std::size_t cap = S_ISREG(st.st_mode) ? want : std::min<std::size_t>(want, 1 << 20);
    while (got < want) {
      if (bytes.size() < cap) bytes.resize(cap);
      const std::size_t r = read_up_to(f.fd, bytes.data() + got, cap - got, path);
      got += r;
      if (got < cap) break;  // end of input
      cap = std::min(want, cap * 2);
    }
    return load_gmm(bytes.data(), got);
  } catch (const Error &e) {
    if (e.code() == Errc::Io) throw;
    fail(e.code(), "'" + path + "': " + e.what());
  }
}

}  // namespace gmmot
