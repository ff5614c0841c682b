#include "files.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace tsrun {

int readWholeFile(const char* path, const std::function<uint8_t*(size_t)>& reserve, size_t* got, const char** syscall) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return *syscall = "open", -errno;
  struct stat st;
  if (fstat(fd, &st) < 0) {
    int err = errno;
    close(fd);
    return *syscall = "fstat", -err;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  uint8_t* data = reserve(size);
  *got = 0;
  while (*got < size) {
    ssize_t n = read(fd, data + *got, size - *got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return *syscall = "read", -err;
    }
    if (n == 0) break;
    *got += static_cast<size_t>(n);
  }
  close(fd);
  return 0;
}

int statPath(const char* path, bool follow, struct stat* st) {
  return (follow ? stat(path, st) : lstat(path, st)) < 0 ? -errno : 0;
}

int statFd(int fd, struct stat* st) { return fstat(fd, st) < 0 ? -errno : 0; }

int writeWholeFile(const char* path, const char* data, size_t len, mode_t mode, const char** syscall) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return *syscall = "open", -errno;
  long left = writeFd(fd, data, len);
  if (left != 0) {
    close(fd);
    return *syscall = "write", left < 0 ? static_cast<int>(left) : -EAGAIN;
  }
  if (close(fd) < 0) return *syscall = "close", -errno;
  return 0;
}

int replaceFile(const char* path, const char* tmp, const char* data, size_t len, mode_t mode, const char** syscall) {
  int rc = writeWholeFile(tmp, data, len, mode, syscall);
  if (rc == 0 && rename(tmp, path) < 0) rc = (*syscall = "rename", -errno);
  if (rc < 0) unlink(tmp);
  return rc;
}

int makeDir(const char* path, mode_t mode) { return mkdir(path, mode) < 0 ? -errno : 0; }

int removeDir(const char* path) { return rmdir(path) < 0 ? -errno : 0; }

int openPath(const char* path, int flags, mode_t mode) {
  int fd = open(path, flags | O_CLOEXEC, mode);
  return fd < 0 ? -errno : fd;
}

int closeFd(int fd) { return close(fd) < 0 ? -errno : 0; }

long writeFd(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    // write(2) of a non-empty buffer that writes nothing: no progress can follow.
    if (n <= 0) return n < 0 ? -errno : -EIO;
    data += n;
    len -= static_cast<size_t>(n);
  }
  return static_cast<long>(len);
}

int dupFd(int fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return copy < 0 ? -errno : copy;
}

long readReady(int fd, char* buf, size_t len) {
  pollfd p = {fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, 0);
  while (r < 0 && errno == EINTR);
  if (r < 0) return -errno;
  if (!(p.revents & POLLIN)) return -EAGAIN;
  ssize_t n;
  do n = read(fd, buf, len);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : n;
}

int removeFlatDir(const char* path, const char** syscall) {
  int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dfd < 0) return *syscall = "open", -errno;
  DIR* dir = fdopendir(dfd);
  if (!dir) {
    int err = errno;
    close(dfd);
    return *syscall = "fdopendir", -err;
  }
  int err = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0))) continue;
    // unlinkat without AT_REMOVEDIR refuses a directory (EISDIR): left for rmdir to report.
    if (unlinkat(dirfd(dir), e->d_name, 0) < 0 && errno != ENOENT && errno != EISDIR && !err) {
      err = errno;
      *syscall = "unlinkat";
    }
  }
  closedir(dir);
  if (err) return -err;
  if (rmdir(path) < 0) return *syscall = "rmdir", -errno;
  return 0;
}

}  // namespace tsrun
