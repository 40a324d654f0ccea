package energy.dispatch.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How machine credentials (edges, services, the cloud) are made and stored. The secrets are 256
 * random bits, so a fast SHA-256 digest is as strong as a slow password hash against guessing,
 * and it keeps a reconnect storm of thousands of edges from taking minutes. Only the digest is
 * stored; the secret is shown once.
 */
public final class CredentialHash {

  private static final SecureRandom RANDOM = new SecureRandom();

  private CredentialHash() {}

  /** A new secret: 32 random bytes, base64url without padding (43 characters). */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The stored form of a secret: lowercase hex SHA-256. */
  public static String hash(String secret) {
    return HexFormat.of().formatHex(sha256(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /** Compares in constant time, so response timing reveals nothing of the stored digest. */
  public static boolean matches(byte[] presentedSecret, String storedHash) {
    byte[] presented = sha256(presentedSecret);
    byte[] stored;
    try {
      stored = HexFormat.of().parseHex(storedHash);
    } catch (IllegalArgumentException malformed) {
      return false;
    }
    return MessageDigest.isEqual(presented, stored);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("every Java runtime has SHA-256", impossible);
    }
  }
}
