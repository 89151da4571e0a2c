// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/values.hpp"

namespace mpctl::core {

// Who acts on the registry: the operator, who may do everything, or an
// organisation, which may only see and touch what it owns. The CLI acts as
// the operator unless told `--as ORGNO`; the self-service API always acts as
// the organisation named by the caller's token.
class Actor {
  public:
    static Actor operator_role() { return Actor(std::nullopt); }
    static Actor organisation(OrgNumber org) { return Actor(std::move(org)); }

    bool is_operator() const { return !m_org.has_value(); }
    const std::optional<OrgNumber>& org() const { return m_org; }
    bool may_act_for(std::string_view orgno) const { return !m_org || m_org->str() == orgno; }
    // "the operator" or "org 123456785", for messages.
    std::string describe() const { return m_org ? "org " + m_org->str() : "the operator"; }

  private:
    explicit Actor(std::optional<OrgNumber> org) : m_org(std::move(org)) {}
    std::optional<OrgNumber> m_org;
};

}  // namespace mpctl::core
