package energy.dispatch.broker;

/**
 * The answer of {@link TopicAcl}: allowed, or denied with a reason a client developer can act on
 * (it travels back in the PUBACK or SUBACK reason string). Immutable.
 */
public record AclDecision(boolean allowed, String reason) {

  private static final AclDecision ALLOW = new AclDecision(true, "allowed");

  public static AclDecision allow() {
    return ALLOW;
  }

  public static AclDecision deny(String reason) {
    return new AclDecision(false, reason);
  }
}
