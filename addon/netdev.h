// linux.netDevices (config-linux.md#network-devices): move one host interface into a network
// namespace over rtnetlink (rtnetlink(7)), keeping its permanent global addresses, and bring it up.
#pragma once
#include <string>

namespace tsrun {

struct NetdevResult {
  int err = 0;                 // errno on failure
  std::string syscall;         // e.g. "RTM_NEWLINK" or "setns"
  std::string detail;
  std::string name;            // the name in the target namespace (a %d template resolved by the kernel)
  int addresses = 0;           // addresses re-added there
};

// The calling thread enters the target namespace only to open a netlink socket there, and
// returns to its own at once (setns(2): a network namespace may be joined by one thread).
// With check_only, only looks the interface up and checks the name is free in the target.
NetdevResult moveNetdev(const std::string& host_name, const std::string& netns_path, const std::string& new_name, bool check_only);

}  // namespace tsrun
