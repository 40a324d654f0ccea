package energy.dispatch.cloud.grants;

import java.util.Objects;

/**
 * A principal's permissions on the edges its pattern matches. {@code edgePattern} is an edge id
 * or a pattern where {@code *} matches any run of characters. Control implies view.
 */
public record Grant(String principal, String edgePattern, boolean canView, boolean canControl) {

  public Grant {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(edgePattern, "edge_pattern");
    if (!principal.matches("(user|service):[A-Za-z0-9_.@-]{1,128}")) {
      throw new IllegalArgumentException("principal must be user:<id> or service:<name>, got '" + principal + "'");
    }
    if (!edgePattern.matches("[A-Za-z0-9_*-]{1,64}")) {
      throw new IllegalArgumentException("edge_pattern may hold letters, digits, _, - and *, got '" + edgePattern + "'");
    }
  }

  public boolean covers(String edgeId) {
    return EdgePattern.matches(edgePattern, edgeId);
  }

  public boolean allowsView() {
    return canView || canControl;
  }
}
