#include "netdev.h"

#include <fcntl.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

namespace tsrun {
namespace {

// One address of the interface, as RTM_NEWADDR needs it back: the ifaddrmsg and its IFA_LOCAL /
// IFA_ADDRESS / IFA_BROADCAST attributes, copied as the kernel gave them.
struct Addr {
  ifaddrmsg ifa;
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> attrs;
};

class Netlink {
 public:
  explicit Netlink(int fd) : fd_(fd) {}
  ~Netlink() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

  // Sends one request and collects the replies (NLM_F_DUMP: until NLMSG_DONE, else the ack).
  // Returns 0 or an errno; `each` sees every data message.
  template <typename F>
  int request(std::vector<uint8_t>& msg, F each) {
    auto* h = reinterpret_cast<nlmsghdr*>(msg.data());
    h->nlmsg_len = msg.size();
    h->nlmsg_seq = ++seq_;
    // NLM_F_DUMP's bits mean NLM_F_EXCL / NLM_F_CREATE in a new-request: only GET requests dump.
    const bool dump = (h->nlmsg_type == RTM_GETLINK || h->nlmsg_type == RTM_GETADDR) && (h->nlmsg_flags & NLM_F_DUMP);
    h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    if (send(fd_, msg.data(), msg.size(), 0) < 0) return errno;
    std::vector<uint8_t> buf(1 << 16);
    for (;;) {
      ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      for (auto* r = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(r, static_cast<size_t>(n)); r = NLMSG_NEXT(r, n)) {
        if (r->nlmsg_seq != seq_) continue;
        if (r->nlmsg_type == NLMSG_DONE) return 0;
        if (r->nlmsg_type == NLMSG_ERROR) {
          int e = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(r))->error;
          if (e || !dump) return e;
          continue;
        }
        each(r);
      }
    }
  }

 private:
  int fd_;
  uint32_t seq_ = 0;
};

int openNetlink() { return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE); }

template <typename T>
std::vector<uint8_t> message(uint16_t type, uint16_t flags, const T& body) {
  std::vector<uint8_t> m(NLMSG_SPACE(sizeof(T)));
  auto* h = reinterpret_cast<nlmsghdr*>(m.data());
  h->nlmsg_type = type;
  h->nlmsg_flags = flags;
  memcpy(NLMSG_DATA(h), &body, sizeof body);
  return m;
}

void addAttr(std::vector<uint8_t>& m, uint16_t type, const void* data, size_t len) {
  size_t at = NLMSG_ALIGN(m.size());
  m.resize(at + RTA_SPACE(len));
  auto* a = reinterpret_cast<rtattr*>(m.data() + at);
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
}

// The attribute `type` of a link message, as a string (IFLA_IFNAME), or "".
std::string linkName(nlmsghdr* r) {
  auto* ifi = reinterpret_cast<ifinfomsg*>(NLMSG_DATA(r));
  int len = IFLA_PAYLOAD(r);
  for (auto* a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
    if (a->rta_type == IFLA_IFNAME) return std::string(static_cast<char*>(RTA_DATA(a)));
  return "";
}

// Every link of the socket's namespace: index → name.
int links(Netlink& nl, std::vector<std::pair<int, std::string>>* out) {
  ifinfomsg ifi = {};
  auto m = message(RTM_GETLINK, NLM_F_DUMP, ifi);
  return nl.request(m, [&](nlmsghdr* r) {
    if (r->nlmsg_type == RTM_NEWLINK) out->emplace_back(reinterpret_cast<ifinfomsg*>(NLMSG_DATA(r))->ifi_index, linkName(r));
  });
}

// config-linux.md#network-devices: the permanent addresses (IFA_F_PERMANENT) of global scope.
int addresses(Netlink& nl, int index, std::vector<Addr>* out) {
  ifaddrmsg req = {};
  auto m = message(RTM_GETADDR, NLM_F_DUMP, req);
  return nl.request(m, [&](nlmsghdr* r) {
    if (r->nlmsg_type != RTM_NEWADDR) return;
    auto* ifa = reinterpret_cast<ifaddrmsg*>(NLMSG_DATA(r));
    if (static_cast<int>(ifa->ifa_index) != index || ifa->ifa_scope != RT_SCOPE_UNIVERSE) return;
    uint32_t flags = ifa->ifa_flags;
    Addr addr{*ifa, {}};
    int len = IFA_PAYLOAD(r);
    for (auto* a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      if (a->rta_type == IFA_FLAGS) memcpy(&flags, RTA_DATA(a), sizeof flags);
      if (a->rta_type == IFA_LOCAL || a->rta_type == IFA_ADDRESS || a->rta_type == IFA_BROADCAST) {
        auto* p = static_cast<uint8_t*>(RTA_DATA(a));
        addr.attrs.push_back({a->rta_type, std::vector<uint8_t>(p, p + RTA_PAYLOAD(a))});
      }
    }
    if (flags & IFA_F_PERMANENT) out->push_back(addr);
  });
}

NetdevResult failure(int err, const char* syscall, const std::string& detail) {
  NetdevResult r;
  r.err = err;
  r.syscall = syscall;
  r.detail = detail;
  return r;
}

// A netlink socket in the namespace at `nsfd`, opened by this thread between two setns calls.
int socketIn(int nsfd, int* err, const char** syscall) {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) return *err = errno, *syscall = "open /proc/thread-self/ns/net", -1;
  if (setns(nsfd, CLONE_NEWNET) < 0) {
    *err = errno, *syscall = "setns";
    close(self);
    return -1;
  }
  int fd = openNetlink();
  int sockErr = errno;
  // Back to our own namespace; failing that the thread would stay in the container's: abort.
  if (setns(self, CLONE_NEWNET) < 0) abort();
  close(self);
  if (fd < 0) *err = sockErr, *syscall = "socket";
  return fd;
}

}  // namespace

