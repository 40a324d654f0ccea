package energy.dispatch.broker;

import energy.dispatch.schema.CredentialHash;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * All credentials the broker accepts at one moment: the cloud's secret digest and the digests of every
 * active edge and service (lowercase hex SHA-256, see {@link CredentialHash}). Immutable; a refresh
 * replaces the whole snapshot.
 */
record CredentialSnapshot(String cloudSecretSha256, Map<String, String> edgeHashes, Map<String, String> serviceHashes) {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  CredentialSnapshot {
    requireSha256Hex(cloudSecretSha256);
    edgeHashes = Map.copyOf(edgeHashes);
    serviceHashes = Map.copyOf(serviceHashes);
  }

  static void requireSha256Hex(String digest) {
    if (digest == null || !SHA256_HEX.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "the cloud secret must be configured as its SHA-256 digest: 64 lowercase hex characters");
    }
  }

  /** The principal the client id and user name claim, if the password is that principal's secret. */
  Optional<MqttPrincipal> authenticate(String clientId, String userName, byte[] password) {
    return LoginClaim.read(clientId, Optional.ofNullable(userName))
        .claimed()
        .filter(principal -> storedHash(principal).filter(hash -> CredentialHash.matches(password, hash)).isPresent());
  }

  Optional<String> storedHash(MqttPrincipal principal) {
    return switch (principal.kind()) {
      case CLOUD -> Optional.of(cloudSecretSha256);
      case EDGE -> Optional.ofNullable(edgeHashes.get(principal.name()));
      case SERVICE -> Optional.ofNullable(serviceHashes.get(principal.name()));
    };
  }

  /** The principals whose credential this snapshot had and {@code next} no longer accepts: revoked or rotated. */
  Set<MqttPrincipal> withdrawnIn(CredentialSnapshot next) {
    Set<MqttPrincipal> withdrawn = new HashSet<>();
    edgeHashes.forEach((edgeId, hash) -> {
      if (!hash.equals(next.edgeHashes.get(edgeId))) {
        withdrawn.add(MqttPrincipal.edge(edgeId));
      }
    });
    serviceHashes.forEach((name, hash) -> {
      if (!hash.equals(next.serviceHashes.get(name))) {
        withdrawn.add(MqttPrincipal.service(name));
      }
    });
    if (!cloudSecretSha256.equals(next.cloudSecretSha256)) {
      withdrawn.add(MqttPrincipal.cloud());
    }
    return withdrawn;
  }
}
