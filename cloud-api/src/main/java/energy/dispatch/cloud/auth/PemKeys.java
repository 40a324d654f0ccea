package energy.dispatch.cloud.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads the PEM public key that verifies RS256 tokens, as simplejwt's {@code VERIFYING_KEY} holds it. */
public final class PemKeys {

  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  private PemKeys() {}

  /**
   * @throws IllegalArgumentException naming the file when it cannot be read or holds no RSA public key
   */
  public static PublicKey readRsaPublicKey(Path file) {
    try {
      return parseRsaPublicKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("DISPATCH_JWT_PUBLIC_KEY_FILE=" + file + " cannot be used: " + e.getMessage()
          + "; it must hold an RSA public key in PEM ('" + BEGIN + "')", e);
    }
  }

  /**
   * @throws IllegalArgumentException when the text is not an RSA public key in PEM (SubjectPublicKeyInfo)
   */
  public static PublicKey parseRsaPublicKey(String pem) {
    int begin = pem.indexOf(BEGIN);
    int end = pem.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("no '" + BEGIN + "' block");
    }
    String base64 = pem.substring(begin + BEGIN.length(), end).replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the PEM block is not an RSA public key", e);
    }
  }

  /** The PEM text of a public key, as simplejwt's {@code VERIFYING_KEY} expects it. */
  public static String toPem(PublicKey key) {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded());
    return BEGIN + "\n" + base64 + "\n" + END + "\n";
  }
}
