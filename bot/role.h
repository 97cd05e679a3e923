// Role: what a person may do. Ordered: an admin may do all an agent may, an agent all a member may.
#pragma once

#include <optional>
#include <string_view>

namespace opsbot {

enum class Role { kMember = 0, kAgent = 1, kAdmin = 2 };

inline std::optional<Role> ParseRole(std::string_view s) {
  if (s == "member") return Role::kMember;
  if (s == "agent") return Role::kAgent;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

inline const char* RoleName(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kAgent:
      return "agent";
    case Role::kMember:
      return "member";
  }
  return "member";
}

inline bool RoleAllows(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace opsbot
