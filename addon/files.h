// The few file operations every command makes (lstat/fstat of the state directory, the state
// file's write and rename, the container directory's mkdir and removal), as plain syscalls:
// Node's fs functions are JavaScript that V8 compiles anew at every start of the CLI (no code
// cache of ours can hold Node's own functions), ~1.5 M instructions of a create for these alone.
#pragma once
#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>

namespace tsrun {

// open(2), fstat(2) for its size, read(2) it into the st_size bytes reserve(st_size) gives;
// *got is what was read (less when the file shrank). 0, or a negative errno with *syscall
// naming the call that failed.
int readWholeFile(const char* path, const std::function<uint8_t*(size_t)>& reserve, size_t* got, const char** syscall);
// stat(2) or lstat(2) (follow false); 0 or a negative errno.
int statPath(const char* path, bool follow, struct stat* st);
// fstat(2); 0 or a negative errno.
int statFd(int fd, struct stat* st);
// open(O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, mode), write all of data, close: what
// fs.writeFileSync does. 0, or a negative errno with *syscall naming the call that failed.
int writeWholeFile(const char* path, const char* data, size_t len, mode_t mode, const char** syscall);
// writeWholeFile(tmp), then rename(2) it over path: a reader sees the old file or the new one,
// never a part. The temporary file is removed when the rename fails.
int replaceFile(const char* path, const char* tmp, const char* data, size_t len, mode_t mode, const char** syscall);
// mkdir(2); 0 or a negative errno.
int makeDir(const char* path, mode_t mode);
// rmdir(2); 0 or a negative errno.
int removeDir(const char* path);
// open(2) with O_CLOEXEC added, as Node opens every fd: the fd, or a negative errno.
int openPath(const char* path, int flags, mode_t mode);
// close(2); 0 or a negative errno.
int closeFd(int fd);
// write(2) until all of data is written or the fd would block (EAGAIN on a non-blocking fd):
// the bytes left unwritten (0 when all were), or a negative errno.
long writeFd(int fd, const char* data, size_t len);
// fcntl(F_DUPFD_CLOEXEC): a second descriptor of the same open file, or a negative errno.
int dupFd(int fd);
// poll(2) without waiting, then read(2) up to len bytes if the fd is readable: the bytes read
// (0 at end of file), -EAGAIN when nothing is ready, or another negative errno. At a pty master
// the poll also waits for the kernel to move what the slave wrote last into the master's
// buffer (n_tty_poll flushes the port's buffer work), which a read with data already
// buffered does not.
long readReady(int fd, char* buf, size_t len);
// unlink(2) every entry of the directory that is not itself a directory, then rmdir(2) it:
// a container's state directory holds only files and sockets. A directory inside makes rmdir
// fail with ENOTEMPTY. 0, or a negative errno with *syscall naming the call that failed.
int removeFlatDir(const char* path, const char** syscall);

}  // namespace tsrun