NetdevResult moveNetdev(const std::string& host_name, const std::string& netns_path, const std::string& new_name, bool check_only) {
  Netlink host(openNetlink());
  if (!host.ok()) return failure(errno, "socket", "AF_NETLINK");
  unsigned index = if_nametoindex(host_name.c_str());
  if (!index) return failure(errno, "if_nametoindex", host_name);
  std::vector<Addr> addrs;
  if (int e = addresses(host, index, &addrs)) return failure(e, "RTM_GETADDR", host_name);
  int nsfd = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) return failure(errno, "open", netns_path);
  int err = 0;
  const char* syscall = "";
  Netlink target(socketIn(nsfd, &err, &syscall));
  if (!target.ok()) {
    close(nsfd);
    return failure(err, syscall, netns_path);
  }
  std::vector<std::pair<int, std::string>> before;
  if (int e = links(target, &before)) return close(nsfd), failure(e, "RTM_GETLINK", "container namespace");
  // config-linux.md#network-devices: a name taken in the container is an error, unless a %d template.
  if (new_name.find("%d") == std::string::npos)
    for (auto& l : before)
      if (l.second == new_name) return close(nsfd), failure(EEXIST, "RTM_NEWLINK", new_name + " exists in the container's network namespace");
  if (check_only) return close(nsfd), NetdevResult{};
  ifinfomsg ifi = {};
  ifi.ifi_index = index;
  auto move = message(RTM_NEWLINK, 0, ifi);
  addAttr(move, IFLA_NET_NS_FD, &nsfd, sizeof nsfd);
  addAttr(move, IFLA_IFNAME, new_name.c_str(), new_name.size() + 1);
  int e = host.request(move, [](nlmsghdr*) {});
  close(nsfd);
  if (e) return failure(e, "RTM_NEWLINK", host_name + " to " + netns_path + " as " + new_name);
  // The moved link is the one the container's namespace did not have (its index may change).
  std::vector<std::pair<int, std::string>> after;
  if ((e = links(target, &after))) return failure(e, "RTM_GETLINK", "container namespace");
  std::set<int> had;
  for (auto& l : before) had.insert(l.first);
  NetdevResult r;
  int moved = 0;
  for (auto& l : after)
    if (!had.count(l.first)) moved = l.first, r.name = l.second;
  if (!moved) return failure(ENODEV, "RTM_GETLINK", host_name + " is not in the container's network namespace after the move");
  for (auto& a : addrs) {
    ifaddrmsg ifa = a.ifa;
    ifa.ifa_index = moved;
    auto add = message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifa);
    for (auto& attr : a.attrs) addAttr(add, attr.first, attr.second.data(), attr.second.size());
    if ((e = target.request(add, [](nlmsghdr*) {}))) return failure(e, "RTM_NEWADDR", r.name);
    r.addresses++;
  }
  // "The runtime MUST set the network device state to up after moving it."
  ifinfomsg up = {};
  up.ifi_index = moved;
  up.ifi_flags = IFF_UP;
  up.ifi_change = IFF_UP;
  auto set = message(RTM_NEWLINK, 0, up);
  if ((e = target.request(set, [](nlmsghdr*) {}))) return failure(e, "RTM_NEWLINK", r.name + " up");
  return r;
}

}  // namespace tsrun
